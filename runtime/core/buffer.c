/*
 * Page buffers for memory messages (<xous/buffer.h>): built only on the
 * portable calls, so the same code serves the device and the desktop.
 */
#include <string.h>

#include <xous.h>
#include <xous/buffer.h>

xous_error_t
xous_buffer_new(size_t size, xous_buffer_t *buf)
{
  xous_range_t r;
  xous_error_t err;
  size_t pages;

  if (buf == NULL)
    return XOUS_INVALID_ARGUMENT;
  buf->page = NULL;
  buf->len = 0;
  if (size == 0)
    return XOUS_BAD_ALIGNMENT; /* as MapMemory of nothing */
  if (size > SIZE_MAX - (XOUS_PAGE_SIZE - 1))
    return XOUS_OUT_OF_MEMORY;
  pages = (size + XOUS_PAGE_SIZE - 1) / XOUS_PAGE_SIZE;
  err = xous_map_memory(0, 0, pages * XOUS_PAGE_SIZE, XOUS_MEM_R | XOUS_MEM_W,
                        &r);
  if (err != XOUS_OK)
    return err;
  buf->page = r.addr;
  buf->len = r.len;
  return XOUS_OK;
}

xous_error_t
xous_buffer_free(xous_buffer_t *buf)
{
  xous_range_t r;
  xous_error_t err;

  if (buf == NULL || buf->page == NULL)
    return XOUS_INVALID_ARGUMENT;
  r.addr = buf->page;
  r.len = buf->len;
  err = xous_unmap_memory(r);
  if (err == XOUS_OK) {
    buf->page = NULL;
    buf->len = 0;
  }
  return err;
}

/* The shared path of both lends: the returned valid is checked against
 * the buffer before the caller relies on it. */
static xous_error_t
lend(xous_buffer_t *buf, xous_cid_t cid, xous_word_t opcode, size_t *valid,
     bool mutable)
{
  size_t ret_valid = 0;
  xous_error_t err;

  if (buf == NULL || buf->page == NULL || valid == NULL || *valid > buf->len)
    return XOUS_INVALID_ARGUMENT;
  if (mutable)
    err = xous_lend_mut(cid, opcode, buf->page, buf->len, 0, *valid, NULL,
                        &ret_valid);
  else
    err = xous_lend(cid, opcode, buf->page, buf->len, 0, *valid, NULL,
                    &ret_valid);
  if (err != XOUS_OK)
    return err;
  if (ret_valid > buf->len)
    return XOUS_INVALID_ARGUMENT; /* the server claims more than we lent */
  *valid = ret_valid;
  return XOUS_OK;
}

xous_error_t
xous_buffer_lend(const xous_buffer_t *buf, xous_cid_t cid, xous_word_t opcode,
                 size_t *valid)
{
  /* An immutable lend never writes the pages: the cast only lets the
   * shared path carry the buffer. */
  return lend((xous_buffer_t *)buf, cid, opcode, valid, false);
}

xous_error_t
xous_buffer_lend_mut(xous_buffer_t *buf, xous_cid_t cid, xous_word_t opcode,
                     size_t *valid)
{
  return lend(buf, cid, opcode, valid, true);
}

xous_error_t
xous_buffer_send(xous_buffer_t *buf, xous_cid_t cid, xous_word_t opcode,
                 size_t valid)
{
  xous_error_t err;

  if (buf == NULL || buf->page == NULL || valid > buf->len)
    return XOUS_INVALID_ARGUMENT;
  err = xous_send(cid, opcode, buf->page, buf->len, 0, valid);
  if (err == XOUS_OK) {
    buf->page = NULL; /* the pages are the server's now */
    buf->len = 0;
  }
  return err;
}

xous_error_t
xous_buffer_from_envelope(const xous_envelope_t *env, size_t min_len,
                          size_t max_len, xous_buffer_view_t *view)
{
  const xous_memory_msg_t *m;

  if (env == NULL || view == NULL)
    return XOUS_INVALID_ARGUMENT;
  memset(view, 0, sizeof *view);
  if (env->body.kind != XOUS_MSG_LEND && env->body.kind != XOUS_MSG_LEND_MUT &&
      env->body.kind != XOUS_MSG_SEND)
    return XOUS_INVALID_ARGUMENT;
  m = &env->body.memory;
  /* The words come from the envelope in this process, not from the lent
   * pages: they are read once here and the view keeps the checked copy. */
  if (m->buf.addr == NULL || m->buf.len == 0 || min_len > max_len ||
      m->valid < min_len || m->valid > max_len || m->valid > m->buf.len)
    return XOUS_INVALID_ARGUMENT;
  view->data = m->buf.addr;
  view->cap = m->buf.len;
  view->len = m->valid;
  view->writable = env->body.kind != XOUS_MSG_LEND;
  return XOUS_OK;
}

xous_error_t
xous_buffer_read(const xous_buffer_view_t *view, void *dst, size_t size)
{
  if (view == NULL || dst == NULL || view->data == NULL || size > view->len)
    return XOUS_INVALID_ARGUMENT;
  /* SAFETY: the lender may write its pages during an immutable lend; the
   * bytes are copied once, and only the copy is used and validated. */
  memcpy(dst, view->data, size);
  return XOUS_OK;
}

xous_error_t
xous_buffer_write(xous_buffer_view_t *view, const void *src, size_t size)
{
  if (view == NULL || view->data == NULL || (src == NULL && size != 0) ||
      size > view->cap)
    return XOUS_INVALID_ARGUMENT;
  if (!view->writable)
    return XOUS_SHARE_VIOLATION; /* a Borrow is mapped read only */
  if (size != 0)
    memcpy(view->data, src, size);
  view->len = size;
  return XOUS_OK;
}

xous_error_t
xous_buffer_return(const xous_envelope_t *env, size_t valid)
{
  if (env == NULL)
    return XOUS_INVALID_ARGUMENT;
  switch (env->body.kind) {
  case XOUS_MSG_LEND:
  case XOUS_MSG_LEND_MUT:
    return xous_return_memory(env->sender, env->body.memory.buf, 0, valid);
  case XOUS_MSG_SEND:
    return xous_unmap_memory(env->body.memory.buf);
  default:
    return XOUS_INVALID_ARGUMENT;
  }
}
