/*
 * The native API's listings, each a session the real server holds one
 * of at a time:
 *  - keys: KeyCountInDict (a PddbDictRequest whose token the caller
 *    chose) counts the keys and keeps their names; ListKeyV2 (a
 *    PddbKeyList with that token) hands them out packed, a u8 length
 *    then the name, as many as fit in 4064 bytes, until `end`;
 *  - dictionaries: DictCountInBasis keeps the names and answers their
 *    number in `index`; GetDictNameAtIndex answers one, and the last
 *    index ends the session;
 *  - DictBulkRead: the first call opens a session with a random token and
 *    every call fills the lent buffer with a BulkReadHeader and records
 *    (native_wire.h), keys with their data while the caller's bulk_limit
 *    lasts, until the code is Last.
 * Names come in the real server's order (its BTreeSet's: by bytes); a
 * dictionary that is in several open bases is listed once.
 *
 * Where the desktop differs: the real server keeps a session of a caller
 * that went away forever (keys, dictionaries) or for 5 s (a bulk read);
 * here a session also ends when the process that opened it has ended.
 * The real server frames a record without data 4 bytes further than the
 * length word says, which its own client cannot read; here every record
 * is framed as the client reads them.
 */
#include <string.h>

#include <xous/pddb.h>

#include "server_native.h"
#include "server_native_int.h"

/* A sorted list of names, copied out of the engine. */
struct names {
  char **v;
  uint32_t n, cap;
  bool failed;
};

static void
names_free(struct names *l)
{
  uint32_t i;

  for (i = 0; i < l->n; i++)
    pddb_free(l->v[i]);
  pddb_free(l->v);
  memset(l, 0, sizeof *l);
}

static void
names_add(const char *name, uint64_t len, const char *basis, void *ctx)
{
  struct names *l = ctx;
  size_t n = strlen(name) + 1;
  char **v;

  (void)len;
  (void)basis;
  if (l->failed)
    return;
  if (l->n == l->cap) {
    v = pddb_realloc(l->v, (l->cap ? 2 * l->cap : 16) * sizeof *v);
    if (v == NULL) {
      l->failed = true;
      return;
    }
    l->v = v;
    l->cap = l->cap ? 2 * l->cap : 16;
  }
  if ((l->v[l->n] = pddb_alloc(n)) == NULL) {
    l->failed = true;
    return;
  }
  memcpy(l->v[l->n++], name, n);
}

/* Sorts by bytes (insertion sort: lists are short) and drops repeats. */
static void
names_sort(struct names *l)
{
  uint32_t i, j, k;
  char *x;

  for (i = 1; i < l->n; i++) {
    x = l->v[i];
    for (j = i; j > 0 && strcmp(l->v[j - 1], x) > 0; j--)
      l->v[j] = l->v[j - 1];
    l->v[j] = x;
  }
  for (i = 0, k = 0; i < l->n; i++) {
    if (k > 0 && strcmp(l->v[k - 1], l->v[i]) == 0)
      pddb_free(l->v[i]);
    else
      l->v[k++] = l->v[i];
  }
  l->n = k;
}

/* The basis of a request, NULL when none is specified; false when it is
 * not a name. */
static bool
basis_of(const struct xous__pddb_dict_request *m, char *buf, size_t cap,
         const char **bname)
{
  *bname = NULL;
  if (!m->basis_specified)
    return true;
  if (!xous__native_cname(buf, cap, &m->basis))
    return false;
  *bname = buf;
  return true;
}

static bool
same_token(const uint32_t *a, const uint32_t *b, size_t n)
{
  return memcmp(a, b, n * sizeof *a) == 0;
}

/* ---- a listing: one at a time of keys, one of dictionaries ----------------- */

/* The sorted names a client goes through, by its token, until the last
 * is taken or the client ends. */
struct listing {
  bool active;
  uint32_t token[4];
  xous_pid_t owner;
  struct names names;
  uint32_t next; /* the next name to give (keys) */
};

static void
listing_end(struct listing *l)
{
  names_free(&l->names);
  l->active = false;
}

