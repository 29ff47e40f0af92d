/*
 * The everyday message calls, built on xous_send_message(): scalars,
 * blocking scalars, lends and sends.
 */
#include <string.h>

#include "internal.h"

/* The error an answer carries, as xous__result_error() decodes it, kept
 * inline so that r can stay in registers. */
static inline xous_error_t
answer_error(const xous_word_t r[8])
{
  return r[0] == XOUS_RESULT_ERROR ? xous__error_from_word(r[1]) : XOUS_OK;
}

/* Both scalar kinds go straight to the backend with their words by value
 * (SendMessage's words as xous__send_args_words lays them out: CID, kind,
 * id, the four arguments), which on the device keeps them in registers;
 * xous_send_message() would take them through a message, a word array and
 * a result. */
xous_error_t
xous_scalar(xous_cid_t cid, xous_word_t id, xous_word_t a1, xous_word_t a2,
            xous_word_t a3, xous_word_t a4)
{
  xous_word_t r[8];

  xous__syscall_by_value(r, XOUS_SYSCALL_SEND_MESSAGE, cid, XOUS_MSG_SCALAR,
                         id, a1, a2, a3, a4);
  return answer_error(r);
}

xous_error_t
xous_blocking_scalar(xous_cid_t cid, xous_word_t id, xous_word_t a1,
                     xous_word_t a2, xous_word_t a3, xous_word_t a4,
                     xous_word_t ret[5])
{
  xous_word_t r[8];
  xous_error_t err = XOUS_OK;
  int n = 0;

  xous__syscall_by_value(r, XOUS_SYSCALL_SEND_MESSAGE, cid,
                         XOUS_MSG_BLOCKING_SCALAR, id, a1, a2, a3, a4);
  switch (r[0]) {
  case XOUS_RESULT_SCALAR1:
    n = 1;
    break;
  case XOUS_RESULT_SCALAR2:
    n = 2;
    break;
  case XOUS_RESULT_SCALAR5:
    n = 5;
    break;
  default:
    /* A BlockingScalar is answered only with ReturnScalar1/2/5; an Error
     * that claims NoError is no answer either. */
    err = answer_error(r);
    if (err == XOUS_OK)
      err = XOUS_INTERNAL_ERROR;
    break;
  }
  /* The words the answer has, the rest 0 (all 0 on an error). Written
   * one by one rather than by memset and memcpy, so that r stays in
   * registers. */
  if (ret != NULL) {
    ret[0] = n >= 1 ? r[1] : 0;
    ret[1] = n >= 2 ? r[2] : 0;
    ret[2] = n >= 5 ? r[3] : 0;
    ret[3] = n >= 5 ? r[4] : 0;
    ret[4] = n >= 5 ? r[5] : 0;
  }
  return err;
}

/*
 * Lend, lend mutably or send len bytes at buf. A buffer the backend can
 * hand over as it is goes unchanged; anything else (stack, static, an odd
 * size) is bounced through freshly mapped pages: copied in before, and for
 * a mutable lend copied back after. The bounce pages are unmapped after a
 * lend; after a successful send they belong to the server.
 */
static xous_error_t
send_memory(xous_cid_t cid, xous_msg_kind_t kind, xous_word_t id, void *buf,
            size_t len, size_t offset, size_t valid, size_t *ret_offset,
            size_t *ret_valid)
{
  if (ret_offset != NULL)
    *ret_offset = 0;
  if (ret_valid != NULL)
    *ret_valid = 0;
  if (buf == NULL || len == 0)
    return XOUS_INVALID_ARGUMENT;

  xous_range_t range = { buf, len };
  bool bounced = !xous__lendable(buf, len);
  if (bounced) {
    if (len > SIZE_MAX - (XOUS_PAGE_SIZE - 1))
      return XOUS_INVALID_ARGUMENT;
    size_t size = (len + XOUS_PAGE_SIZE - 1) & ~(size_t)(XOUS_PAGE_SIZE - 1);
    xous_error_t err = xous_map_memory(0, 0, size, XOUS_MEM_R | XOUS_MEM_W,
                                       &range);
    if (err != XOUS_OK)
      return err;
    memcpy(range.addr, buf, len);
  }

  const xous_message_t msg = {
    .kind = kind,
    .memory = { .id = id, .buf = range, .offset = offset, .valid = valid },
  };
  xous_result_t res;
  xous_error_t err = xous_send_message(cid, &msg, &res);
  if (err == XOUS_OK) {
    if (kind == XOUS_MSG_SEND) {
      if (res.kind != XOUS_RESULT_OK)
        err = XOUS_INTERNAL_ERROR;
    } else if (res.kind != XOUS_RESULT_MEMORY_RETURNED) {
      err = XOUS_INTERNAL_ERROR;
    } else {
      if (ret_offset != NULL)
        *ret_offset = res.w[0];
      if (ret_valid != NULL)
        *ret_valid = res.w[1];
      if (bounced && kind == XOUS_MSG_LEND_MUT)
        memcpy(buf, range.addr, len);
    }
  }

  /* Moved pages are no longer ours to unmap; a failed send moved none. */
  bool moved = kind == XOUS_MSG_SEND && err == XOUS_OK;
  if (bounced && !moved)
    (void)xous_unmap_memory(range);
  return err;
}

xous_error_t
xous_lend(xous_cid_t cid, xous_word_t id, const void *buf, size_t len,
          size_t offset, size_t valid, size_t *ret_offset, size_t *ret_valid)
{
  /* The server only reads a Borrow, so buf is never written: the cast
   * only lets the shared path below carry it. */
  return send_memory(cid, XOUS_MSG_LEND, id, (void *)buf, len, offset, valid,
                     ret_offset, ret_valid);
}

xous_error_t
xous_lend_mut(xous_cid_t cid, xous_word_t id, void *buf, size_t len,
              size_t offset, size_t valid, size_t *ret_offset,
              size_t *ret_valid)
{
  return send_memory(cid, XOUS_MSG_LEND_MUT, id, buf, len, offset, valid,
                     ret_offset, ret_valid);
}

xous_error_t
xous_send(xous_cid_t cid, xous_word_t id, void *buf, size_t len, size_t offset,
          size_t valid)
{
  return send_memory(cid, XOUS_MSG_SEND, id, buf, len, offset, valid, NULL,
                     NULL);
}

/* The cache word is (pid << 24) | cid: a CID is below 34 and a PID 8 bits,
 * and a single 32-bit word is atomic on rv32 without a library. Two
 * threads racing to connect get the same CID (a process has one
 * connection per server), so the race is harmless. */
xous_error_t
xous_connect_cached(xous_sid_t sid, uint32_t *cache, xous_cid_t *cid)
{
  uint32_t pid = xous_get_process_id();
  uint32_t word = __atomic_load_n(cache, __ATOMIC_ACQUIRE);
  xous_cid_t c;
  xous_error_t err;

  if (pid != 0 && word != 0 && (word >> 24) == pid) {
    *cid = word & 0xffffffu;
    return XOUS_OK;
  }
  err = xous_connect(sid, &c);
  if (err != XOUS_OK)
    return err;
  __atomic_store_n(cache, (pid << 24) | (c & 0xffffffu), __ATOMIC_RELEASE);
  *cid = c;
  return XOUS_OK;
}
