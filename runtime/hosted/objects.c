/*
 * The memory objects of the hosted backend as their receivers take them:
 * the check every receiver of a message's object makes before mapping it
 * (the broker for what it relays, a server's library for what a client
 * hands it directly), and the mapping of the objects the broker makes for
 * the direct path (rings and server pages).
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hosted/ring.h"

xous_error_t
xous__check_object(int fd, uint64_t offset, uint64_t len)
{
  struct stat st;

  if (fd < 0)
    return XOUS_BAD_ADDRESS;
  if (len == 0 || (len % XOUS_PAGE_SIZE) != 0 ||
      (offset % XOUS_PAGE_SIZE) != 0)
    return XOUS_BAD_ALIGNMENT;
  /* A real shared-memory object, large enough, and unable to shrink under
   * the receiver's feet: a shrunk object would make the receiver fault. */
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || offset + len < offset ||
      (uint64_t)st.st_size < offset + len)
    return XOUS_BAD_ADDRESS;
  {
    /* A file that cannot carry seals (on a disk) could shrink too. */
    int seals = fcntl(fd, F_GET_SEALS);

    if (seals < 0 || (seals & F_SEAL_SHRINK) == 0)
      return XOUS_BAD_ADDRESS;
  }
  return XOUS_OK;
}

/* Maps a memory object the broker handed us, checking that it is what it
 * claims: at least size bytes, with the magic at its head (0: none to
 * check, for a server page, whose head every client could overwrite). */
void *
xous__map_object(int fd, size_t size, uint32_t magic)
{
  struct stat st;
  void *p;

  if (fd < 0)
    return NULL;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
      (uint64_t)st.st_size < size) {
    close(fd);
    return NULL;
  }
  p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  if (p == MAP_FAILED)
    return NULL;
  if (magic != 0 && *(const uint32_t *)p != magic) {
    munmap(p, size);
    return NULL;
  }
  return p;
}