/* True while the listing is under way (whoever asks, the owner may only
 * go on with it by its token); that of a client that ended is let go. */
static bool
listing_live(struct listing *l)
{
  if (l->active && xous__pddb_process_ended(l->owner))
    listing_end(l);
  return l->active;
}

/* The names gathered are sorted and handed out to pid by token. */
static void
listing_begin(struct listing *l, const uint32_t token[4], xous_pid_t pid)
{
  names_sort(&l->names);
  l->active = true;
  memcpy(l->token, token, sizeof l->token);
  l->owner = pid;
  l->next = 0;
}

/* ---- keys --------------------------------------------------------------------- */

static struct listing keys;

void
xous__native_key_count(struct xous__native_req *r)
{
  struct xous__pddb_dict_request m;
  char basis[XOUS_PDDB_MAX_BASIS_NAME + 1], dict[XOUS_PDDB_MAX_DICT_NAME + 1];
  const char *bname;
  xous_error_t err;

  if (xous__pddb_dict_request_read(r->arch, r->used, &m) != XOUS_OK)
    return;
  if (listing_live(&keys)) {
    m.code = XOUS__PDDB_REQ_ACCESS_DENIED;
  } else if (!basis_of(&m, basis, sizeof basis, &bname) ||
             !xous__native_cname(dict, sizeof dict, &m.dict)) {
    m.code = XOUS__PDDB_REQ_NOT_FOUND;
  } else {
    err = pddb_list_keys(r->e, bname, dict, names_add, &keys.names);
    if (err == XOUS_OK && !keys.names.failed) {
      listing_begin(&keys, m.token, r->pid);
      m.key_count = m.found_key_count = keys.names.n;
      m.code = XOUS__PDDB_REQ_NO_ERR;
    } else {
      m.code = err == XOUS_NOT_FOUND || err == XOUS_INVALID_STRING
                   ? XOUS__PDDB_REQ_NOT_FOUND
                   : XOUS__PDDB_REQ_INTERNAL_ERROR;
      names_free(&keys.names);
    }
  }
  (void)xous__pddb_dict_request_write(r->page, r->cap, &m, &r->answer_used);
}

void
xous__native_list_keys(struct xous__native_req *r)
{
  static struct xous__pddb_key_list m;
  size_t at = 0, n;

  if (xous__pddb_key_list_read(r->arch, r->used, &m) != XOUS_OK)
    return;
  if (!keys.active || !same_token(m.token, keys.token, 4)) {
    m.retcode = XOUS_PDDB_RC_ACCESS_DENIED;
  } else {
    /* The bytes after the last name stay as the caller sent them. */
    m.retcode = XOUS_PDDB_RC_OK;
    for (;;) {
      if (keys.next == keys.names.n) {
        listing_end(&keys);
        m.end = true;
        break;
      }
      n = strlen(keys.names.v[keys.next]);
      if (n + 1 + at >= XOUS__PDDB_KEY_LIST_DATA || n > 255) {
        m.end = false;
        break;
      }
      m.data[at++] = (uint8_t)n;
      memcpy(m.data + at, keys.names.v[keys.next++], n);
      at += n;
    }
  }
  (void)xous__pddb_key_list_write(r->page, r->cap, &m, &r->answer_used);
}

/* ---- dictionaries --------------------------------------------------------------- */

static struct listing dicts;

void
xous__native_dict_count(struct xous__native_req *r)
{
  struct xous__pddb_dict_request m;
  char basis[XOUS_PDDB_MAX_BASIS_NAME + 1];
  const char *bname;

  if (xous__pddb_dict_request_read(r->arch, r->used, &m) != XOUS_OK)
    return;
  if (listing_live(&dicts)) {
    m.code = XOUS__PDDB_REQ_ACCESS_DENIED;
  } else {
    /* A basis that is not open lists nothing, as on the device. */
    if (basis_of(&m, basis, sizeof basis, &bname))
      (void)pddb_list_dicts(r->e, bname, names_add, &dicts.names);
    if (dicts.names.failed) {
      names_free(&dicts.names);
      m.code = XOUS__PDDB_REQ_INTERNAL_ERROR;
    } else {
      if (dicts.names.n > 0) {
        listing_begin(&dicts, m.token, r->pid);
        m.index = dicts.names.n;
      } else {
        listing_end(&dicts);
      }
      m.code = XOUS__PDDB_REQ_NO_ERR;
    }
  }
  (void)xous__pddb_dict_request_write(r->page, r->cap, &m, &r->answer_used);
}

