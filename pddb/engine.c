/*
 * The PDDB engine (engine.h). The image is a fixed number of pages; each
 * page a basis owns carries two AEAD boxes under the basis key:
 *
 *   0    entry nonce (24)
 *   24   entry: version, index, objid, generation, 0 (32) + tag (16)
 *   72   data nonce (24)
 *   96   data (3984) + tag (16)
 *
 * The entry is the page's page-table entry: unlocking a basis scans every
 * page and keeps those whose entry authenticates under its key. The entry
 * is bound to the page number (its associated data) and the data to its
 * entry, so no box can be moved or swapped unnoticed. Every other page
 * holds random bytes. Objects of a basis: 0 the catalog (dictionaries and
 * keys), 1 (System basis only) the free-space list, 16 and up key values.
 */
#include <string.h>

#include "engine.h"
#include "hmap.h"

#define DATA_BYTES (PDDB_PAGE_SIZE - 96u - PDDB_TAG_BYTES) /* 3984 */
#define ENTRY_BYTES 32u
#define HEAD_BYTES 72u
#define OBJ_CATALOG 0u
#define OBJ_FSCB 1u
#define OBJ_FIRST_KEY 16u
#define CATALOG_MAGIC 0x31424450u /* "PDB1" */
#define MAX_HANDLES 1024u
#define HANDLE_BITS 10u
#define DIRTY_LIMIT 4096u /* pages cached before a write syncs by itself */
/* Free pages kept for what a sync writes besides key data: the catalogs
 * and the free-space list. */
#define SYNC_RESERVE 8
#define SYSTEM 0u
#define DIRTY_TAG(slot) ((uint8_t)(slot))

/* A key (or a dictionary) is tentative from its creation by an open
 * until a write through it completes or it is closed: the catalog on the
 * image leaves it out, so that a creator that dies first leaves no key. */
struct key_ent {
  char name[XOUS_PDDB_MAX_KEY_NAME + 1];
  uint64_t objid, len;
  bool tentative;
};

struct dict_ent {
  char name[XOUS_PDDB_MAX_DICT_NAME + 1];
  struct key_ent *keys;
  uint32_t nkeys, cap;
  bool tentative;
};

struct basis {
  bool open;
  char name[XOUS_PDDB_MAX_BASIS_NAME + 1];
  uint8_t *key; /* PDDB_KEY_BYTES of locked memory */
  uint64_t order, gen, next_objid;
  uint32_t epoch;
  struct hmap vmap; /* (objid, index) -> page number */
  struct dict_ent *dicts;
  uint32_t ndicts, cap;
  bool catalog_dirty;
};

/* Bytes all handles together may keep aside for writes still arriving. */
#define STAGE_LIMIT (64u * 1024u * 1024u)

struct handle {
  bool used;
  /* Opened to be emptied: that happens with its first complete write,
   * or its close, so that a writer that dies first leaves the old value. */
  bool truncate;
  uint8_t slot;
  uint32_t epoch, owner, seq;
  uint64_t objid;
  /* Where its key was last found in its basis's arrays: a hint. */
  uint32_t dict_at, key_at;
  /* The parts of a write still arriving (pddb_key_write_part()): staged
   * bytes from stage_at on, in plain heap, wiped when dropped. */
  uint8_t *stage;
  size_t staged, stage_cap;
  uint64_t stage_at;
};

struct pddb_engine {
  struct pddb_store *store;
  uint32_t npages, nfree;
  struct basis bases[XOUS_PDDB_MAX_OPEN_BASES];
  uint64_t order;
  uint32_t epoch;
  uint8_t *fscb; /* bit set: the page is known free */
  bool fscb_dirty, failed;
  uint8_t salt[PDDB_SALT_BYTES];
  uint32_t kdf_ops, kdf_mem;
  struct hmap dirty; /* (slot, objid, index) -> uint8_t[DATA_BYTES] */
  uint32_t nnew;     /* dirty pages that will need a free page at sync */
  size_t ndirty;
  uint32_t *pending; /* pages to free at the next sync */
  size_t npending, cappending;
  struct handle handles[MAX_HANDLES];
  size_t staged_total; /* stage_cap of every handle */
  uint32_t seq;
  pddb_progress_fn progress;
  void *progress_ctx;
  uint8_t page[PDDB_PAGE_SIZE];
  uint8_t plain[DATA_BYTES];
  /* The read-ahead (pddb_key_read_ahead()): the first bytes of the key
   * of one handle, plaintext as the dirty pages are, for one read. */
  struct {
    bool valid;
    uint32_t owner, h;
    size_t len;
    uint8_t bytes[PDDB_AHEAD_BYTES];
  } ahead;
};

/* ---- little helpers ---------------------------------------------------------- */

static void
put32(uint8_t *p, uint32_t v)
{
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}

static void
put64(uint8_t *p, uint64_t v)
{
  put32(p, (uint32_t)v);
  put32(p + 4, (uint32_t)(v >> 32));
}

static uint32_t
get32(const uint8_t *p)
{
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}

