/*
 * The native API's keys: KeyRequest hands out an ApiToken, three random
 * words, which is then the key's only name in ReadKey, WriteKey,
 * KeyAttributes and KeyDrop, from any process, as on the device. Behind
 * each token is an engine handle owned by the requesting process, and
 * what the real server's TokenRecord keeps: the dictionary, the key, the
 * basis the key was found in, and the connection to the caller's
 * callback server (cb_sid), told when a basis closes.
 *
 * Data moves in a PddbBuf page: a 24-byte header (token, retcode, len,
 * position) and up to 4072 bytes. The server reads the header once into
 * a local, reads the key straight into the page's data (output only) and
 * lets the engine copy written bytes once out of it.
 *
 * Where the desktop differs: a WriteKey lands in the engine's cache and
 * goes to the image when the server's queue is empty (the real server
 * syncs after every write); a len above 4072, on which the real server
 * panics, answers InternalError; the token table holds 1024 tokens, and
 * when it is full the tokens whose engine handle went with an ended
 * process are freed.
 */
#include <string.h>

#include <xous/pddb.h>

#include "server_native.h"
#include "server_native_int.h"

#define MAX_TOKENS 1024u

struct token_rec {
  uint32_t token[3];
  uint32_t handle;
  xous_pid_t owner;
  bool has_cb;
  xous_cid_t cb;
  char basis[XOUS_PDDB_MAX_BASIS_NAME + 1];
  char dict[XOUS_PDDB_MAX_DICT_NAME + 1];
  char key[XOUS_PDDB_MAX_KEY_NAME + 1];
};

static struct token_rec *tokens[MAX_TOKENS];

static int
find_token(const uint32_t t[3])
{
  unsigned i;

  for (i = 0; i < MAX_TOKENS; i++)
    if (tokens[i] != NULL && tokens[i]->token[0] == t[0] &&
        tokens[i]->token[1] == t[1] && tokens[i]->token[2] == t[2])
      return (int)i;
  return -1;
}

/* Forgets token i: its handle closes and its callback connection goes
 * when no other token uses it. */
static void
drop_token(struct pddb_engine *e, unsigned i)
{
  struct token_rec *t = tokens[i];
  unsigned j;
  bool shared = false;

  tokens[i] = NULL;
  (void)pddb_key_close(e, t->owner, t->handle);
  for (j = 0; j < MAX_TOKENS && t->has_cb && !shared; j++)
    shared = tokens[j] != NULL && tokens[j]->has_cb && tokens[j]->cb == t->cb;
  if (t->has_cb && !shared)
    (void)xous_disconnect(t->cb);
  pddb_free(t);
}

/* A free slot, after freeing the tokens whose handle has gone; -1 if
 * none. */
static int
free_slot(struct pddb_engine *e)
{
  uint64_t len;
  const char *basis;
  unsigned i;

  for (i = 0; i < MAX_TOKENS; i++)
    if (tokens[i] == NULL)
      return (int)i;
  for (i = 0; i < MAX_TOKENS; i++)
    if (pddb_key_stat(e, tokens[i]->owner, tokens[i]->handle, &len, &basis) ==
        XOUS_INVALID_ARGUMENT)
      drop_token(e, i);
  for (i = 0; i < MAX_TOKENS; i++)
    if (tokens[i] == NULL)
      return (int)i;
  return -1;
}

/* ---- KeyRequest --------------------------------------------------------------- */

static uint8_t
open_error(xous_error_t err)
{
  if (err == XOUS_NOT_FOUND || err == XOUS_INVALID_STRING)
    return XOUS__PDDB_REQ_NOT_FOUND;
  if (err == XOUS_OUT_OF_MEMORY)
    return XOUS__PDDB_REQ_NO_FREE_SPACE;
  return XOUS__PDDB_REQ_INTERNAL_ERROR;
}