void
xous__native_dict_name(struct xous__native_req *r)
{
  struct xous__pddb_dict_request m;
  bool last = false;

  if (xous__pddb_dict_request_read(r->arch, r->used, &m) != XOUS_OK)
    return;
  if (!dicts.active || !same_token(m.token, dicts.token, 4)) {
    m.code = XOUS__PDDB_REQ_ACCESS_DENIED;
  } else if (m.index >= dicts.names.n) {
    m.code = XOUS__PDDB_REQ_INTERNAL_ERROR;
  } else {
    m.dict = xous__native_text(dicts.names.v[m.index]);
    m.code = XOUS__PDDB_REQ_NO_ERR;
    /* The last index asked for must be the highest one. */
    last = m.index == dicts.names.n - 1;
  }
  (void)xous__pddb_dict_request_write(r->page, r->cap, &m, &r->answer_used);
  if (last)
    listing_end(&dicts);
}

/* ---- DictBulkRead ----------------------------------------------------------------- */

static struct {
  struct listing list; /* its token is the server's, not the client's */
  bool basis_specified;
  char basis[XOUS_PDDB_MAX_BASIS_NAME + 1];
  char dict[XOUS_PDDB_MAX_DICT_NAME + 1];
  uint32_t sent, total;
  uint64_t read_limit, read_total;
} bulk;

static void
put_code(uint8_t *page, uint32_t code)
{
  struct xous__pddb_bulk_header h;

  /* Only the first word: the rest of the page stays as it came. */
  xous__pddb_bulk_header_read(page, &h);
  h.code = code;
  xous__pddb_bulk_header_write(page, &h);
}

/* Opens a session for m; a bulk code on failure, 0 on success. */
static uint32_t
open_bulk(struct xous__native_req *r, const struct xous__pddb_dict_request *m)
{
  uint32_t token[4];
  const char *bname;
  xous_error_t err;

  if (!basis_of(m, bulk.basis, sizeof bulk.basis, &bname) ||
      !xous__native_cname(bulk.dict, sizeof bulk.dict, &m->dict))
    return XOUS__PDDB_BULK_NOT_FOUND;
  err = pddb_list_keys(r->e, bname, bulk.dict, names_add, &bulk.list.names);
  if (err != XOUS_OK || bulk.list.names.failed) {
    names_free(&bulk.list.names);
    return err == XOUS_NOT_FOUND || err == XOUS_INVALID_STRING
               ? XOUS__PDDB_BULK_NOT_FOUND
               : XOUS__PDDB_BULK_INTERNAL_ERROR;
  }
  /* The real server insists on a limit (it panics without one). */
  if (!m->has_bulk_limit) {
    names_free(&bulk.list.names);
    return XOUS__PDDB_BULK_INTERNAL_ERROR;
  }
  pddb_crypto_random(token, sizeof token);
  listing_begin(&bulk.list, token, r->pid);
  bulk.basis_specified = m->basis_specified;
  bulk.sent = 0;
  bulk.total = bulk.list.names.n;
  bulk.read_limit = m->bulk_limit;
  bulk.read_total = 0;
  return 0;
}

/* The record of key name into out[0..cap]; *rec_len its length. False
 * when it does not fit (or the key cannot be read). */