static uint64_t
get64(const uint8_t *p)
{
  return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

bool
pddb_name_valid(const char *s, size_t len, size_t max)
{
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;

  if (len == 0 || len > max)
    return false;
  while (i < len) {
    unsigned c = p[i], n, j;
    uint32_t cp;

    if (c == 0)
      return false;
    if (c < 0x80) {
      i++;
      continue;
    }
    if (c >= 0xc2 && c <= 0xdf)
      n = 1, cp = c & 0x1f;
    else if (c >= 0xe0 && c <= 0xef)
      n = 2, cp = c & 0x0f;
    else if (c >= 0xf0 && c <= 0xf4)
      n = 3, cp = c & 0x07;
    else
      return false;
    for (j = 1; j <= n; j++) {
      if (i + j >= len || (p[i + j] & 0xc0) != 0x80)
        return false;
      cp = cp << 6 | (p[i + j] & 0x3f);
    }
    if ((n == 2 && cp < 0x800) ||
        (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
      return false;
    i += n + 1;
  }
  return true;
}

bool
pddb_name_copy(char *dst, size_t cap, const void *s, size_t n)
{
  /* A NUL inside would make the name another, shorter one. */
  if (n >= cap || (n > 0 && memchr(s, '\0', n) != NULL))
    return false;
  if (n > 0)
    memcpy(dst, s, n);
  dst[n] = '\0';
  return true;
}

static bool
name_ok(const char *s, size_t max)
{
  size_t n = 0;

  if (s == NULL)
    return false;
  while (n <= max && s[n] != '\0')
    n++;
  return pddb_name_valid(s, n, max);
}

/* Forgets the read-ahead: whatever changes a key, or ends a handle or a
 * basis, calls this first, so that no read is served stale bytes and no
 * plaintext outlives its handle or its basis. */
static void
ahead_drop(struct pddb_engine *e)
{
  if (!e->ahead.valid)
    return;
  pddb_wipe(e->ahead.bytes, e->ahead.len);
  e->ahead.valid = false;
  e->ahead.len = 0;
}

static xous_error_t
fail(struct pddb_engine *e, xous_error_t err)
{
  if (err == XOUS_STORAGE_ERROR)
    e->failed = true;
  return err;
}

/* ---- pages --------------------------------------------------------------------- */

static void
ad_entry(uint8_t ad[8], uint32_t nr)
{
  put32(ad, nr);
  memcpy(ad + 4, "PDDB", 4);
}

static void
seal_page(struct pddb_engine *e, const uint8_t *key, uint32_t nr,
          uint64_t objid, uint32_t index, uint64_t gen, const uint8_t *plain,
          uint8_t *out)
{
  uint8_t entry[ENTRY_BYTES] = { 0 }, ad1[8], ad2[ENTRY_BYTES + 4];

  (void)e;
  put32(entry, 1);
  put32(entry + 4, index);
  put64(entry + 8, objid);
  put64(entry + 16, gen);
  ad_entry(ad1, nr);
  pddb_crypto_random(out, PDDB_NONCE_BYTES);
  pddb_crypto_seal(out + 24, entry, ENTRY_BYTES, ad1, sizeof ad1, out, key);
  memcpy(ad2, entry, ENTRY_BYTES);
  put32(ad2 + ENTRY_BYTES, nr);
  pddb_crypto_random(out + 72, PDDB_NONCE_BYTES);
  pddb_crypto_seal(out + 96, plain, DATA_BYTES, ad2, sizeof ad2, out + 72,
                   key);
}

/* Opens the entry of a page head; false when it is not key's. */
static bool
open_entry(const uint8_t *key, uint32_t nr, const uint8_t *head,
           uint8_t entry[ENTRY_BYTES])
{
  uint8_t ad1[8];

  ad_entry(ad1, nr);
  return pddb_crypto_open(entry, head + 24, ENTRY_BYTES, ad1, sizeof ad1, head,
                          key) &&
         get32(entry) == 1;
}

/* Reads and opens page nr of basis b, which must hold (objid, index),
 * into out. */
static xous_error_t
load_page(struct pddb_engine *e, struct basis *b, uint32_t nr, uint64_t objid,
          uint32_t index, uint8_t *out)
{
  uint8_t entry[ENTRY_BYTES], ad2[ENTRY_BYTES + 4];
  xous_error_t err = pddb_store_read(e->store, nr, e->page);

  if (err != XOUS_OK)
    return fail(e, err);
  /* A page of the basis that holds another part of it means the map is
   * wrong: an error, never another object's bytes. */
  if (!open_entry(b->key, nr, e->page, entry) || get64(entry + 8) != objid ||
      get32(entry + 4) != index)
    return fail(e, XOUS_STORAGE_ERROR);
  memcpy(ad2, entry, ENTRY_BYTES);
  put32(ad2 + ENTRY_BYTES, nr);
  if (!pddb_crypto_open(out, e->page + 96, DATA_BYTES, ad2, sizeof ad2,
                        e->page + 72, b->key))
    return fail(e, XOUS_STORAGE_ERROR);
  return XOUS_OK;
}

static bool
fscb_get(const struct pddb_engine *e, uint32_t nr)
{
  return (e->fscb[nr / 8] >> (nr % 8)) & 1;
}

static void
fscb_set(struct pddb_engine *e, uint32_t nr, bool free_)
{
  if (fscb_get(e, nr) == free_)
    return;
  if (free_) {
    e->fscb[nr / 8] |= (uint8_t)(1u << (nr % 8));
    e->nfree++;
  } else {
    e->fscb[nr / 8] &= (uint8_t) ~(1u << (nr % 8));
    e->nfree--;
  }
  e->fscb_dirty = true;
}

/* A random page from the free-space list, taken out of it. */
static xous_error_t
alloc_page(struct pddb_engine *e, uint32_t *nr)
{
  uint32_t i, start;

  if (e->nfree == 0)
    return XOUS_OUT_OF_MEMORY;
  start = pddb_crypto_uniform(e->npages);
  for (i = 0; i < e->npages; i++) {
    uint32_t p = (start + i) % e->npages;

    if (fscb_get(e, p)) {
      fscb_set(e, p, false);
      *nr = p;
      return XOUS_OK;
    }
  }
  return XOUS_OUT_OF_MEMORY;
}

static xous_error_t
free_later(struct pddb_engine *e, uint32_t nr)
{
  if (e->npending == e->cappending) {
    size_t cap = e->cappending ? e->cappending * 2 : 64;
    uint32_t *p = pddb_realloc(e->pending, cap * sizeof *p);

    if (p == NULL)
      return XOUS_OUT_OF_MEMORY;
    e->pending = p;
    e->cappending = cap;
  }
  e->pending[e->npending++] = nr;
  return XOUS_OK;
}

/* ---- bases ----------------------------------------------------------------------- */

static int
find_basis(struct pddb_engine *e, const char *name)
{
  unsigned i;

  for (i = 0; i < XOUS_PDDB_MAX_OPEN_BASES; i++)
    if (e->bases[i].open && strcmp(e->bases[i].name, name) == 0)
      return (int)i;
  return -1;
}

/* Open slots, most recently unlocked first. */
static unsigned
ordered(struct pddb_engine *e, unsigned out[XOUS_PDDB_MAX_OPEN_BASES])
{
  unsigned n = 0, i, j;

  for (i = 0; i < XOUS_PDDB_MAX_OPEN_BASES; i++)
    if (e->bases[i].open)
      out[n++] = i;
  for (i = 1; i < n; i++)
    for (j = i; j > 0 && e->bases[out[j]].order > e->bases[out[j - 1]].order;
         j--) {
      unsigned t = out[j];

      out[j] = out[j - 1];
      out[j - 1] = t;
    }
  return n;
}

static void
drop_dirty_of(struct pddb_engine *e, unsigned slot, uint64_t objid,
              uint32_t from_index, bool all_objects)
{
  size_t i;

  for (i = 0; i < e->dirty.cap; i++) {
    struct hmap_slot *s = &e->dirty.slots[i];

    if (s->state == 1 && s->tag == DIRTY_TAG(slot) &&
        (all_objects || (s->objid == objid && s->index >= from_index))) {
      uint8_t *p = (uint8_t *)(uintptr_t)s->value;

      pddb_wipe(p, DATA_BYTES);
      pddb_free(p);
      s->state = 2;
      e->dirty.used--;
      e->dirty.deleted++;
      e->ndirty--;
    }
  }
}

/* Drops the parts of a write that handle hd kept aside. */
static void
drop_stage(struct pddb_engine *e, struct handle *hd)
{
  if (hd->stage != NULL) {
    pddb_wipe(hd->stage, hd->stage_cap);
    pddb_free(hd->stage);
    e->staged_total -= hd->stage_cap;
  }
  hd->stage = NULL;
  hd->staged = hd->stage_cap = 0;
}

/* A basis that goes takes the writes its handles kept aside with it. */
static void
drop_stages_of(struct pddb_engine *e, unsigned slot)
{
  uint32_t i;

  for (i = 0; i < MAX_HANDLES; i++)
    if (e->handles[i].used && e->handles[i].slot == slot)
      drop_stage(e, &e->handles[i]);
}

/* Forgets basis slot: wipes its key, names and page map. */
static void
forget_basis(struct pddb_engine *e, unsigned slot)
{
  struct basis *b = &e->bases[slot];
  uint32_t i;

  ahead_drop(e);
  drop_dirty_of(e, slot, 0, 0, true);
  drop_stages_of(e, slot);
  pddb_secure_free(b->key, PDDB_KEY_BYTES);
  for (i = 0; i < b->ndicts; i++) {
    if (b->dicts[i].keys != NULL) {
      pddb_wipe(b->dicts[i].keys, b->dicts[i].cap * sizeof(struct key_ent));
      pddb_free(b->dicts[i].keys);
    }
  }
  if (b->dicts != NULL) {
    pddb_wipe(b->dicts, b->cap * sizeof *b->dicts);
    pddb_free(b->dicts);
  }
  if (b->vmap.slots != NULL)
    pddb_wipe(b->vmap.slots, b->vmap.cap * sizeof *b->vmap.slots);
  hmap_free(&b->vmap);
  pddb_wipe(b, sizeof *b);
}

static int
free_slot(struct pddb_engine *e)
{
  unsigned i;

  for (i = 1; i < XOUS_PDDB_MAX_OPEN_BASES; i++)
    if (!e->bases[i].open)
      return (int)i;
  return -1;
}

/* ---- the catalog ---------------------------------------------------------------- */

struct buf {
  uint8_t *p;
  size_t len, cap;
  bool oom;
};

static void
buf_add(struct buf *b, const void *src, size_t n)
{
  if (b->oom)
    return;
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 4096;
    uint8_t *p;

    while (cap < b->len + n)
      cap *= 2;
    p = pddb_alloc(cap);
    if (p == NULL) {
      b->oom = true;
      return;
    }
    if (b->p != NULL) {
      memcpy(p, b->p, b->len);
      pddb_wipe(b->p, b->cap);
      pddb_free(b->p);
    }
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->len, src, n);
  b->len += n;
}

static void
buf_u32(struct buf *b, uint32_t v)
{
  uint8_t w[4];

  put32(w, v);
  buf_add(b, w, 4);
}

static void
buf_u64(struct buf *b, uint64_t v)
{
  uint8_t w[8];

  put64(w, v);
  buf_add(b, w, 8);
}

static void
buf_name(struct buf *b, const char *s)
{
  uint8_t n = (uint8_t)strlen(s);

  buf_add(b, &n, 1);
  buf_add(b, s, n);
}

static void
buf_free(struct buf *b)
{
  if (b->p != NULL) {
    pddb_wipe(b->p, b->cap);
    pddb_free(b->p);
  }
  b->p = NULL;
}

static void
serialize(struct pddb_engine *e, unsigned slot, struct buf *out)
{
  struct basis *b = &e->bases[slot];
  uint32_t i, j, n;

  buf_u32(out, 0); /* the total length, filled in below */
  buf_u32(out, CATALOG_MAGIC);
  buf_u64(out, b->next_objid);
  if (slot == SYSTEM) {
    buf_add(out, e->salt, PDDB_SALT_BYTES);
    buf_u32(out, e->kdf_ops);
    buf_u32(out, e->kdf_mem);
    buf_u32(out, e->npages);
  } else {
    uint8_t zero[PDDB_SALT_BYTES + 12] = { 0 };

    buf_add(out, zero, sizeof zero);
  }
  for (i = 0, n = 0; i < b->ndicts; i++)
    n += !b->dicts[i].tentative;
  buf_u32(out, n);
  for (i = 0; i < b->ndicts; i++) {
    struct dict_ent *d = &b->dicts[i];

    if (d->tentative)
      continue;
    buf_name(out, d->name);
    for (j = 0, n = 0; j < d->nkeys; j++)
      n += !d->keys[j].tentative;
    buf_u32(out, n);
    for (j = 0; j < d->nkeys; j++) {
      if (d->keys[j].tentative)
        continue;
      buf_name(out, d->keys[j].name);
      buf_u64(out, d->keys[j].objid);
      buf_u64(out, d->keys[j].len);
    }
  }
  if (!out->oom)
    put32(out->p, (uint32_t)out->len);
}

/* Makes room for one more element in an array of names, doubling it. The
 * old array is wiped before it is freed: names of a secret basis must not
 * stay behind in freed memory. */
static bool
grow_wiped(void **arr, uint32_t *cap, uint32_t n, size_t elem)
{
  uint32_t ncap;
  void *p;

  if (n < *cap)
    return true;
  ncap = *cap ? *cap * 2 : 8;
  if ((p = pddb_alloc(ncap * elem)) == NULL)
    return false;
  if (*arr != NULL) {
    memcpy(p, *arr, n * elem);
    pddb_wipe(*arr, *cap * elem);
    pddb_free(*arr);
  }
  *arr = p;
  *cap = ncap;
  return true;
}

static struct dict_ent *
add_dict(struct basis *b, const char *name)
{
  struct dict_ent *d;
  void *arr = b->dicts;

  if (!grow_wiped(&arr, &b->cap, b->ndicts, sizeof *d))
    return NULL;
  b->dicts = arr;
  d = &b->dicts[b->ndicts++];
  memset(d, 0, sizeof *d);
  strcpy(d->name, name);
  return d;
}

static struct key_ent *
add_key(struct dict_ent *d, const char *name, uint64_t objid, uint64_t len)
{
  struct key_ent *k;
  void *arr = d->keys;

  if (!grow_wiped(&arr, &d->cap, d->nkeys, sizeof *k))
    return NULL;
  d->keys = arr;
  k = &d->keys[d->nkeys++];
  memset(k, 0, sizeof *k);
  strcpy(k->name, name);
  k->objid = objid;
  k->len = len;
  return k;
}

/* Reads a length-prefixed name at *pos of p (n bytes) into dst. */
static bool
take_name(const uint8_t *p, size_t n, size_t *pos, char *dst, size_t max)
{
  size_t len;

  if (*pos + 1 > n)
    return false;
  len = p[*pos];
  if (*pos + 1 + len > n ||
      !pddb_name_valid((const char *)p + *pos + 1, len, max))
    return false;
  memcpy(dst, p + *pos + 1, len);
  dst[len] = '\0';
  *pos += 1 + len;
  return true;
}

/* Parses a catalog: authenticated, and still checked field by field. */
static xous_error_t
parse(struct pddb_engine *e, unsigned slot, const uint8_t *p, size_t n)
{
  struct basis *b = &e->bases[slot];
  size_t pos = 8 + 8 + PDDB_SALT_BYTES + 12;
  uint32_t nd, i, j;

  if (n < pos + 4 || get32(p + 4) != CATALOG_MAGIC)
    return XOUS_INVALID_CODING;
  b->next_objid = get64(p + 8);
  if (slot == SYSTEM) {
    memcpy(e->salt, p + 16, PDDB_SALT_BYTES);
    e->kdf_ops = get32(p + 32);
    e->kdf_mem = get32(p + 36);
    if (get32(p + 40) != e->npages)
      return XOUS_INVALID_CODING;
  }
  nd = get32(p + pos);
  pos += 4;
  for (i = 0; i < nd; i++) {
    char name[XOUS_PDDB_MAX_DICT_NAME + 1];
    struct dict_ent *d;
    uint32_t nk;

    if (!take_name(p, n, &pos, name, XOUS_PDDB_MAX_DICT_NAME) || pos + 4 > n)
      return XOUS_INVALID_CODING;
    nk = get32(p + pos);
    pos += 4;
    if ((d = add_dict(b, name)) == NULL)
      return XOUS_OUT_OF_MEMORY;
    for (j = 0; j < nk; j++) {
      char kname[XOUS_PDDB_MAX_KEY_NAME + 1];

      if (!take_name(p, n, &pos, kname, XOUS_PDDB_MAX_KEY_NAME) ||
          pos + 16 > n)
        return XOUS_INVALID_CODING;
      if (add_key(d, kname, get64(p + pos), get64(p + pos + 8)) == NULL)
        return XOUS_OUT_OF_MEMORY;
      pos += 16;
    }
  }
  return XOUS_OK;
}

/* Reads object objid of basis slot (n bytes, length-prefixed) into *out. */
static xous_error_t
read_object(struct pddb_engine *e, unsigned slot, uint64_t objid,
            struct buf *out)
{
  struct basis *b = &e->bases[slot];
  uint64_t nr;
  uint32_t index = 0, total = 0;
  xous_error_t err;

  while (hmap_get(&b->vmap, 0, objid, index, &nr)) {
    err = load_page(e, b, (uint32_t)nr, objid, index, e->plain);
    if (err != XOUS_OK)
      return err;
    if (index == 0)
      total = get32(e->plain);
    buf_add(out, e->plain, DATA_BYTES);
    if (out->oom)
      return XOUS_OUT_OF_MEMORY;
    index++;
    if ((uint64_t)index * DATA_BYTES >= total)
      break;
  }
  if (index == 0)
    return XOUS_NOT_FOUND;
  if (total < 4 || total > out->len)
    return XOUS_INVALID_CODING;
  out->len = total;
  return XOUS_OK;
}

/* Writes bytes as object objid of basis slot, freeing pages it no longer
 * needs. Inside a transaction. */
static xous_error_t
write_object(struct pddb_engine *e, unsigned slot, uint64_t objid,
             const uint8_t *p, size_t n)
{
  struct basis *b = &e->bases[slot];
  uint32_t index, pages = (uint32_t)((n + DATA_BYTES - 1) / DATA_BYTES);
  uint64_t nr;
  xous_error_t err;

  for (index = 0; index < pages; index++) {
    size_t off = (size_t)index * DATA_BYTES;
    size_t chunk = n - off < DATA_BYTES ? n - off : DATA_BYTES;

    memset(e->plain, 0, DATA_BYTES);
    memcpy(e->plain, p + off, chunk);
    if (!hmap_get(&b->vmap, 0, objid, index, &nr)) {
      uint32_t page;

      if ((err = alloc_page(e, &page)) != XOUS_OK)
        return err;
      if (!hmap_put(&b->vmap, 0, objid, index, page))
        return XOUS_OUT_OF_MEMORY;
      nr = page;
    }
    seal_page(e, b->key, (uint32_t)nr, objid, index, b->gen, e->plain,
              e->page);
    if ((err = pddb_store_write(e->store, (uint32_t)nr, e->page)) != XOUS_OK)
      return err;
  }
  while (hmap_del(&b->vmap, 0, objid, index, &nr)) {
    if ((err = free_later(e, (uint32_t)nr)) != XOUS_OK)
      return err;
    index++;
  }
  pddb_wipe(e->plain, DATA_BYTES);
  return XOUS_OK;
}

/* ---- sync ---------------------------------------------------------------------- */

bool
pddb_dirty(const struct pddb_engine *e)
{
  unsigned i;

  if (e->ndirty > 0 || e->npending > 0 || e->fscb_dirty)
    return true;
  for (i = 0; i < XOUS_PDDB_MAX_OPEN_BASES; i++)
    if (e->bases[i].open && e->bases[i].catalog_dirty)
      return true;
  return false;
}

/* Gives the free-space list its pages (the first sync after format) and
 * makes sure none of them is marked free. */
static xous_error_t
own_fscb_pages(struct pddb_engine *e, uint32_t pages)
{
  struct basis *b = &e->bases[SYSTEM];
  uint32_t index, page;
  uint64_t nr;
  xous_error_t err;

  for (index = 0; index < pages; index++) {
    if (hmap_get(&b->vmap, 0, OBJ_FSCB, index, &nr)) {
      if (fscb_get(e, (uint32_t)nr))
        fscb_set(e, (uint32_t)nr, false);
      continue;
    }
    if ((err = alloc_page(e, &page)) != XOUS_OK)
      return err;
    if (!hmap_put(&b->vmap, 0, OBJ_FSCB, index, page))
      return XOUS_OUT_OF_MEMORY;
  }
  return XOUS_OK;
}

static xous_error_t
sync_locked(struct pddb_engine *e)
{
  xous_error_t err;
  size_t i;
  unsigned s;

  for (s = 0; s < XOUS_PDDB_MAX_OPEN_BASES; s++)
    if (e->bases[s].open)
      e->bases[s].gen++;
  /* Key data first: it may allocate pages. */
  for (i = 0; i < e->dirty.cap; i++) {
    struct hmap_slot *d = &e->dirty.slots[i];
    struct basis *b;
    uint64_t nr;

    if (d->state != 1)
      continue;
    b = &e->bases[d->tag];
    if (!hmap_get(&b->vmap, 0, d->objid, d->index, &nr)) {
      uint32_t page;

      if ((err = alloc_page(e, &page)) != XOUS_OK)
        return err;
      if (!hmap_put(&b->vmap, 0, d->objid, d->index, page))
        return XOUS_OUT_OF_MEMORY;
      nr = page;
    }
    seal_page(e, b->key, (uint32_t)nr, d->objid, d->index, b->gen,
              (const uint8_t *)(uintptr_t)d->value, e->page);
    if ((err = pddb_store_write(e->store, (uint32_t)nr, e->page)) != XOUS_OK)
      return err;
  }
  for (s = 0; s < XOUS_PDDB_MAX_OPEN_BASES; s++) {
    struct buf cat = { 0 };

    if (!e->bases[s].open || !e->bases[s].catalog_dirty)
      continue;
    serialize(e, s, &cat);
    err = cat.oom ? XOUS_OUT_OF_MEMORY
                  : write_object(e, s, OBJ_CATALOG, cat.p, cat.len);
    buf_free(&cat);
    if (err != XOUS_OK)
      return err;
  }
  /* Freed pages become random again, and known free. */
  for (i = 0; i < e->npending; i++) {
    pddb_crypto_random(e->page, PDDB_PAGE_SIZE);
    if ((err = pddb_store_write(e->store, e->pending[i], e->page)) != XOUS_OK)
      return err;
    fscb_set(e, e->pending[i], true);
  }
  if (e->fscb_dirty) {
    size_t n = 4 + (e->npages + 7) / 8;
    struct buf b = { 0 };

    /* The list's own pages are taken before it is written down, so that
     * it never lists them as free (and hands them to a key later). */
    if ((err = own_fscb_pages(e, (uint32_t)((n + DATA_BYTES - 1) /
                                            DATA_BYTES))) != XOUS_OK)
      return err;

    buf_u32(&b, (uint32_t)n);
    buf_add(&b, e->fscb, n - 4);
    if (b.oom)
      return XOUS_OUT_OF_MEMORY;
    /* The list's own pages are allocated at format and never move. */
    err = write_object(e, SYSTEM, OBJ_FSCB, b.p, b.len);
    buf_free(&b);
    if (err != XOUS_OK)
      return err;
  }
  return XOUS_OK;
}

xous_error_t
pddb_sync(struct pddb_engine *e)
{
  xous_error_t err;
  size_t i;
  unsigned s;

  if (e->failed)
    return XOUS_STORAGE_ERROR;
  if (!pddb_dirty(e))
    return XOUS_OK;
  if ((err = pddb_store_begin(e->store)) != XOUS_OK)
    return fail(e, err);
  err = sync_locked(e);
  if (err == XOUS_OK)
    err = pddb_store_commit(e->store);
  if (err != XOUS_OK) {
    /* The memory state no longer matches the image: stop here. */
    pddb_store_rollback(e->store);
    e->failed = true;
    return err == XOUS_OUT_OF_MEMORY ? err : XOUS_STORAGE_ERROR;
  }
  for (i = 0; i < e->dirty.cap; i++) {
    struct hmap_slot *d = &e->dirty.slots[i];

    if (d->state == 1) {
      pddb_wipe((void *)(uintptr_t)d->value, DATA_BYTES);
      pddb_free((void *)(uintptr_t)d->value);
    }
  }
  hmap_free(&e->dirty);
  e->ndirty = 0;
  e->nnew = 0;
  e->npending = 0;
  e->fscb_dirty = false;
  for (s = 0; s < XOUS_PDDB_MAX_OPEN_BASES; s++)
    e->bases[s].catalog_dirty = false;
  return XOUS_OK;
}

/* ---- opening an image ------------------------------------------------------------- */

struct scan_ctx {
  struct pddb_engine *e;
  struct basis *b;
  uint64_t maxgen;
  struct hmap gens; /* (objid, index) -> generation of the page kept */
  bool oom;
};

static bool
scan_page(uint32_t nr, const uint8_t *head, void *arg)
{
  struct scan_ctx *c = arg;
  uint8_t entry[ENTRY_BYTES];
  uint64_t objid, gen, old;
  uint32_t index;

  if (c->e->progress != NULL && (nr % 256 == 0 || nr + 1 == c->e->npages))
    c->e->progress(nr + 1, c->e->npages, c->e->progress_ctx);
  if (!open_entry(c->b->key, nr, head, entry))
    return true;
  index = get32(entry + 4);
  objid = get64(entry + 8);
  gen = get64(entry + 16);
  if (gen > c->maxgen)
    c->maxgen = gen;
  /* Two pages for one place: only after a bug or tampering; the newer
   * generation wins and the other is freed at the next sync. */
  if (hmap_get(&c->b->vmap, 0, objid, index, &old)) {
    uint64_t oldgen = 0;

    (void)hmap_get(&c->gens, 0, objid, index, &oldgen);
    if (gen <= oldgen) {
      (void)free_later(c->e, nr);
      return true;
    }
    (void)free_later(c->e, (uint32_t)old);
  }
  if (!hmap_put(&c->b->vmap, 0, objid, index, nr) ||
      !hmap_put(&c->gens, 0, objid, index, gen))
    c->oom = true;
  return !c->oom;
}

/* Finds the pages of the basis in slot (its key set) and its catalog.
 * NotFound when it has no catalog: no basis with that key. */
static xous_error_t
load_basis(struct pddb_engine *e, unsigned slot)
{
  struct scan_ctx c = { e, &e->bases[slot], 0, { NULL, 0, 0, 0 }, false };
  struct buf cat = { 0 };
  xous_error_t err;

  err = pddb_store_scan(e->store, HEAD_BYTES, scan_page, &c);
  if (c.gens.slots != NULL)
    pddb_wipe(c.gens.slots, c.gens.cap * sizeof *c.gens.slots);
  hmap_free(&c.gens);
  if (err != XOUS_OK)
    return err;
  if (c.oom)
    return XOUS_OUT_OF_MEMORY;
  e->bases[slot].gen = c.maxgen;
  err = read_object(e, slot, OBJ_CATALOG, &cat);
  if (err == XOUS_OK)
    err = parse(e, slot, cat.p, cat.len);
  buf_free(&cat);
  return err;
}

static void
system_key(uint8_t key[PDDB_KEY_BYTES])
{
  static const char label[] = "xous-pddb System basis key v1";

  /* On the device this key comes from the root keys; on the desktop it is
   * fixed, so the System basis hides nothing (pddb(7)). */
  pddb_crypto_hash(key, PDDB_KEY_BYTES, label, sizeof label - 1);
}

static xous_error_t
new_engine(struct pddb_store *s, struct pddb_engine **out)
{
  struct pddb_engine *e = pddb_alloc(sizeof *e);

  if (e == NULL)
    return XOUS_OUT_OF_MEMORY;
  e->store = s;
  e->npages = pddb_store_pages(s);
  e->fscb = pddb_alloc((e->npages + 7) / 8);
  e->bases[SYSTEM].key = pddb_secure_alloc(PDDB_KEY_BYTES);
  if (e->fscb == NULL || e->bases[SYSTEM].key == NULL) {
    pddb_secure_free(e->bases[SYSTEM].key, PDDB_KEY_BYTES);
    pddb_free(e->fscb);
    pddb_free(e);
    return XOUS_OUT_OF_MEMORY;
  }
  system_key(e->bases[SYSTEM].key);
  e->bases[SYSTEM].open = true;
  strcpy(e->bases[SYSTEM].name, XOUS_PDDB_SYSTEM_BASIS);
  *out = e;
  return XOUS_OK;
}

static void
free_engine(struct pddb_engine *e)
{
  unsigned i;

  for (i = 0; i < XOUS_PDDB_MAX_OPEN_BASES; i++)
    if (e->bases[i].open)
      forget_basis(e, i);
  drop_dirty_of(e, 0, 0, 0, true);
  for (i = 0; i < MAX_HANDLES; i++)
    drop_stage(e, &e->handles[i]);
  hmap_free(&e->dirty);
  pddb_free(e->pending);
  pddb_free(e->fscb);
  pddb_store_close(e->store);
  pddb_wipe(e, sizeof *e);
  pddb_free(e);
}

xous_error_t
pddb_format(const char *path, uint32_t npages, uint32_t kdf_ops,
            uint32_t kdf_mem_kib, pddb_progress_fn progress, void *ctx)
{
  struct pddb_store *s;
  struct pddb_engine *e;
  uint8_t *page;
  uint32_t i, withheld;
  xous_error_t err;

  if (npages < PDDB_MIN_PAGES || npages > PDDB_MAX_PAGES)
    return XOUS_INVALID_ARGUMENT;
  if ((page = pddb_alloc(PDDB_PAGE_SIZE)) == NULL)
    return XOUS_OUT_OF_MEMORY;
  if ((err = pddb_store_create(path, &s)) != XOUS_OK) {
    pddb_free(page);
    return err;
  }
  err = pddb_store_begin(s);
  for (i = 0; i < npages && err == XOUS_OK; i++) {
    pddb_crypto_random(page, PDDB_PAGE_SIZE);
    err = pddb_store_append(s, page);
    if (progress != NULL && (i % 64 == 0 || i + 1 == npages))
      progress(i + 1, npages, ctx);
  }
  if (err == XOUS_OK)
    err = pddb_store_commit(s);
  pddb_free(page);
  if (err != XOUS_OK || (err = new_engine(s, &e)) != XOUS_OK) {
    pddb_store_close(s);
    return err;
  }
  pddb_crypto_random(e->salt, PDDB_SALT_BYTES);
  pddb_crypto_default_cost(&e->kdf_ops, &e->kdf_mem);
  if (kdf_ops != 0)
    e->kdf_ops = kdf_ops;
  if (kdf_mem_kib != 0)
    e->kdf_mem = kdf_mem_kib;
  /* A random share (1/16 to 1/8) of the pages never enters the free list:
   * they stay random forever and cannot be told from the pages of secret
   * bases, which are missing from the list too (pddb(7)). */
  withheld = npages / 16 + pddb_crypto_uniform(npages / 16 + 1);
  for (i = 0; i < npages; i++)
    fscb_set(e, i, true);
  for (i = 0; i < withheld; i++) {
    uint32_t nr = pddb_crypto_uniform(npages);

    fscb_set(e, nr, false);
  }
  e->bases[SYSTEM].next_objid = OBJ_FIRST_KEY;
  e->bases[SYSTEM].catalog_dirty = true;
  e->fscb_dirty = true;
  err = pddb_sync(e);
  free_engine(e);
  return err;
}

/* Why pddb_open() failed, when the store did not say. */
static const char *open_why;

const char *
pddb_open_error(xous_error_t err)
{
  const char *store = pddb_store_error();

  if (open_why != NULL)
    return open_why;
  if (store != NULL)
    return store;
  switch (err) {
  case XOUS_INVALID_CODING:
    return "not a PDDB image";
  case XOUS_ACCESS_DENIED:
    return "in use by another process";
  case XOUS_NOT_FOUND:
    return "no such file";
  default:
    return xous_strerror(err);
  }
}

xous_error_t
pddb_open(const char *path, struct pddb_engine **out)
{
  struct pddb_store *s;
  struct pddb_engine *e;
  struct buf b = { 0 };
  xous_error_t err;
  uint32_t i;

  open_why = NULL;
  if ((err = pddb_store_open(path, &s)) != XOUS_OK)
    return err;
  if ((err = new_engine(s, &e)) != XOUS_OK) {
    pddb_store_close(s);
    return err;
  }
  err = load_basis(e, SYSTEM);
  if (err == XOUS_NOT_FOUND)
    open_why = "not a PDDB image (no System basis in its pages)";
  else if (err == XOUS_INVALID_CODING)
    open_why = "damaged or of another size (its System basis was made "
               "for another number of pages)";
  else if (err == XOUS_STORAGE_ERROR)
    open_why = "damaged (a page of its System basis fails authentication: "
               "it changed on disk)";
  if (err == XOUS_OK &&
      (err = read_object(e, SYSTEM, OBJ_FSCB, &b)) != XOUS_OK)
    open_why = "damaged (no free-space list)";
  if (err == XOUS_OK && b.len != 4 + (e->npages + 7) / 8) {
    err = XOUS_INVALID_CODING;
    open_why = "of another size (its free-space list is for another "
               "number of pages)";
  }
  if (err != XOUS_OK) {
    buf_free(&b);
    free_engine(e);
    /* No System basis: not a PDDB image. */
    return err == XOUS_NOT_FOUND ? XOUS_INVALID_CODING : err;
  }
  memcpy(e->fscb, b.p + 4, b.len - 4);
  buf_free(&b);
  for (i = 0; i < e->npages; i++)
    if (fscb_get(e, i))
      e->nfree++;
  e->fscb_dirty = e->npending > 0;
  /* An image whose list names its own pages free is repaired here. */
  {
    uint64_t nr;

    for (i = 0; hmap_get(&e->bases[SYSTEM].vmap, 0, OBJ_FSCB, i, &nr); i++)
      if (fscb_get(e, (uint32_t)nr))
        fscb_set(e, (uint32_t)nr, false);
  }
  *out = e;
  return XOUS_OK;
}

xous_error_t
pddb_close(struct pddb_engine *e)
{
  xous_error_t err;

  if (e == NULL)
    return XOUS_OK;
  err = pddb_sync(e);
  free_engine(e);
  return err;
}

void
pddb_abandon(struct pddb_engine *e)
{
  if (e != NULL)
    free_engine(e);
}

void
pddb_set_progress(struct pddb_engine *e, pddb_progress_fn fn, void *ctx)
{
  e->progress = fn;
  e->progress_ctx = ctx;
}

uint32_t
pddb_page_count(const struct pddb_engine *e)
{
  return e->npages;
}

uint32_t
pddb_free_pages(const struct pddb_engine *e)
{
  return e->nfree;
}

/* ---- secret bases --------------------------------------------------------------- */

/* Whether name and a password of pwlen bytes may name and open a basis. */
static bool
basis_args_ok(const char *name, size_t pwlen)
{
  return name_ok(name, XOUS_PDDB_MAX_BASIS_NAME) &&
         pwlen <= XOUS_PDDB_MAX_PASSWORD;
}

/* Checks a create or an unlock of name before its key is derived: a
 * failed store, or a name or password no basis may have, refuse it. */
static xous_error_t
check_basis_call(const struct pddb_engine *e, const char *name, size_t pwlen)
{
  if (e->failed)
    return XOUS_STORAGE_ERROR;
  return basis_args_ok(name, pwlen) ? XOUS_OK : XOUS_INVALID_STRING;
}

static xous_error_t
derive_into(struct pddb_engine *e, const char *name, const void *pw,
            size_t pwlen, uint8_t *key)
{
  uint8_t in[PDDB_SALT_BYTES + XOUS_PDDB_MAX_BASIS_NAME],
      salt[PDDB_SALT_BYTES];
  size_t n = strlen(name);

  /* The salt is per image and per basis name. */
  memcpy(in, e->salt, PDDB_SALT_BYTES);
  memcpy(in + PDDB_SALT_BYTES, name, n);
  pddb_crypto_hash(salt, PDDB_SALT_BYTES, in, PDDB_SALT_BYTES + n);
  return pddb_crypto_kdf(key, pw, pwlen, salt, e->kdf_ops, e->kdf_mem);
}

xous_error_t
pddb_derive_key(struct pddb_engine *e, const char *name, const void *pw,
                size_t pwlen, uint8_t key[PDDB_KEY_BYTES])
{
  if (!basis_args_ok(name, pwlen))
    return XOUS_INVALID_STRING;
  return derive_into(e, name, pw, pwlen, key);
}

/* Compares two keys in a time that does not depend on where they differ. */
static bool
keys_equal(const uint8_t *a, const uint8_t *b)
{
  uint8_t diff = 0;
  unsigned i;

  for (i = 0; i < PDDB_KEY_BYTES; i++)
    diff |= (uint8_t)(a[i] ^ b[i]);
  return diff == 0;
}

/* Takes a free slot for the basis name and derives its key into it. On
 * success the slot is open and holds nothing yet; otherwise it is wiped. */
static xous_error_t
take_slot(struct pddb_engine *e, const char *name, const void *pw,
          size_t pwlen, int *slot_out)
{
  int slot = free_slot(e);
  struct basis *b;
  xous_error_t err;

  if (slot < 0)
    return XOUS_OUT_OF_MEMORY;
  b = &e->bases[slot];
  memset(b, 0, sizeof *b);
  if ((b->key = pddb_secure_alloc(PDDB_KEY_BYTES)) == NULL)
    return XOUS_OUT_OF_MEMORY;
  strcpy(b->name, name);
  b->open = true;
  b->epoch = ++e->epoch;
  if ((err = derive_into(e, name, pw, pwlen, b->key)) != XOUS_OK) {
    forget_basis(e, (unsigned)slot);
    return err;
  }
  *slot_out = slot;
  return XOUS_OK;
}

/* Derives the key of name into a new slot and loads it. On success the
 * slot is open; otherwise it is wiped. */
static xous_error_t
try_basis(struct pddb_engine *e, const char *name, const void *pw,
          size_t pwlen, int *slot_out)
{
  size_t pending = e->npending;
  xous_error_t err;
  int slot;

  if ((err = take_slot(e, name, pw, pwlen, &slot)) != XOUS_OK)
    return err;
  if ((err = load_basis(e, (unsigned)slot)) != XOUS_OK) {
    /* Pages a failed scan queued for freeing are not ours to free. */
    e->npending = pending;
    forget_basis(e, (unsigned)slot);
    return err;
  }
  *slot_out = slot;
  return XOUS_OK;
}

xous_error_t
pddb_basis_create(struct pddb_engine *e, const char *name, const void *pw,
                  size_t pwlen)
{
  xous_error_t err;
  int slot;

  if ((err = check_basis_call(e, name, pwlen)) != XOUS_OK)
    return err;
  if (find_basis(e, name) >= 0)
    return XOUS_SERVER_EXISTS;
  err = try_basis(e, name, pw, pwlen, &slot);
  if (err == XOUS_OK) {
    forget_basis(e, (unsigned)slot);
    return XOUS_SERVER_EXISTS;
  }
  if (err != XOUS_NOT_FOUND && err != XOUS_INVALID_CODING)
    return err;
  /* try_basis() wiped the slot: start it again, empty. */
  if ((err = take_slot(e, name, pw, pwlen, &slot)) != XOUS_OK)
    return err;
  e->bases[slot].next_objid = OBJ_FIRST_KEY;
  e->bases[slot].catalog_dirty = true;
  e->bases[slot].order = ++e->order;
  err = pddb_sync(e);
  if (err != XOUS_OK)
    forget_basis(e, (unsigned)slot);
  return err;
}

xous_error_t
pddb_basis_unlock(struct pddb_engine *e, const char *name, const void *pw,
                  size_t pwlen)
{
  xous_error_t err;
  int slot;

  if ((err = check_basis_call(e, name, pwlen)) != XOUS_OK)
    return err;
  if (strcmp(name, XOUS_PDDB_SYSTEM_BASIS) == 0)
    return XOUS_OK;
  if ((slot = find_basis(e, name)) >= 0) {
    uint8_t *k = pddb_secure_alloc(PDDB_KEY_BYTES);
    bool same;

    if (k == NULL)
      return XOUS_OUT_OF_MEMORY;
    err = derive_into(e, name, pw, pwlen, k);
    same = err == XOUS_OK && keys_equal(k, e->bases[slot].key);
    pddb_secure_free(k, PDDB_KEY_BYTES);
    if (err != XOUS_OK)
      return err;
    if (!same)
      return XOUS_NOT_FOUND;
    e->bases[slot].order = ++e->order;
    return XOUS_OK;
  }
  err = try_basis(e, name, pw, pwlen, &slot);
  if (err == XOUS_INVALID_CODING)
    err = XOUS_NOT_FOUND;
  if (err == XOUS_OK)
    e->bases[slot].order = ++e->order;
  return err;
}

/* The slot of the open basis name, which must not be the System basis
 * (only secret bases are locked or deleted). */
static xous_error_t
secret_slot(struct pddb_engine *e, const char *name, int *slot)
{
  if (name == NULL || (*slot = find_basis(e, name)) < 0)
    return XOUS_NOT_FOUND;
  return *slot == SYSTEM ? XOUS_ACCESS_DENIED : XOUS_OK;
}

xous_error_t
pddb_basis_lock(struct pddb_engine *e, const char *name)
{
  int slot;
  xous_error_t err;

  if ((err = secret_slot(e, name, &slot)) != XOUS_OK)
    return err;
  /* Nothing written is lost: it goes to the image before the key goes. */
  err = pddb_sync(e);
  forget_basis(e, (unsigned)slot);
  return err;
}

xous_error_t
pddb_basis_delete(struct pddb_engine *e, const char *name)
{
  struct basis *b;
  size_t i;
  int slot;
  xous_error_t err;

  if ((err = secret_slot(e, name, &slot)) != XOUS_OK)
    return err;
  if ((err = pddb_sync(e)) != XOUS_OK)
    return err;
  b = &e->bases[slot];
  for (i = 0; i < b->vmap.cap; i++)
    if (b->vmap.slots[i].state == 1 &&
        (err = free_later(e, (uint32_t)b->vmap.slots[i].value)) != XOUS_OK)
      return err;
  hmap_free(&b->vmap);
  b->catalog_dirty = false;
  b->open = false; /* sync must not write it back */
  err = pddb_sync(e);
  b->open = true;
  forget_basis(e, (unsigned)slot);
  return err;
}

const char *
pddb_latest_basis(struct pddb_engine *e)
{
  unsigned order[XOUS_PDDB_MAX_OPEN_BASES];

  (void)ordered(e, order); /* the System basis at least */
  return e->bases[order[0]].name;
}

xous_error_t
pddb_list_bases(struct pddb_engine *e, pddb_name_fn fn, void *ctx)
{
  unsigned order[XOUS_PDDB_MAX_OPEN_BASES], n = ordered(e, order), i;

  for (i = 0; i < n; i++)
    fn(e->bases[order[i]].name, 0, NULL, ctx);
  return XOUS_OK;
}

/* ---- dictionaries and keys ------------------------------------------------------------ */

static struct dict_ent *
dict_in(struct basis *b, const char *dict)
{
  uint32_t i;

  for (i = 0; i < b->ndicts; i++)
    if (strcmp(b->dicts[i].name, dict) == 0)
      return &b->dicts[i];
  return NULL;
}

static struct key_ent *
key_in(struct dict_ent *d, const char *key)
{
  uint32_t i;

  for (i = 0; d != NULL && i < d->nkeys; i++)
    if (strcmp(d->keys[i].name, key) == 0)
      return &d->keys[i];
  return NULL;
}

/* The slot named by basis, or NotFound. basis NULL or "" means none. */
static xous_error_t
named_slot(struct pddb_engine *e, const char *basis, int *slot)
{
  if (!name_ok(basis, XOUS_PDDB_MAX_BASIS_NAME))
    return XOUS_INVALID_STRING;
  *slot = find_basis(e, basis);
  return *slot < 0 ? XOUS_NOT_FOUND : XOUS_OK;
}

static bool
given(const char *s)
{
  return s != NULL && s[0] != '\0';
}

/* Checks dict and finds where it is looked for: the slot of basis when
 * given, else -1 (the union of the open bases). */
static xous_error_t
dict_scope(struct pddb_engine *e, const char *basis, const char *dict,
           int *slot)
{
  if (!name_ok(dict, XOUS_PDDB_MAX_DICT_NAME))
    return XOUS_INVALID_STRING;
  *slot = -1;
  return given(basis) ? named_slot(e, basis, slot) : XOUS_OK;
}

/* The slots a scope looks in, into out: the slot dict_scope() found, or
 * (-1) every open one, most recently unlocked first. Returns how many. */
static unsigned
scope_order(struct pddb_engine *e, int slot,
            unsigned out[XOUS_PDDB_MAX_OPEN_BASES])
{
  if (slot < 0)
    return ordered(e, out);
  out[0] = (unsigned)slot;
  return 1;
}

xous_error_t
pddb_list_dicts(struct pddb_engine *e, const char *basis, pddb_name_fn fn,
                void *ctx)
{
  unsigned order[XOUS_PDDB_MAX_OPEN_BASES], n, i, j;
  uint32_t k;
  int slot;
  xous_error_t err;

  if (given(basis)) {
    if ((err = named_slot(e, basis, &slot)) != XOUS_OK)
      return err;
    for (k = 0; k < e->bases[slot].ndicts; k++)
      fn(e->bases[slot].dicts[k].name, 0, e->bases[slot].name, ctx);
    return XOUS_OK;
  }
  n = ordered(e, order);
  for (i = 0; i < n; i++) {
    struct basis *b = &e->bases[order[i]];

    for (k = 0; k < b->ndicts; k++) {
      bool shadowed = false;

      for (j = 0; j < i && !shadowed; j++)
        shadowed = dict_in(&e->bases[order[j]], b->dicts[k].name) != NULL;
      if (!shadowed)
        fn(b->dicts[k].name, 0, b->name, ctx);
    }
  }
  return XOUS_OK;
}

xous_error_t
pddb_list_keys(struct pddb_engine *e, const char *basis, const char *dict,
               pddb_name_fn fn, void *ctx)
{
  unsigned order[XOUS_PDDB_MAX_OPEN_BASES], n, i, j;
  bool found = false;
  uint32_t k;
  int slot;
  xous_error_t err;

  if ((err = dict_scope(e, basis, dict, &slot)) != XOUS_OK)
    return err;
  n = scope_order(e, slot, order);
  for (i = 0; i < n; i++) {
    struct basis *b = &e->bases[order[i]];
    struct dict_ent *d = dict_in(b, dict);

    if (d == NULL)
      continue;
    found = true;
    for (k = 0; k < d->nkeys; k++) {
      bool shadowed = false;

      for (j = 0; j < i && !shadowed; j++)
        shadowed = key_in(dict_in(&e->bases[order[j]], dict),
                          d->keys[k].name) != NULL;
      if (!shadowed)
        fn(d->keys[k].name, d->keys[k].len, b->name, ctx);
    }
  }
  return found ? XOUS_OK : XOUS_NOT_FOUND;
}

/* Finds dict/key: in basis when given, else in the union. */
static xous_error_t
lookup(struct pddb_engine *e, const char *basis, const char *dict,
       const char *key, int *slot, struct key_ent **k)
{
  unsigned order[XOUS_PDDB_MAX_OPEN_BASES], n, i;
  xous_error_t err;

  if (key != NULL && !name_ok(key, XOUS_PDDB_MAX_KEY_NAME))
    return XOUS_INVALID_STRING;
  if ((err = dict_scope(e, basis, dict, slot)) != XOUS_OK)
    return err;
  if (*slot >= 0) {
    *k = key_in(dict_in(&e->bases[*slot], dict), key);
    return *k != NULL ? XOUS_OK : XOUS_NOT_FOUND;
  }
  n = ordered(e, order);
  for (i = 0; i < n; i++) {
    *k = key_in(dict_in(&e->bases[order[i]], dict), key);
    if (*k != NULL) {
      *slot = (int)order[i];
      return XOUS_OK;
    }
  }
  /* New keys go to the most recently unlocked basis. */
  *slot = (int)order[0];
  return XOUS_NOT_FOUND;
}

bool
pddb_basis_is_open(struct pddb_engine *e, const char *name)
{
  return name != NULL && find_basis(e, name) >= 0;
}

bool
pddb_exists(struct pddb_engine *e, const char *basis, const char *dict,
            const char *key)
{
  unsigned order[XOUS_PDDB_MAX_OPEN_BASES], n, i;
  int slot;
  struct dict_ent *d;

  if (dict_scope(e, basis, dict, &slot) != XOUS_OK ||
      (key != NULL && !name_ok(key, XOUS_PDDB_MAX_KEY_NAME)))
    return false;
  n = scope_order(e, slot, order);
  for (i = 0; i < n; i++)
    if ((d = dict_in(&e->bases[order[i]], dict)) != NULL &&
        (key == NULL || key_in(d, key) != NULL))
      return true;
  return false;
}

static struct key_ent *
key_by_objid(struct basis *b, uint64_t objid, struct dict_ent **dict)
{
  uint32_t i, j;

  for (i = 0; i < b->ndicts; i++)
    for (j = 0; j < b->dicts[i].nkeys; j++)
      if (b->dicts[i].keys[j].objid == objid) {
        if (dict != NULL)
          *dict = &b->dicts[i];
        return &b->dicts[i].keys[j];
      }
  return NULL;
}

/* Frees the pages of objid from index on. */
static xous_error_t
drop_pages(struct pddb_engine *e, unsigned slot, uint64_t objid, uint32_t from,
           uint64_t old_len)
{
  struct basis *b = &e->bases[slot];
  uint32_t i, last = (uint32_t)((old_len + DATA_BYTES - 1) / DATA_BYTES);
  uint64_t nr;
  xous_error_t err;

  ahead_drop(e);
  drop_dirty_of(e, slot, objid, from, false);
  for (i = from; i < last; i++)
    if (hmap_del(&b->vmap, 0, objid, i, &nr) &&
        (err = free_later(e, (uint32_t)nr)) != XOUS_OK)
      return err;
  return XOUS_OK;
}

static xous_error_t
remove_key(struct pddb_engine *e, unsigned slot, struct dict_ent *d,
           struct key_ent *k)
{
  xous_error_t err = drop_pages(e, slot, k->objid, 0, k->len);
  size_t at = (size_t)(k - d->keys);

  if (err != XOUS_OK)
    return err;
  memmove(k, k + 1, (d->nkeys - at - 1) * sizeof *k);
  d->nkeys--;
  pddb_wipe(&d->keys[d->nkeys], sizeof *k);
  e->bases[slot].catalog_dirty = true;
  return XOUS_OK;
}

xous_error_t
pddb_key_delete(struct pddb_engine *e, const char *basis, const char *dict,
                const char *key)
{
  struct key_ent *k;
  int slot;
  xous_error_t err;

  if (e->failed)
    return XOUS_STORAGE_ERROR;
  if ((err = lookup(e, basis, dict, key, &slot, &k)) != XOUS_OK)
    return err;
  if ((err = remove_key(e, (unsigned)slot, dict_in(&e->bases[slot], dict),
                        k)) != XOUS_OK)
    return err;
  return pddb_sync(e);
}

xous_error_t
pddb_dict_delete(struct pddb_engine *e, const char *basis, const char *dict)
{
  unsigned order[XOUS_PDDB_MAX_OPEN_BASES], n, i;
  struct dict_ent *d = NULL;
  struct basis *b = NULL;
  int slot = -1;
  xous_error_t err;

  if (e->failed)
    return XOUS_STORAGE_ERROR;
  if ((err = dict_scope(e, basis, dict, &slot)) != XOUS_OK)
    return err;
  if (slot >= 0) {
    d = dict_in(&e->bases[slot], dict);
  } else {
    n = ordered(e, order);
    for (i = 0; i < n && d == NULL; i++) {
      slot = (int)order[i];
      d = dict_in(&e->bases[slot], dict);
    }
  }
  if (d == NULL)
    return XOUS_NOT_FOUND;
  b = &e->bases[slot];
  while (d->nkeys > 0)
    if ((err = remove_key(e, (unsigned)slot, d, &d->keys[d->nkeys - 1])) !=
        XOUS_OK)
      return err;
  pddb_free(d->keys);
  memmove(d, d + 1,
          (size_t)(b->ndicts - (uint32_t)(d - b->dicts) - 1) * sizeof *d);
  b->ndicts--;
  b->catalog_dirty = true;
  return pddb_sync(e);
}

xous_error_t
pddb_dict_create(struct pddb_engine *e, const char *basis, const char *dict)
{
  unsigned order[XOUS_PDDB_MAX_OPEN_BASES];
  struct dict_ent *d;
  struct basis *b;
  int slot;
  xous_error_t err;

  if (e->failed)
    return XOUS_STORAGE_ERROR;
  if ((err = dict_scope(e, basis, dict, &slot)) != XOUS_OK)
    return err;
  if (slot < 0) {
    /* As new keys: in the most recently unlocked basis. */
    (void)ordered(e, order);
    slot = (int)order[0];
  }
  b = &e->bases[slot];
  if ((d = dict_in(b, dict)) != NULL && !d->tentative)
    return XOUS_SERVER_EXISTS;
  /* An empty dictionary is a catalog entry without keys: no page of
   * its own. One an open made for its first key stays for good. */
  if (d == NULL && (d = add_dict(b, dict)) == NULL)
    return XOUS_OUT_OF_MEMORY;
  d->tentative = false;
  b->catalog_dirty = true;
  return XOUS_OK;
}

xous_error_t
pddb_key_open(struct pddb_engine *e, const char *basis, const char *dict,
              const char *key, unsigned flags, uint32_t owner,
              uint32_t *handle)
{
  struct key_ent *k;
  struct dict_ent *d;
  struct basis *b;
  int slot = -1;
  uint32_t i;
  xous_error_t err;

  if (e->failed)
    return XOUS_STORAGE_ERROR;
  err = lookup(e, basis, dict, key, &slot, &k);
  if (err == XOUS_NOT_FOUND && (flags & XOUS_PDDB_CREATE) && slot >= 0) {
    b = &e->bases[slot];
    if ((d = dict_in(b, dict)) == NULL) {
      if ((d = add_dict(b, dict)) == NULL)
        return XOUS_OUT_OF_MEMORY;
      d->tentative = true;
    }
    if ((k = add_key(d, key, b->next_objid++, 0)) == NULL)
      return XOUS_OUT_OF_MEMORY;
    k->tentative = true;
    b->catalog_dirty = true;
    err = XOUS_OK;
  }
  if (err != XOUS_OK)
    return err;
  for (i = 0; i < MAX_HANDLES && e->handles[i].used; i++)
    ;
  if (i == MAX_HANDLES)
    return XOUS_OUT_OF_MEMORY;
  e->seq = (e->seq + 1) & ((1u << (32 - HANDLE_BITS)) - 1);
  if (e->seq == 0)
    e->seq = 1;
  e->handles[i].used = true;
  e->handles[i].slot = (uint8_t)slot;
  e->handles[i].epoch = e->bases[slot].epoch;
  e->handles[i].owner = owner;
  e->handles[i].seq = e->seq;
  e->handles[i].objid = k->objid;
  e->handles[i].truncate = (flags & XOUS_PDDB_TRUNCATE) != 0;
  *handle = e->seq << HANDLE_BITS | i;
  return XOUS_OK;
}

/* The handle h of owner, or NULL. */
static struct handle *
handle_of(struct pddb_engine *e, uint32_t owner, uint32_t h)
{
  struct handle *hd = &e->handles[h & (MAX_HANDLES - 1)];

  if (!hd->used || hd->seq != h >> HANDLE_BITS || hd->owner != owner)
    return NULL;
  return hd;
}

/* The key of handle hd in basis b: where it was found last time when it
 * is still there (an objid is a key's alone in its basis), else searched
 * for, since the arrays move as keys come and go. */
static struct key_ent *
handle_key(struct basis *b, struct handle *hd)
{
  uint32_t i, j;

  if (hd->dict_at < b->ndicts && hd->key_at < b->dicts[hd->dict_at].nkeys &&
      b->dicts[hd->dict_at].keys[hd->key_at].objid == hd->objid)
    return &b->dicts[hd->dict_at].keys[hd->key_at];
  for (i = 0; i < b->ndicts; i++)
    for (j = 0; j < b->dicts[i].nkeys; j++)
      if (b->dicts[i].keys[j].objid == hd->objid) {
        hd->dict_at = i;
        hd->key_at = j;
        return &b->dicts[i].keys[j];
      }
  return NULL;
}

/* The key behind handle h of owner; *hdp (may be NULL) gets the handle. */
static xous_error_t
resolve_handle(struct pddb_engine *e, uint32_t owner, uint32_t h,
               struct handle **hdp, unsigned *slot, struct key_ent **k)
{
  struct handle *hd = handle_of(e, owner, h);
  struct basis *b;

  if (hdp != NULL)
    *hdp = hd;
  if (e->failed)
    return XOUS_STORAGE_ERROR;
  if (hd == NULL)
    return XOUS_INVALID_ARGUMENT;
  b = &e->bases[hd->slot];
  /* Every basis opened gets a new epoch: a handle of another epoch
   * belonged to a basis that was locked. */
  if (!b->open || hd->epoch != b->epoch)
    return XOUS_UNAVAILABLE;
  *slot = hd->slot;
  *k = handle_key(b, hd);
  return *k != NULL ? XOUS_OK : XOUS_NOT_FOUND;
}

/* A tentative key used for good: the catalog keeps it from now on. */
static void
make_real(struct pddb_engine *e, unsigned slot, struct key_ent *k)
{
  struct dict_ent *d;

  if (key_by_objid(&e->bases[slot], k->objid, &d) != NULL)
    d->tentative = false;
  k->tentative = false;
  e->bases[slot].catalog_dirty = true;
}

/* Forgets the key of a handle whose owner went away before it used a key
 * it created, unless another handle has it open. */
static void
drop_tentative(struct pddb_engine *e, struct handle *gone)
{
  struct basis *b = &e->bases[gone->slot];
  struct dict_ent *d;
  struct key_ent *k;
  uint32_t i;

  if (!b->open || gone->epoch != b->epoch ||
      (k = key_by_objid(b, gone->objid, &d)) == NULL || !k->tentative)
    return;
  for (i = 0; i < MAX_HANDLES; i++)
    if (&e->handles[i] != gone && e->handles[i].used &&
        e->handles[i].slot == gone->slot && e->handles[i].objid == gone->objid)
      return;
  (void)remove_key(e, gone->slot, d, k);
  if (d->nkeys == 0 && d->tentative) {
    pddb_free(d->keys);
    memmove(d, d + 1,
            (size_t)(b->ndicts - (uint32_t)(d - b->dicts) - 1) * sizeof *d);
    b->ndicts--;
  }
}

/* Empties the key of a handle opened to be emptied, once. */
static xous_error_t
settle(struct pddb_engine *e, struct handle *hd, unsigned slot,
       struct key_ent *k)
{
  xous_error_t err;

  if (k->tentative)
    make_real(e, slot, k);
  if (!hd->truncate)
    return XOUS_OK;
  if (k->len > 0) {
    if ((err = drop_pages(e, slot, k->objid, 0, k->len)) != XOUS_OK)
      return err;
    k->len = 0;
    e->bases[slot].catalog_dirty = true;
  }
  hd->truncate = false;
  return XOUS_OK;
}

/* The key behind handle h of owner, emptied first if it was opened so:
 * for every use of a handle but a write still arriving. */
static xous_error_t
resolve(struct pddb_engine *e, uint32_t owner, uint32_t h, unsigned *slot,
        struct key_ent **k)
{
  struct handle *hd;
  xous_error_t err = resolve_handle(e, owner, h, &hd, slot, k);

  if (err != XOUS_OK)
    return err;
  return settle(e, hd, *slot, *k);
}

/* Copies len bytes of key k at offset (within its length) into buf. */
static xous_error_t
read_bytes(struct pddb_engine *e, unsigned slot, const struct key_ent *k,
           uint64_t offset, uint8_t *buf, size_t len)
{
  size_t done = 0;
  xous_error_t err = XOUS_OK;

  while (done < len && err == XOUS_OK) {
    uint64_t pos = offset + done, v;
    uint32_t index = (uint32_t)(pos / DATA_BYTES);
    size_t in = (size_t)(pos % DATA_BYTES);
    size_t chunk = DATA_BYTES - in < len - done ? DATA_BYTES - in : len - done;

    if (hmap_get(&e->dirty, DIRTY_TAG(slot), k->objid, index, &v)) {
      memcpy(buf + done, (uint8_t *)(uintptr_t)v + in, chunk);
    } else if (hmap_get(&e->bases[slot].vmap, 0, k->objid, index, &v)) {
      /* A whole page is opened where it goes; a part, through plain. */
      uint8_t *to = chunk == DATA_BYTES ? buf + done : e->plain;

      err = load_page(e, &e->bases[slot], (uint32_t)v, k->objid, index, to);
      if (err == XOUS_OK && to == e->plain)
        memcpy(buf + done, e->plain + in, chunk);
    } else {
      memset(buf + done, 0, chunk);
    }
    done += chunk;
  }
  pddb_wipe(e->plain, DATA_BYTES);
  return err;
}

xous_error_t
pddb_key_read(struct pddb_engine *e, uint32_t owner, uint32_t h,
              uint64_t offset, void *buf, size_t len, size_t *got)
{
  struct key_ent *k;
  unsigned slot;
  xous_error_t err = resolve(e, owner, h, &slot, &k);

  *got = 0;
  if (err != XOUS_OK)
    return err;
  if (offset >= k->len)
    return XOUS_OK;
  if (len > k->len - offset)
    len = (size_t)(k->len - offset);
  /* Nothing changed the key since its read-ahead (that would have
   * dropped it), so its bytes are the key's. */
  if (e->ahead.valid && e->ahead.h == h && e->ahead.owner == owner &&
      offset + len <= e->ahead.len) {
    memcpy(buf, e->ahead.bytes + offset, len);
    ahead_drop(e);
  } else if ((err = read_bytes(e, slot, k, offset, buf, len)) != XOUS_OK) {
    return err;
  }
  *got = len;
  return XOUS_OK;
}

void
pddb_key_read_ahead(struct pddb_engine *e, uint32_t owner, uint32_t h)
{
  struct handle *hd;
  struct key_ent *k;
  unsigned slot;
  bool failed = e->failed;
  size_t n;

  ahead_drop(e);
  /* A key opened to be emptied keeps its value until its first use,
   * which this is not; nor is a write still arriving. */
  if (resolve_handle(e, owner, h, &hd, &slot, &k) != XOUS_OK || hd->truncate ||
      hd->staged > 0 || k->len == 0)
    return;
  n = k->len < PDDB_AHEAD_BYTES ? (size_t)k->len : PDDB_AHEAD_BYTES;
  if (read_bytes(e, slot, k, 0, e->ahead.bytes, n) != XOUS_OK) {
    /* The read itself will meet the damage, and say so then. */
    pddb_wipe(e->ahead.bytes, n);
    e->failed = failed;
    return;
  }
  e->ahead.valid = true;
  e->ahead.owner = owner;
  e->ahead.h = h;
  e->ahead.len = n;
}

/* The cached page (slot, objid, index), made from the image if needed. */
static xous_error_t
dirty_page(struct pddb_engine *e, unsigned slot, uint64_t objid,
           uint32_t index, uint8_t **out)
{
  uint64_t v;
  uint8_t *p;
  bool mapped;
  xous_error_t err;

  if (hmap_get(&e->dirty, DIRTY_TAG(slot), objid, index, &v)) {
    *out = (uint8_t *)(uintptr_t)v;
    return XOUS_OK;
  }
  mapped = hmap_get(&e->bases[slot].vmap, 0, objid, index, &v);
  /* A page the image does not have yet takes a free page at the next
   * sync. Refuse the write now when there is none to spare, keeping a few
   * for the catalog and the free-space list, so that a full image says
   * OutOfMemory to this write and the sync still succeeds, instead of
   * failing a sync half done. */
  if (!mapped && e->nnew + SYNC_RESERVE >= e->nfree)
    return XOUS_OUT_OF_MEMORY;
  if ((p = pddb_alloc(DATA_BYTES)) == NULL)
    return XOUS_OUT_OF_MEMORY;
  if (mapped && (err = load_page(e, &e->bases[slot], (uint32_t)v, objid, index,
                                 p)) != XOUS_OK) {
    pddb_free(p);
    return err;
  }
  if (!hmap_put(&e->dirty, DIRTY_TAG(slot), objid, index, (uintptr_t)p)) {
    pddb_free(p);
    return XOUS_OUT_OF_MEMORY;
  }
  e->ndirty++;
  if (!mapped)
    e->nnew++;
  *out = p;
  return XOUS_OK;
}

/* The pages a write of [from, to) into objid needs that the image does
 * not give it yet (all of them once the key is emptied first). */
static uint32_t
pages_to_make(struct pddb_engine *e, unsigned slot, uint64_t objid,
              uint64_t from, uint64_t to, bool emptied)
{
  uint32_t index, last, n = 0;
  uint64_t v;

  if (to <= from)
    return 0;
  last = (uint32_t)((to - 1) / DATA_BYTES);
  for (index = (uint32_t)(from / DATA_BYTES); index <= last; index++)
    if (emptied || (!hmap_get(&e->dirty, DIRTY_TAG(slot), objid, index, &v) &&
                    !hmap_get(&e->bases[slot].vmap, 0, objid, index, &v)))
      n++;
  return n;
}

/* Copies len bytes at offset into the cached pages of key k. */
static xous_error_t
put_bytes(struct pddb_engine *e, unsigned slot, struct key_ent *k,
          uint64_t offset, const uint8_t *buf, size_t len)
{
  size_t done = 0;
  xous_error_t err;

  ahead_drop(e);
  while (done < len) {
    uint64_t pos = offset + done;
    uint32_t index = (uint32_t)(pos / DATA_BYTES);
    size_t in = (size_t)(pos % DATA_BYTES);
    size_t chunk = DATA_BYTES - in < len - done ? DATA_BYTES - in : len - done;
    uint8_t *p;

    if ((err = dirty_page(e, slot, k->objid, index, &p)) != XOUS_OK)
      return err;
    memcpy(p + in, buf + done, chunk);
    done += chunk;
  }
  if (offset + len > k->len) {
    k->len = offset + len;
    e->bases[slot].catalog_dirty = true;
  }
  return XOUS_OK;
}

/* Keeps a part of a write aside in the handle's stage. */
static xous_error_t
stage_part(struct pddb_engine *e, struct handle *hd, uint64_t offset,
           const void *buf, size_t len)
{
  size_t need = hd->staged + len, cap;
  uint8_t *p;

  if (hd->staged == 0)
    hd->stage_at = offset;
  if (need > hd->stage_cap) {
    cap = hd->stage_cap ? hd->stage_cap : 64u * 1024u;
    while (cap < need)
      cap *= 2;
    if (e->staged_total - hd->stage_cap + cap > STAGE_LIMIT ||
        (p = pddb_alloc(cap)) == NULL)
      return XOUS_OUT_OF_MEMORY;
    if (hd->stage != NULL) {
      memcpy(p, hd->stage, hd->staged);
      pddb_wipe(hd->stage, hd->stage_cap);
      pddb_free(hd->stage);
    }
    e->staged_total += cap - hd->stage_cap;
    hd->stage = p;
    hd->stage_cap = cap;
  }
  memcpy(hd->stage + hd->staged, buf, len);
  hd->staged = need;
  return XOUS_OK;
}

xous_error_t
pddb_key_write_part(struct pddb_engine *e, uint32_t owner, uint32_t h,
                    uint64_t offset, const void *buf, size_t len, bool more)
{
  struct handle *hd;
  struct key_ent *k;
  unsigned slot;
  uint64_t from;
  uint32_t need;
  xous_error_t err = resolve_handle(e, owner, h, &hd, &slot, &k);

  if (err != XOUS_OK)
    goto refused;
  err = XOUS_INVALID_ARGUMENT;
  if (offset > XOUS_PDDB_MAX_VALUE || len > XOUS_PDDB_MAX_VALUE - offset)
    goto refused;
  /* The parts of one write follow each other. */
  if (hd->staged > 0 && offset != hd->stage_at + hd->staged)
    goto refused;
  if (more) {
    if ((err = stage_part(e, hd, offset, buf, len)) != XOUS_OK)
      goto refused;
    return XOUS_OK;
  }
  /* The last part: the whole write lands now, or nothing of it. Only a
   * full image can refuse it, and that is known before anything moves. */
  from = hd->staged > 0 ? hd->stage_at : offset;
  need = pages_to_make(e, slot, k->objid, from, offset + len,
                       hd->truncate && k->len > 0);
  err = XOUS_OUT_OF_MEMORY;
  if (need > 0 && e->nnew + need + SYNC_RESERVE >= e->nfree)
    goto refused;
  err = settle(e, hd, slot, k);
  if (err == XOUS_OK && hd->staged > 0)
    err = put_bytes(e, slot, k, hd->stage_at, hd->stage, hd->staged);
  if (err == XOUS_OK)
    err = put_bytes(e, slot, k, offset, buf, len);
  drop_stage(e, hd);
  if (err != XOUS_OK) {
    /* Out of heap half way: the cache holds half a write, which must
     * never reach the image. The image stays as the last sync left it. */
    e->failed = true;
    return err;
  }
  if (e->ndirty >= DIRTY_LIMIT)
    return pddb_sync(e);
  return XOUS_OK;
refused:
  if (hd != NULL)
    drop_stage(e, hd);
  return err;
}

xous_error_t
pddb_key_write(struct pddb_engine *e, uint32_t owner, uint32_t h,
               uint64_t offset, const void *buf, size_t len)
{
  return pddb_key_write_part(e, owner, h, offset, buf, len, false);
}

xous_error_t
pddb_key_truncate(struct pddb_engine *e, uint32_t owner, uint32_t h,
                  uint64_t len)
{
  struct key_ent *k;
  unsigned slot;
  xous_error_t err = resolve(e, owner, h, &slot, &k);
  uint32_t keep;

  if (err != XOUS_OK)
    return err;
  if (len > XOUS_PDDB_MAX_VALUE)
    return XOUS_INVALID_ARGUMENT;
  ahead_drop(e);
  if (len < k->len) {
    keep = (uint32_t)((len + DATA_BYTES - 1) / DATA_BYTES);
    if ((err = drop_pages(e, slot, k->objid, keep, k->len)) != XOUS_OK)
      return err;
    if (len % DATA_BYTES != 0) {
      uint8_t *p;

      /* Bytes past the end read as zeros if the key grows again. */
      if ((err = dirty_page(e, slot, k->objid, keep - 1, &p)) != XOUS_OK)
        return err;
      memset(p + len % DATA_BYTES, 0, DATA_BYTES - len % DATA_BYTES);
    }
  }
  if (len != k->len) {
    k->len = len;
    e->bases[slot].catalog_dirty = true;
  }
  return XOUS_OK;
}

xous_error_t
pddb_key_stat(struct pddb_engine *e, uint32_t owner, uint32_t h, uint64_t *len,
              const char **basis)
{
  struct key_ent *k;
  unsigned slot;
  xous_error_t err = resolve(e, owner, h, &slot, &k);

  if (err != XOUS_OK)
    return err;
  *len = k->len;
  if (basis != NULL)
    *basis = e->bases[slot].name;
  return XOUS_OK;
}

xous_error_t
pddb_key_close(struct pddb_engine *e, uint32_t owner, uint32_t h)
{
  struct handle *hd = handle_of(e, owner, h);
  struct key_ent *k;
  unsigned slot;

  if (hd == NULL)
    return XOUS_INVALID_ARGUMENT;
  if (e->ahead.h == h && e->ahead.owner == owner)
    ahead_drop(e);
  /* A key opened to be emptied and closed unwritten is empty now; a write
   * whose last part never came is dropped. */
  if (resolve_handle(e, owner, h, NULL, &slot, &k) == XOUS_OK)
    (void)settle(e, hd, slot, k);
  drop_stage(e, hd);
  memset(hd, 0, sizeof *hd);
  return XOUS_OK;
}

void
pddb_close_owner(struct pddb_engine *e, uint32_t owner)
{
  uint32_t i;

  /* The owner went away: what it had not finished writing is dropped,
   * and keys it meant to empty keep their values. */
  if (e->ahead.owner == owner)
    ahead_drop(e);
  for (i = 0; i < MAX_HANDLES; i++)
    if (e->handles[i].used && e->handles[i].owner == owner) {
      drop_stage(e, &e->handles[i]);
      drop_tentative(e, &e->handles[i]);
      memset(&e->handles[i], 0, sizeof e->handles[i]);
    }
}

bool
pddb_handles_full(const struct pddb_engine *e)
{
  uint32_t i;

  for (i = 0; i < MAX_HANDLES; i++)
    if (!e->handles[i].used)
      return false;
  return true;
}

uint32_t
pddb_handle_owners(const struct pddb_engine *e, uint32_t *out, uint32_t max)
{
  uint32_t i, j, n = 0;

  for (i = 0; i < MAX_HANDLES && n < max; i++) {
    if (!e->handles[i].used)
      continue;
    for (j = 0; j < n && out[j] != e->handles[i].owner; j++)
      ;
    if (j == n)
      out[n++] = e->handles[i].owner;
  }
  return n;
}
