/*
 * The shared fuzz helpers (fuzz.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xous.h>

#include "hosted/wire.h"
#include "tools/procfs.h"
#include "fuzz.h"

void
fz_send_pages(int s, const void *buf, size_t len, unsigned pages, int flags)
{
  int fd = -1;

  if (pages > 0) {
    fd = memfd_create("xous-fuzz", MFD_CLOEXEC);
    if (fd < 0 || ftruncate(fd, (off_t)pages * XOUS_PAGE_SIZE) != 0)
      abort();
  }
  (void)xous__send_fd(s, buf, len, fd, flags);
  if (fd >= 0)
    close(fd); /* the receiver has its own copy, if it took the message */
}

size_t
fz_bytes(struct fz_reader *r, void *dst, size_t len)
{
  size_t k = len < r->n ? len : r->n;

  memcpy(dst, r->p, k);
  memset((uint8_t *)dst + k, 0, len - k);
  r->p += k;
  r->n -= k;
  return k;
}

uint64_t
fz_uint(struct fz_reader *r, size_t size)
{
  uint8_t b[8];
  uint64_t v = 0;

  fz_bytes(r, b, size);
  while (size-- > 0)
    v = v << 8 | b[size];
  return v;
}

int
fz_open_fds(void)
{
  int n = proc_fds(getpid(), NULL);

  return n < 0 ? -1 : n - 1; /* the directory's own descriptor */
}

void
fz_check_fds(int before, const char *target)
{
  int now = fz_open_fds();

  if (before >= 0 && now != before) {
    fprintf(stderr,
            "%s: file descriptor leak: %d open before the run, "
            "%d after\n",
            target, before, now);
    if (getenv("FUZZ_FD_LIST") != NULL)
      system("ls -l /proc/$PPID/fd >&2");
    abort();
  }
}