static uint8_t
request_token(struct xous__native_req *r, struct xous__pddb_key_request *m)
{
  struct token_rec t;
  const char *bname, *found;
  uint64_t len;
  xous_sid_t sid;
  xous_error_t err;
  int slot;

  memset(&t, 0, sizeof t);
  if (!xous__native_cname(t.dict, sizeof t.dict, &m->dict) ||
      !xous__native_cname(t.key, sizeof t.key, &m->key) ||
      !xous__native_cname(t.basis, sizeof t.basis, &m->basis))
    return XOUS__PDDB_REQ_NOT_FOUND;
  bname = m->basis_specified ? t.basis : NULL;
  /* A named basis that is not open: the real server's dict_add fails
   * with NotFound, which it answers NotMounted. */
  if (bname != NULL && !pddb_basis_is_open(r->e, bname))
    return m->create_dict ? XOUS__PDDB_REQ_NOT_MOUNTED
                          : XOUS__PDDB_REQ_NOT_FOUND;
  /* The engine makes a dictionary with its first key; create_key alone
   * makes no dictionary. */
  if (m->create_key && !m->create_dict &&
      !pddb_exists(r->e, bname, t.dict, NULL))
    return XOUS__PDDB_REQ_NOT_FOUND;
  if ((slot = free_slot(r->e)) < 0)
    return XOUS__PDDB_REQ_INTERNAL_ERROR;
  if (pddb_handles_full(r->e))
    xous__pddb_reclaim(r->pid);
  err = pddb_key_open(r->e, bname, t.dict, t.key,
                      m->create_key ? XOUS_PDDB_CREATE : 0, r->pid, &t.handle);
  if (err != XOUS_OK)
    return open_error(err);
  if (pddb_key_stat(r->e, r->pid, t.handle, &len, &found) == XOUS_OK &&
      strlen(found) < sizeof t.basis)
    strcpy(t.basis, found);
  t.owner = r->pid;
  do
    pddb_crypto_random(t.token, sizeof t.token);
  while ((t.token[0] | t.token[1] | t.token[2]) == 0 ||
         find_token(t.token) >= 0);
  if (m->has_cb_sid) {
    memcpy(sid.w, m->cb_sid, sizeof sid.w);
    t.has_cb = xous_try_connect(sid, &t.cb) == XOUS_OK;
  }
  if ((tokens[slot] = pddb_alloc(sizeof t)) == NULL) {
    (void)pddb_key_close(r->e, r->pid, t.handle);
    if (t.has_cb)
      (void)xous_disconnect(t.cb);
    return XOUS__PDDB_REQ_INTERNAL_ERROR;
  }
  *tokens[slot] = t;
  m->has_token = true;
  memcpy(m->token, t.token, sizeof m->token);
  return XOUS__PDDB_REQ_NO_ERR;
}

void
xous__native_key_request(struct xous__native_req *r)
{
  struct xous__pddb_key_request m;

  if (xous__pddb_key_request_read(r->arch, r->used, &m) != XOUS_OK)
    return;
  m.result = request_token(r, &m);
  (void)xous__pddb_key_request_write(r->page, r->cap, &m, &r->answer_used);
}

/* ---- DeleteKey, DeleteDict ------------------------------------------------------ */

/* The real server's rule for the tokens a delete makes stale: the same
 * dict (and key), and either no basis named or the token's own. */
static void
evict(struct pddb_engine *e, const char *bname, const char *dict,
      const char *key)
{
  unsigned i;

  for (i = 0; i < MAX_TOKENS; i++)
    if (tokens[i] != NULL && strcmp(tokens[i]->dict, dict) == 0 &&
        (key == NULL || strcmp(tokens[i]->key, key) == 0) && bname != NULL &&
        strcmp(tokens[i]->basis, bname) == 0)
      drop_token(e, i);
}

void
xous__native_delete_key(struct xous__native_req *r, bool whole_dict)
{
  struct xous__pddb_key_request m;
  char basis[XOUS_PDDB_MAX_BASIS_NAME + 1], dict[XOUS_PDDB_MAX_DICT_NAME + 1];
  char key[XOUS_PDDB_MAX_KEY_NAME + 1];
  const char *bname;
  xous_error_t err = XOUS_NOT_FOUND;

  if (xous__pddb_key_request_read(r->arch, r->used, &m) != XOUS_OK)
    return;
  bname = m.basis_specified ? basis : NULL;
  if (xous__native_cname(basis, sizeof basis, &m.basis) &&
      xous__native_cname(dict, sizeof dict, &m.dict) &&
      xous__native_cname(key, sizeof key, &m.key))
    err = whole_dict ? pddb_dict_delete(r->e, bname, dict)
                     : pddb_key_delete(r->e, bname, dict, key);
  if (err == XOUS_OK)
    evict(r->e, bname, dict, whole_dict ? NULL : key);
  m.result = err == XOUS_OK ? XOUS__PDDB_REQ_NO_ERR
             : err == XOUS_NOT_FOUND || err == XOUS_INVALID_STRING
                 ? XOUS__PDDB_REQ_NOT_FOUND
                 : XOUS__PDDB_REQ_INTERNAL_ERROR;
  (void)xous__pddb_key_request_write(r->page, r->cap, &m, &r->answer_used);
}

/* ---- KeyAttributes ----------------------------------------------------------------- */

struct finder {
  const char *want;
  uint32_t at, found;
};

static void
find_index(const char *name, uint64_t len, const char *basis, void *ctx)
{
  struct finder *f = ctx;

  (void)len;
  (void)basis;
  f->at++;
  if (f->found == 0 && strcmp(name, f->want) == 0)
    f->found = f->at;
}

