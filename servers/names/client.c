/*
 * The client API of the name server, xous_names(3): each call maps one
 * page, writes a struct xous_names_msg into it, lends it to the name
 * server and unmaps it. Portable: <xous.h> and freestanding headers only.
 */
#include <string.h>

#include <xous.h>
#include <xous/names.h>

/* A connection to the name server, waiting until it exists. Connecting
 * again gives the same CID, so nothing needs to be cached. */
static xous_error_t
names_cid(xous_cid_t *cid)
{
  return xous_connect(xous_sid_from_name(XOUS_NAMES_SERVER_NAME), cid);
}

/* Maps the request page and writes name into it. The caller owns *page
 * and unmaps it. */
static xous_error_t
request_begin(const char *name, xous_range_t *page,
              struct xous_names_msg **msg)
{
  size_t len;
  xous_error_t err;

  if (name == NULL)
    return XOUS_INVALID_STRING;
  len = strlen(name);
  if (len == 0 || len > XOUS_NAMES_MAX_NAME)
    return XOUS_INVALID_STRING;
  err = xous_map_memory(0, 0, XOUS_PAGE_SIZE, XOUS_MEM_R | XOUS_MEM_W, page);
  if (err != XOUS_OK)
    return err;
  *msg = page->addr;
  (*msg)->name_len = (uint32_t)len;
  memcpy((*msg)->name, name, len);
  return XOUS_OK;
}

/* Lends the page (mutably when mut) with opcode op and unmaps it, after
 * copying the answer into *answer (may be NULL). */
static xous_error_t
request_finish(xous_range_t page, xous_word_t op, bool mut,
               struct xous_names_msg *answer)
{
  size_t ret_offset = 0, ret_valid = 0;
  xous_cid_t cid;
  xous_error_t err;

  err = names_cid(&cid);
  if (err == XOUS_OK) {
    if (mut)
      err = xous_lend_mut(cid, op, page.addr, page.len, 0,
                          sizeof(struct xous_names_msg), &ret_offset,
                          &ret_valid);
    else
      err = xous_lend(cid, op, page.addr, page.len, 0,
                      sizeof(struct xous_names_msg), &ret_offset, &ret_valid);
  }
  /* The name server's answer is its error code in the offset word. */
  if (err == XOUS_OK)
    err = ret_offset < XOUS_ERROR_COUNT ? (xous_error_t)ret_offset
                                        : XOUS_UNKNOWN_ERROR;
  if (err == XOUS_OK && answer != NULL) {
    if (ret_valid < sizeof *answer)
      err = XOUS_INTERNAL_ERROR;
    else
      memcpy(answer, page.addr, sizeof *answer);
  }
  (void)xous_unmap_memory(page);
  return err;
}

xous_error_t
xous_names_register(const char *name, unsigned max_conns, xous_sid_t *sid)
{
  struct xous_names_msg *msg;
  xous_range_t page;
  xous_sid_t fresh;
  xous_error_t err;

  if (max_conns > XOUS_NAMES_MAX_LIMIT)
    return XOUS_INVALID_ARGUMENT;
  err = request_begin(name, &page, &msg);
  if (err != XOUS_OK)
    return err;
  /* The server exists before its name does, so that a lookup never finds
   * a name without a server; its SID is random and goes to the name
   * server only. */
  err = xous_create_server(&fresh, NULL);
  if (err != XOUS_OK) {
    (void)xous_unmap_memory(page);
    return err;
  }
  msg->max_conns = max_conns;
  memcpy(msg->sid, fresh.w, sizeof msg->sid);
  err = request_finish(page, XOUS_NAMES_OP_REGISTER, false, NULL);
  if (err != XOUS_OK) {
    (void)xous_destroy_server(fresh);
    return err;
  }
  if (sid != NULL)
    *sid = fresh;
  return XOUS_OK;
}

static xous_error_t
lookup(const char *name, xous_word_t op, xous_cid_t *cid,
       xous_names_token_t *token)
{
  struct xous_names_msg *msg, answer;
  xous_range_t page;
  xous_error_t err;

  err = request_begin(name, &page, &msg);
  if (err != XOUS_OK)
    return err;
  err = request_finish(page, op, true, &answer);
  if (err != XOUS_OK)
    return err;
  if (cid != NULL)
    *cid = answer.cid;
  if (token != NULL)
    memcpy(token->w, answer.token, sizeof token->w);
  return XOUS_OK;
}

xous_error_t
xous_names_connect(const char *name, xous_cid_t *cid)
{
  return lookup(name, XOUS_NAMES_OP_CONNECT, cid, NULL);
}

xous_error_t
xous_names_try_connect(const char *name, xous_cid_t *cid)
{
  return lookup(name, XOUS_NAMES_OP_TRY_CONNECT, cid, NULL);
}

xous_error_t
xous_names_connect_token(const char *name, xous_cid_t *cid,
                         xous_names_token_t *token)
{
  return lookup(name, XOUS_NAMES_OP_CONNECT, cid, token);
}

xous_error_t
xous_names_try_connect_token(const char *name, xous_cid_t *cid,
                             xous_names_token_t *token)
{
  return lookup(name, XOUS_NAMES_OP_TRY_CONNECT, cid, token);
}

xous_error_t
xous_names_disconnect(const char *name, xous_names_token_t token)
{
  struct xous_names_msg *msg;
  xous_range_t page;
  xous_error_t err;

  err = request_begin(name, &page, &msg);
  if (err != XOUS_OK)
    return err;
  memcpy(msg->token, token.w, sizeof msg->token);
  return request_finish(page, XOUS_NAMES_OP_DISCONNECT, false, NULL);
}

xous_error_t
xous_names_unregister(const char *name)
{
  struct xous_names_msg *msg;
  xous_range_t page;
  xous_error_t err;

  err = request_begin(name, &page, &msg);
  if (err != XOUS_OK)
    return err;
  return request_finish(page, XOUS_NAMES_OP_UNREGISTER, false, NULL);
}

xous_error_t
xous_names_trusted_init_done(bool *done)
{
  xous_word_t ret[5] = { 0 };
  xous_cid_t cid;
  xous_error_t err;

  err = names_cid(&cid);
  if (err != XOUS_OK)
    return err;
  err = xous_blocking_scalar(cid, XOUS_NAMES_OP_TRUSTED_INIT, 0, 0, 0, 0,
                             ret);
  if (err != XOUS_OK)
    return err;
  if (ret[0] != XOUS_OK)
    return ret[0] < XOUS_ERROR_COUNT ? (xous_error_t)ret[0]
                                     : XOUS_UNKNOWN_ERROR;
  if (done != NULL)
    *done = ret[1] != 0;
  return XOUS_OK;
}
