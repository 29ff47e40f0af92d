/*
 * The name server's rkyv archives, written and read with <xous/rkyv.h>
 * (the layouts are in <xous/names.h>, wire format).
 */
#include <string.h>

#include "wire.h"

bool
xous__names_valid(const uint8_t *name, size_t len)
{
  if (len == 0 || len > XOUS_NAMES_MAX_NAME)
    return false;
  if (memchr(name, 0, len) != NULL)
    return false;
  return xous_rkyv_utf8_valid(name, len);
}

/* A root String's text, as a name. */
static xous_error_t
get_name(const xous_rkyv_reader_t *r, size_t at, const uint8_t **name,
         size_t *len)
{
  xous_error_t err = xous_rkyv_get_str(r, at, name, len);

  if (err != XOUS_OK)
    return err;
  return xous__names_valid(*name, *len) ? XOUS_OK : XOUS_INVALID_STRING;
}

/* Starts an archive in buf whose root, size bytes aligned to align,
 * begins with the name as a String; returns the root's offset. */
static size_t
begin_named(xous_rkyv_writer_t *w, void *buf, size_t cap, const uint8_t *name,
            size_t len, size_t size, size_t align)
{
  xous_rkyv_str_t s;
  size_t root;

  xous_rkyv_writer_init(w, buf, cap);
  s = xous_rkyv_write_str(w, name, len);
  root = xous_rkyv_reserve(w, size, align);
  xous_rkyv_put_str(w, root, &s);
  return root;
}

xous_error_t
xous__names_write_string(void *buf, size_t cap, const uint8_t *name,
                         size_t len, size_t *used)
{
  xous_rkyv_writer_t w;

  (void)begin_named(&w, buf, cap, name, len, XOUS_RKYV_STR_SIZE,
                    XOUS_RKYV_STR_ALIGN);
  return xous_rkyv_finish(&w, used);
}

xous_error_t
xous__names_write_registration(void *buf, size_t cap, const uint8_t *name,
                               size_t len, bool limited, uint32_t limit,
                               size_t *used)
{
  xous_rkyv_writer_t w;
  size_t root = begin_named(&w, buf, cap, name, len, 16, 4);

  if (limited) {
    xous_rkyv_put_u8(&w, root + 8, 1);
    xous_rkyv_put_u32(&w, root + 12, limit);
  }
  return xous_rkyv_finish(&w, used);
}

xous_error_t
xous__names_write_disconnect(void *buf, size_t cap, const uint8_t *name,
                             size_t len, const uint32_t token[4], size_t *used)
{
  xous_rkyv_writer_t w;
  size_t root = begin_named(&w, buf, cap, name, len, 24, 4);

  xous_rkyv_put_u32s(&w, root + 8, token, 4);
  return xous_rkyv_finish(&w, used);
}

xous_error_t
xous__names_write_auth_lookup(void *buf, size_t cap, const uint8_t *name,
                              size_t len, const uint8_t pubkey_id[20],
                              const uint32_t response[8], size_t *used)
{
  xous_rkyv_writer_t w;
  size_t root = begin_named(&w, buf, cap, name, len, 60, 4);

  xous_rkyv_put_bytes(&w, root + 8, pubkey_id, 20);
  xous_rkyv_put_u32s(&w, root + 28, response, 8);
  return xous_rkyv_finish(&w, used);
}

xous_error_t
xous__names_write_return(void *buf, size_t cap,
                         const struct xous__names_return *ret, size_t *used)
{
  xous_rkyv_writer_t w;
  xous_rkyv_str_t s = { NULL, 0, 0 };
  size_t root;

  xous_rkyv_writer_init(&w, buf, cap);
  if (ret->tag == XOUS_NAMES_RETURN_AUTHENTICATE_REQUEST)
    s = xous_rkyv_write_str(&w, ret->name, ret->name_len);
  root = xous_rkyv_reserve(&w, XOUS_NAMES_RETURN_SIZE, 4);
  xous_rkyv_put_u8(&w, root, ret->tag);
  switch (ret->tag) {
  case XOUS_NAMES_RETURN_AUTHENTICATE_REQUEST:
    xous_rkyv_put_str(&w, root + 4, &s);
    xous_rkyv_put_bytes(&w, root + 12, ret->pubkey_id, 20);
    xous_rkyv_put_u32s(&w, root + 32, ret->words, 4);
    break;
  case XOUS_NAMES_RETURN_SID:
    xous_rkyv_put_u32s(&w, root + 4, ret->words, 4);
    break;
  case XOUS_NAMES_RETURN_CID:
    xous_rkyv_put_u32(&w, root + 4, ret->cid);
    if (ret->has_token) {
      xous_rkyv_put_u8(&w, root + 8, 1);
      xous_rkyv_put_u32s(&w, root + 12, ret->words, 4);
    }
    break;
  case XOUS_NAMES_RETURN_FAILURE:
  case XOUS_NAMES_RETURN_SUCCESS:
    break;
  default:
    return XOUS_INVALID_ARGUMENT;
  }
  return xous_rkyv_finish(&w, used);
}