void
xous__native_key_attributes(struct xous__native_req *r)
{
  struct xous__pddb_key_attr m;
  struct token_rec *t;
  struct finder f;
  const char *basis;
  uint64_t len;
  int i;

  if (xous__pddb_key_attr_read(r->arch, r->used, &m) != XOUS_OK)
    return;
  /* An unknown token: the real server leaves the page as it is. */
  if ((i = find_token(m.token)) < 0)
    return;
  t = tokens[i];
  if (pddb_key_stat(r->e, t->owner, t->handle, &len, &basis) != XOUS_OK) {
    m.code = XOUS__PDDB_REQ_NOT_FOUND;
  } else {
    /* The engine keeps no age nor reservation: the age is 0 and the
     * reservation the length. The index is the key's place in its
     * dictionary, from 1 (a NonZeroU32 on the device). */
    f = (struct finder){ t->key, 0, 0 };
    (void)pddb_list_keys(r->e, basis, t->dict, find_index, &f);
    m.len = len;
    m.reserved = len;
    m.age = 0;
    m.dict = xous__native_text(t->dict);
    m.basis = xous__native_text(basis);
    m.flags = 1; /* KeyFlags: valid */
    m.index = f.found != 0 ? f.found : 1;
    m.code = XOUS__PDDB_REQ_NO_ERR;
  }
  (void)xous__pddb_key_attr_write(r->page, r->cap, &m, &r->answer_used);
}

/* ---- ReadKey, WriteKey ----------------------------------------------------------- */

static uint8_t
io_retcode(xous_error_t err)
{
  switch (err) {
  case XOUS_OK:
    return XOUS_PDDB_RC_OK;
  case XOUS_NOT_FOUND:
  case XOUS_UNAVAILABLE:
  case XOUS_INVALID_ARGUMENT: /* the handle went with its owner */
    return XOUS_PDDB_RC_BASIS_LOST;
  case XOUS_OUT_OF_MEMORY:
    return XOUS_PDDB_RC_DISK_FULL;
  default:
    return XOUS_PDDB_RC_INTERNAL_ERROR;
  }
}

void
xous__native_read_write(struct xous__native_req *r, bool write)
{
  struct xous__pddb_buf b;
  struct token_rec *t;
  const char *basis;
  uint64_t len;
  size_t got;
  xous_error_t err;
  int i;

  /* SAFETY: the header is copied once (and checked: len <= 4072) into b;
   * only b is used, and the data area is checked to lie in the page. */
  if (r->page == NULL || xous__pddb_buf_read(r->page, r->cap, &b) != XOUS_OK ||
      b.len > r->cap - XOUS__PDDB_BUF_HEADER) {
    if (r->page != NULL && r->cap >= XOUS__PDDB_BUF_HEADER) {
      r->page[12] = XOUS_PDDB_RC_INTERNAL_ERROR;
    }
    return;
  }
  if ((i = find_token(b.token)) < 0) {
    b.retcode = XOUS_PDDB_RC_BASIS_LOST;
  } else if (write) {
    t = tokens[i];
    /* SAFETY: value bytes are opaque; the engine copies them once into
     * its cache and never looks at them again. */
    err = pddb_key_write(r->e, t->owner, t->handle, b.position,
                         r->page + XOUS__PDDB_BUF_HEADER, b.len);
    b.retcode = io_retcode(err);
  } else {
    t = tokens[i];
    err = pddb_key_stat(r->e, t->owner, t->handle, &len, &basis);
    /* Reading from past the end is UnexpectedEof; from the end, 0 bytes. */
    if (err == XOUS_OK && b.position > len) {
      b.retcode = XOUS_PDDB_RC_UNEXPECTED_EOF;
    } else {
      if (err == XOUS_OK)
        err = pddb_key_read(r->e, t->owner, t->handle, b.position,
                            r->page + XOUS__PDDB_BUF_HEADER, b.len, &got);
      if (err == XOUS_OK)
        b.len = (uint16_t)got;
      b.retcode = io_retcode(err);
    }
  }
  xous__pddb_buf_write(r->page, &b);
}

/* ---- KeyDrop and the callbacks ------------------------------------------------------ */

unsigned
xous__native_key_drop(struct pddb_engine *e, const uint32_t t[3])
{
  int i = find_token(t);

  if (i < 0)
    return XOUS_PDDB_RC_BASIS_LOST;
  drop_token(e, (unsigned)i);
  return XOUS_PDDB_RC_OK;
}

void
xous__native_notify_keys(struct pddb_engine *e)
{
  const char *basis;
  uint64_t len;
  unsigned i;

  /* CbOp::Change (0) with the token, to every key that still resolves. */
  for (i = 0; i < MAX_TOKENS; i++)
    if (tokens[i] != NULL && tokens[i]->has_cb &&
        pddb_key_stat(e, tokens[i]->owner, tokens[i]->handle, &len, &basis) ==
            XOUS_OK)
      (void)xous_scalar(tokens[i]->cb, 0, tokens[i]->token[0],
                        tokens[i]->token[1], tokens[i]->token[2], 0);
}
