/*
 * The client API of the name server, xous_names(3), on the real wire of
 * xous-names (<xous/names.h>): each call maps one page, writes the
 * request as Rust's xous-api-names writes it, lends it and unmaps it.
 * Portable: <xous.h> and freestanding headers only.
 */
#include <string.h>

#include <xous.h>
#include <xous/names.h>

#include "wire.h"

/* A connection to the name server, waiting until it exists. Connecting
 * again gives the same CID, so nothing needs to be cached. */
static xous_error_t
names_cid(xous_cid_t *cid)
{
  return xous_connect(xous_sid_from_name(XOUS_NAMES_SERVER_NAME), cid);
}

static xous_error_t
check_name(const char *name, size_t *len)
{
  if (name == NULL)
    return XOUS_INVALID_STRING;
  *len = strlen(name);
  if (!xous__names_valid((const uint8_t *)name, *len))
    return XOUS_INVALID_STRING;
  return XOUS_OK;
}

/* What a request about name needs, once the name is valid (len: its
 * length): the connection to the name server (waiting until it exists)
 * and a page to write the request into, which the caller unmaps. */
static xous_error_t
request_page(const char *name, size_t *len, xous_cid_t *cid,
             xous_range_t *page)
{
  xous_error_t err = check_name(name, len);

  if (err == XOUS_OK)
    err = names_cid(cid);
  if (err != XOUS_OK)
    return err;
  return xous_map_memory(0, 0, XOUS_PAGE_SIZE, XOUS_MEM_R | XOUS_MEM_W, page);
}

/* Asks the name server op (Register, Lookup or Disconnect) about name,
 * as Rust's xous-api-names does: the request's archive (with limit for
 * Register, a limit of 0 meaning none, and token for Disconnect) in a
 * page lent as xous-ipc's Buffer::lend_mut() does (offset = the archive's
 * length, valid = the page); ret: the Return the name server wrote. Once
 * the lend is over the page is the caller's alone, so it is read in
 * place. */
static xous_error_t
rkyv_call(const char *name, xous_word_t op, unsigned limit,
          const uint32_t token[4], struct xous__names_return *ret)
{
  size_t len, used = 0, ret_offset = 0, ret_valid = 0;
  xous_range_t page;
  xous_cid_t cid;
  xous_error_t err;

  err = request_page(name, &len, &cid, &page);
  if (err != XOUS_OK)
    return err;
  if (op == XOUS_NAMES_OP_REGISTER)
    err = xous__names_write_registration(page.addr, page.len,
                                         (const uint8_t *)name, len,
                                         limit != 0, limit, &used);
  else if (op == XOUS_NAMES_OP_DISCONNECT)
    err = xous__names_write_disconnect(page.addr, page.len,
                                       (const uint8_t *)name, len, token,
                                       &used);
  else
    err = xous__names_write_string(page.addr, page.len, (const uint8_t *)name,
                                   len, &used);
  if (err == XOUS_OK)
    err = xous_lend_mut(cid, op, page.addr, page.len, used, page.len,
                        &ret_offset, &ret_valid);
  /* SAFETY: the answer's length comes from the name server: it is
   * bounded by the page, and the archive is decoded with every offset
   * checked. */
  if (err == XOUS_OK &&
      (ret_offset > page.len ||
       xous__names_read_return(page.addr, ret_offset, ret) != XOUS_OK))
    err = XOUS_INTERNAL_ERROR;
  (void)xous_unmap_memory(page);
  return err;
}

xous_error_t
xous_names_register(const char *name, unsigned max_conns, xous_sid_t *sid)
{
  struct xous__names_return ret;
  xous_sid_t fresh;
  xous_error_t err;

  err = rkyv_call(name, XOUS_NAMES_OP_REGISTER, max_conns, NULL, &ret);
  if (err != XOUS_OK)
    return err;
  if (ret.tag != XOUS_NAMES_RETURN_SID)
    return ret.tag == XOUS_NAMES_RETURN_FAILURE ? XOUS_SERVER_EXISTS
                                                : XOUS_INTERNAL_ERROR;
  /* The name server made the SID; the server is ours to create. */
  memcpy(fresh.w, ret.words, sizeof fresh.w);
  err = xous_create_server_with_address(fresh, NULL);
  if (err != XOUS_OK) {
    /* Nobody will serve the name: give it back at once. */
    (void)xous_names_unregister(fresh);
    return err;
  }
  if (sid != NULL)
    *sid = fresh;
  return XOUS_OK;
}

/* BlockingConnect or TryConnect in the raw page form of Rust's
 * request_connection_blocking() and std's connect(). */