xous_error_t
xous__names_read_string(const void *buf, size_t used, const uint8_t **name,
                        size_t *len)
{
  xous_rkyv_reader_t r;
  size_t root;
  xous_error_t err;

  xous_rkyv_reader_init(&r, buf, used);
  err = xous_rkyv_root(&r, XOUS_RKYV_STR_SIZE, XOUS_RKYV_STR_ALIGN, &root);
  if (err != XOUS_OK)
    return err;
  return get_name(&r, root, name, len);
}

xous_error_t
xous__names_read_registration(const void *buf, size_t used,
                              const uint8_t **name, size_t *len, bool *limited,
                              uint32_t *limit)
{
  xous_rkyv_reader_t r;
  size_t root;
  uint8_t tag = 0;
  xous_error_t err;

  xous_rkyv_reader_init(&r, buf, used);
  err = xous_rkyv_root(&r, 16, 4, &root);
  if (err == XOUS_OK)
    err = xous_rkyv_get_tag(&r, root + 8, 2, &tag);
  *limit = 0;
  if (err == XOUS_OK && tag == 1)
    err = xous_rkyv_get_u32(&r, root + 12, limit);
  if (err != XOUS_OK)
    return err;
  *limited = tag == 1;
  return get_name(&r, root, name, len);
}

xous_error_t
xous__names_read_disconnect(const void *buf, size_t used, const uint8_t **name,
                            size_t *len, uint32_t token[4])
{
  xous_rkyv_reader_t r;
  size_t root;
  xous_error_t err;

  xous_rkyv_reader_init(&r, buf, used);
  err = xous_rkyv_root(&r, 24, 4, &root);
  if (err == XOUS_OK)
    err = xous_rkyv_get_u32s(&r, root + 8, token, 4);
  if (err != XOUS_OK)
    return err;
  return get_name(&r, root, name, len);
}

xous_error_t
xous__names_read_auth_lookup(const void *buf, size_t used,
                             const uint8_t **name, size_t *len)
{
  xous_rkyv_reader_t r;
  size_t root;
  xous_error_t err;

  /* pubkey_id and response are plain bytes and words: any value is one,
   * and the root's size already covers them. */
  xous_rkyv_reader_init(&r, buf, used);
  err = xous_rkyv_root(&r, 60, 4, &root);
  if (err != XOUS_OK)
    return err;
  return get_name(&r, root, name, len);
}

xous_error_t
xous__names_read_return(const void *buf, size_t used,
                        struct xous__names_return *ret)
{
  xous_rkyv_reader_t r;
  size_t root;
  uint8_t opt = 0;
  xous_error_t err;

  memset(ret, 0, sizeof *ret);
  xous_rkyv_reader_init(&r, buf, used);
  err = xous_rkyv_root(&r, XOUS_NAMES_RETURN_SIZE, 4, &root);
  if (err == XOUS_OK)
    err = xous_rkyv_get_tag(&r, root, 5, &ret->tag);
  if (err != XOUS_OK)
    return err;
  switch (ret->tag) {
  case XOUS_NAMES_RETURN_AUTHENTICATE_REQUEST:
    err = xous_rkyv_get_str(&r, root + 4, &ret->name, &ret->name_len);
    if (err == XOUS_OK)
      err = xous_rkyv_get_bytes(&r, root + 12, ret->pubkey_id, 20);
    if (err == XOUS_OK)
      err = xous_rkyv_get_u32s(&r, root + 32, ret->words, 4);
    break;
  case XOUS_NAMES_RETURN_SID:
    err = xous_rkyv_get_u32s(&r, root + 4, ret->words, 4);
    break;
  case XOUS_NAMES_RETURN_CID:
    err = xous_rkyv_get_u32(&r, root + 4, &ret->cid);
    if (err == XOUS_OK)
      err = xous_rkyv_get_tag(&r, root + 8, 2, &opt);
    if (err == XOUS_OK && opt == 1)
      err = xous_rkyv_get_u32s(&r, root + 12, ret->words, 4);
    ret->has_token = opt == 1;
    break;
  default:
    break; /* Failure and Success carry nothing */
  }
  return err;
}