static bool
pack_key(struct xous__native_req *r, const char *name, uint8_t *out,
         size_t cap, size_t *rec_len, bool *skip)
{
  struct xous__pddb_key_record rec;
  const char *bname = bulk.basis_specified ? bulk.basis : NULL;
  const char *found;
  uint8_t *data = NULL;
  uint64_t len;
  uint32_t h;
  size_t got = 0;
  xous_error_t err;
  bool ok;

  *skip = false;
  /* Handles of the server's own (owner 0, which no process has). */
  if (pddb_key_open(r->e, bname, bulk.dict, name, 0, 0, &h) != XOUS_OK ||
      pddb_key_stat(r->e, 0, h, &len, &found) != XOUS_OK) {
    *skip = true; /* gone since the count, as the real server skips it */
    return true;
  }
  memset(&rec, 0, sizeof rec);
  rec.name = xous__native_text(name);
  rec.basis = xous__native_text(found);
  rec.len = (uint32_t)len;
  rec.reserved = (uint32_t)len;
  rec.index = bulk.list.next; /* the key's place, from 1 */
  ok = true;
  if (len < bulk.read_limit - bulk.read_total) {
    /* Counted before it is known to fit, as the real server does: a key
     * too large for the buffer is tried again, then sent without data
     * once the limit is spent. */
    bulk.read_total += len;
    if (len > cap) {
      ok = false;
    } else if (len > 0) {
      err = (data = pddb_alloc((size_t)len)) == NULL
                ? XOUS_OUT_OF_MEMORY
                : pddb_key_read(r->e, 0, h, 0, data, (size_t)len, &got);
      if (err != XOUS_OK || got != len) {
        *skip = true;
      } else {
        rec.has_data = true;
        rec.data = data;
        rec.data_len = got;
      }
    }
  }
  if (ok && !*skip)
    ok = xous__pddb_key_record_write(out, cap, &rec, rec_len) == XOUS_OK;
  if (data != NULL) {
    pddb_wipe(data, (size_t)len);
    pddb_free(data);
  }
  (void)pddb_key_close(r->e, 0, h);
  return ok;
}

void
xous__native_bulk_read(struct xous__native_req *r)
{
  struct xous__pddb_dict_request m;
  struct xous__pddb_bulk_header h;
  size_t at, rec_len;
  uint32_t code;
  bool skip, finished = false;

  if (r->cap < XOUS__PDDB_BULK_HEADER ||
      xous__pddb_dict_request_read(r->arch, r->used, &m) != XOUS_OK)
    return;
  if (!listing_live(&bulk.list)) {
    if ((code = open_bulk(r, &m)) != 0) {
      put_code(r->page, code);
      return;
    }
  } else if (!same_token(m.token, bulk.list.token, 4)) {
    put_code(r->page, XOUS__PDDB_BULK_BUSY);
    return;
  }
  memset(&h, 0, sizeof h);
  h.total = bulk.total;
  h.starting_key_index = bulk.sent;
  memcpy(h.token, bulk.list.token, sizeof h.token);
  at = XOUS__PDDB_BULK_HEADER;
  for (;;) {
    if (r->cap - at < 4)
      break;
    if (bulk.list.next == bulk.list.names.n) {
      finished = true;
      break;
    }
    bulk.list.next++;
    /* SAFETY: the record goes to page[at + 4 .. cap], written by the
     * server only; its length word before it. */
    if (!pack_key(r, bulk.list.names.v[bulk.list.next - 1], r->page + at + 4,
                  r->cap - at - 4, &rec_len, &skip)) {
      bulk.list.next--; /* did not fit: first in the next buffer */
      break;
    }
    if (skip)
      continue;
    r->page[at] = (uint8_t)rec_len;
    r->page[at + 1] = (uint8_t)(rec_len >> 8);
    r->page[at + 2] = (uint8_t)(rec_len >> 16);
    r->page[at + 3] = (uint8_t)(rec_len >> 24);
    at += 4 + rec_len;
    h.len++;
    bulk.sent++;
  }
  h.code = finished ? XOUS__PDDB_BULK_LAST : XOUS__PDDB_BULK_STREAMING;
  xous__pddb_bulk_header_write(r->page, &h);
  if (finished)
    listing_end(&bulk.list);
}
