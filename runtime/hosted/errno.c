/*
 * The one place where errno becomes a Xous error.
 */
#include <errno.h>

#include "hosted/internal.h"

xous_error_t
xous__errno_to_xous(int err)
{
  switch (err) {
  case 0:
    return XOUS_OK;
  case ENOMEM:
  case EMFILE:
  case ENFILE:
  case ENOSPC:
    return XOUS_OUT_OF_MEMORY;
  case EINVAL:
  case EFAULT:
    return XOUS_BAD_ADDRESS;
  case EEXIST:
  case EBUSY:
    return XOUS_MEMORY_IN_USE;
  case EACCES:
  case EPERM:
    return XOUS_ACCESS_DENIED;
  case EAGAIN:
    return XOUS_SERVER_QUEUE_FULL;
  default:
    return XOUS_INTERNAL_ERROR;
  }
}
