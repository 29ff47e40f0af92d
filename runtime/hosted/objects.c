/*
 * The check every receiver of a memory object makes before mapping it:
 * the broker for what it relays, a server's library for what a client
 * hands it directly.
 */
#include <fcntl.h>
#include <sys/stat.h>

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
#ifdef F_GET_SEALS
  {
    /* A file that cannot carry seals (on a disk) could shrink too. */
    int seals = fcntl(fd, F_GET_SEALS);

    if (seals < 0 || (seals & F_SEAL_SHRINK) == 0)
      return XOUS_BAD_ADDRESS;
  }
#endif
  return XOUS_OK;
}