static xous_error_t
raw_connect(const char *name, xous_word_t op, xous_cid_t *cid,
            xous_names_token_t *token)
{
  uint32_t answer[6];
  size_t len, ret_offset = 0, ret_valid = 0;
  xous_range_t page;
  xous_cid_t ns;
  xous_error_t err;

  err = request_page(name, &len, &ns, &page);
  if (err != XOUS_OK)
    return err;
  memcpy(page.addr, name, len);
  {
    uint8_t *p = (uint8_t *)page.addr + XOUS_NAMES_CONNECT_LEN_OFFSET;

    p[0] = (uint8_t)len; /* little-endian u32; len < 64 */
  }
  err = xous_lend_mut(ns, op, page.addr, page.len, 0, len, &ret_offset,
                      &ret_valid);
  /* SAFETY: six words written by the name server, copied once. */
  memcpy(answer, page.addr, sizeof answer);
  (void)xous_unmap_memory(page);
  if (err != XOUS_OK)
    return err;
  if (answer[0] != 0)
    return answer[0] == 1 && answer[1] == XOUS_NAMES_CONNECT_SERVER_NOT_FOUND
               ? XOUS_SERVER_NOT_FOUND
               : XOUS_INTERNAL_ERROR;
  if (cid != NULL)
    *cid = answer[1];
  if (token != NULL)
    memcpy(token->w, answer + 2, sizeof token->w);
  return XOUS_OK;
}

xous_error_t
xous_names_connect(const char *name, xous_cid_t *cid)
{
  return raw_connect(name, XOUS_NAMES_OP_BLOCKING_CONNECT, cid, NULL);
}

xous_error_t
xous_names_try_connect(const char *name, xous_cid_t *cid)
{
  return raw_connect(name, XOUS_NAMES_OP_TRY_CONNECT, cid, NULL);
}

xous_error_t
xous_names_connect_token(const char *name, xous_cid_t *cid,
                         xous_names_token_t *token)
{
  return raw_connect(name, XOUS_NAMES_OP_BLOCKING_CONNECT, cid, token);
}

xous_error_t
xous_names_try_connect_token(const char *name, xous_cid_t *cid,
                             xous_names_token_t *token)
{
  return raw_connect(name, XOUS_NAMES_OP_TRY_CONNECT, cid, token);
}

xous_error_t
xous_names_lookup(const char *name, xous_cid_t *cid, xous_names_token_t *token,
                  bool *has_token)
{
  struct xous__names_return ret;
  xous_error_t err;

  err = rkyv_call(name, XOUS_NAMES_OP_LOOKUP, 0, NULL, &ret);
  if (err != XOUS_OK)
    return err;
  if (ret.tag == XOUS_NAMES_RETURN_AUTHENTICATE_REQUEST)
    return XOUS_SERVER_NOT_FOUND;
  if (ret.tag != XOUS_NAMES_RETURN_CID)
    return XOUS_INTERNAL_ERROR;
  if (cid != NULL)
    *cid = ret.cid;
  if (token != NULL)
    memcpy(token->w, ret.words, sizeof token->w);
  if (has_token != NULL)
    *has_token = ret.has_token;
  return XOUS_OK;
}

xous_error_t
xous_names_disconnect(const char *name, xous_names_token_t token)
{
  struct xous__names_return ret;
  xous_error_t err;

  err = rkyv_call(name, XOUS_NAMES_OP_DISCONNECT, 0, token.w, &ret);
  if (err != XOUS_OK)
    return err;
  return ret.tag == XOUS_NAMES_RETURN_SUCCESS ? XOUS_OK : XOUS_ACCESS_DENIED;
}

/* A BlockingScalar answered with Scalar1(1 yes / 0 no). */
static xous_error_t
scalar_call(xous_word_t op, const uint32_t w[4], bool *yes)
{
  xous_word_t ret[5] = { 0 };
  xous_cid_t cid;
  xous_error_t err;

  err = names_cid(&cid);
  if (err != XOUS_OK)
    return err;
  err = xous_blocking_scalar(cid, op, w[0], w[1], w[2], w[3], ret);
  if (err != XOUS_OK)
    return err;
  *yes = ret[0] != 0;
  return XOUS_OK;
}

xous_error_t
xous_names_unregister(xous_sid_t sid)
{
  bool ok = false;
  xous_error_t err = scalar_call(XOUS_NAMES_OP_UNREGISTER, sid.w, &ok);

  if (err != XOUS_OK)
    return err;
  return ok ? XOUS_OK : XOUS_SERVER_NOT_FOUND;
}

xous_error_t
xous_names_trusted_init_done(bool *done)
{
  static const uint32_t none[4];
  bool yes = false;
  xous_error_t err = scalar_call(XOUS_NAMES_OP_TRUSTED_INIT_DONE, none, &yes);

  if (err == XOUS_OK && done != NULL)
    *done = yes;
  return err;
}
