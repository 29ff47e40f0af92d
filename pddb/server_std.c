/*
 * The std family on the engine (server_std.h). Requests are senres v1
 * records in the lent page; answers overwrite the page with a record of
 * the answer's fourcc. A lend answers ReturnMemory with offset 0 for
 * success or a PddbRetcode, as the real server does; SeekKeyStd and
 * CloseKeyStd answer Scalar2 for success and Scalar1(retcode) otherwise.
 *
 * File descriptors are the real server's: per process, small numbers,
 * the lowest free one first; each holds an engine handle owned by the
 * process, the current position and the length seen at open.
 *
 * Paths are the real ones: "dict:key" searches every open basis, the
 * most recently unlocked first; ":basis:dict:key" names the basis;
 * "::dict:key" means the most recently unlocked basis. The key is what
 * follows the last ':'.
 */
#include <string.h>

#include <xous/pddb.h>

#include "senres.h"
#include "server_std.h"

#define MAX_FDS 256

struct std_fd {
  bool used;
  xous_pid_t pid;
  uint16_t fd;
  uint32_t handle;
  uint64_t offset, length;
};

static struct std_fd fds[MAX_FDS];

/* A path split: names NUL terminated, "" when absent. */
struct path {
  bool has_basis, has_rest;
  char basis[XOUS_PDDB_MAX_BASIS_NAME + 1];
  char rest[XOUS_PDDB_MAX_DICT_NAME + 1 + XOUS_PDDB_MAX_KEY_NAME + 1];
};

/* Copies the n bytes of s to dst (cap bytes) and says the name is there;
 * false for one the engine could not hold. */
static bool
take_name(char *dst, size_t cap, bool *has, const uint8_t *s, size_t n)
{
  *has = true;
  return pddb_name_copy(dst, cap, s, n);
}

static bool
ends_in_colon(bool has, const char *name)
{
  return has && name[0] != '\0' && name[strlen(name) - 1] == ':';
}

/* split_basis_and_dict of the real server; false for an invalid path:
 * ":basis:rest", ":basis", "::rest" (the latest basis) or "rest". */
static bool
split_path(struct pddb_engine *e, const uint8_t *s, size_t n, struct path *p)
{
  const uint8_t *colon;
  size_t bn;

  memset(p, 0, sizeof *p);
  if (n == 0 || s[0] != ':') {
    if (!take_name(p->rest, sizeof p->rest, &p->has_rest, s, n))
      return false;
  } else {
    s++, n--;
    colon = memchr(s, ':', n);
    bn = colon != NULL ? (size_t)(colon - s) : n;
    if (bn > 0 && !take_name(p->basis, sizeof p->basis, &p->has_basis, s, bn))
      return false;
    if (colon != NULL && bn == 0) {
      p->has_basis = true;
      strcpy(p->basis, pddb_latest_basis(e));
    }
    if (colon != NULL && n > bn + 1 &&
        !take_name(p->rest, sizeof p->rest, &p->has_rest, s + bn + 1,
                   n - bn - 1))
      return false;
  }
  return !ends_in_colon(p->has_basis, p->basis) &&
         !ends_in_colon(p->has_rest, p->rest);
}

static const char *
basis_of(const struct path *p)
{
  return p->has_basis ? p->basis : NULL;
}

/* Splits rest into dict and key at the last ':'; false when none. */
static bool
split_key(struct path *p, char **dict, char **key)
{
  char *c = strrchr(p->rest, ':');

  if (!p->has_rest || c == NULL)
    return false;
  *c = '\0';
  *dict = p->rest;
  *key = c + 1;
  return true;
}

static struct std_fd *
fd_of(xous_pid_t pid, xous_word_t fd)
{
  int i;

  for (i = 0; i < MAX_FDS; i++)
    if (fds[i].used && fds[i].pid == pid && fds[i].fd == fd)
      return &fds[i];
  return NULL;
}

/* The engine's error as the real server's PddbRetcode for a file call. */
static unsigned
retcode(xous_error_t err)
{
  switch (err) {
  case XOUS_OK:
    return 0;
  case XOUS_NOT_FOUND:
  case XOUS_UNAVAILABLE:
    return XOUS_PDDB_RC_BASIS_LOST;
  case XOUS_INVALID_ARGUMENT:
    return XOUS_PDDB_RC_UNEXPECTED_EOF;
  case XOUS_OUT_OF_MEMORY:
    return XOUS_PDDB_RC_DISK_FULL;
  default:
    return XOUS_PDDB_RC_INTERNAL_ERROR;
  }
}

/* ---- names and lists ---------------------------------------------------- */

/* A list answer being written: the names so far, and for ListPathStd
 * (see path_key) what it lists and the kind byte after each name. */
struct list_out {
  struct xous__senres_writer *w;
  uint32_t count;
  int kind; /* the byte put_name() writes after a name; -1: none */
  struct pddb_engine *e;
  const char *basis, *dict;
  size_t dict_len;
};

static void
put_entry(struct list_out *l, const char *name, int kind)
{
  xous__senres_put_str(l->w, name, strlen(name));
  if (kind >= 0)
    xous__senres_put_u8(l->w, (uint8_t)kind);
  l->count++;
}

static void
put_name(const char *name, uint64_t len, const char *basis, void *ctx)
{
  struct list_out *l = ctx;

  (void)len;
  (void)basis;
  put_entry(l, name, l->kind);
}

static unsigned
list_reply(struct pddb_engine *e, uint8_t *page, size_t cap,
           const char *fourcc, int what, const char *basis, const char *dict)
{
  struct xous__senres_writer w;
  struct list_out l = { &w, 0, -1, NULL, NULL, NULL, 0 };
  size_t at;
  xous_error_t err;

  xous__senres_write_begin(&w, page, cap, fourcc);
  at = xous__senres_reserve_u32(&w);
  if (what == 0)
    err = pddb_list_bases(e, put_name, &l);
  else if (what == 1)
    err = pddb_list_dicts(e, basis, put_name, &l);
  else
    err = pddb_list_keys(e, basis, dict, put_name, &l);
  if (err == XOUS_NOT_FOUND && what == 1)
    err = XOUS_OK; /* the real one lists nothing for a closed basis */
  if (err != XOUS_OK || w.overflow)
    return XOUS_PDDB_RC_INTERNAL_ERROR;
  xous__senres_patch_u32(&w, at, l.count);
  return 0;
}

/* Reads an Option<String> basis into out; false on a bad record. */
static bool
get_opt_basis(struct xous__senres_reader *r, char *out, bool *has)
{
  const uint8_t *s;
  size_t n;

  *has = xous__senres_get_some(r);
  if (r->failed)
    return false;
  if (!*has)
    return true;
  return xous__senres_get_str(r, &s, &n) &&
         pddb_name_copy(out, XOUS_PDDB_MAX_BASIS_NAME + 1, s, n);
}

/* ListPathStd: the keys of a dict (2, or 3 when a dict of that name
 * exists too) and its child dicts (1), or the bases (0). */
static void
path_key(const char *name, uint64_t len, const char *basis, void *ctx)
{
  struct list_out *l = ctx;

  (void)len;
  (void)basis;
  /* A key that is also a dict's full name is a DictKey. */
  put_entry(l, name, pddb_exists(l->e, l->basis, name, NULL) ? 3 : 2);
}

static void
path_child(const char *name, uint64_t len, const char *basis, void *ctx)
{
  struct list_out *l = ctx;
  const char *tail;

  (void)len;
  (void)basis;
  /* Children of "" (the root) have no ':' and, as in the real server,
   * are not listed; children of d are "d:x" without a further ':'. */
  if (l->dict_len == 0 || strncmp(name, l->dict, l->dict_len) != 0 ||
      name[l->dict_len] != ':')
    return;
  tail = name + l->dict_len + 1;
  if (*tail == '\0' || strchr(tail, ':') != NULL ||
      pddb_exists(l->e, l->basis, l->dict, tail))
    return;
  put_entry(l, tail, 1);
}

static unsigned
list_path(struct pddb_engine *e, uint8_t *page, size_t cap,
          const struct path *p)
{
  struct xous__senres_writer w;
  struct list_out l = { &w, 0, 0, e, basis_of(p), p->rest, strlen(p->rest) };
  size_t at;

  xous__senres_write_begin(&w, page, cap, "PthR");
  at = xous__senres_reserve_u32(&w);
  if (!p->has_basis && !p->has_rest) {
    (void)pddb_list_bases(e, put_name, &l);
  } else {
    if (p->rest[0] != '\0')
      (void)pddb_list_keys(e, l.basis, p->rest, path_key, &l);
    (void)pddb_list_dicts(e, l.basis, path_child, &l);
  }
  if (w.overflow)
    return XOUS_PDDB_RC_INTERNAL_ERROR;
  xous__senres_patch_u32(&w, at, l.count);
  return 0;
}

static unsigned
stat_path(struct pddb_engine *e, uint8_t *page, size_t cap, struct path *p)
{
  struct xous__senres_writer w;
  char *dict, *key;
  bool is_dict, is_key = false;
  uint8_t kind;

  xous__senres_write_begin(&w, page, cap, "StaR");
  if (!p->has_basis && !p->has_rest) {
    xous__senres_put_u8(&w, 4);
    return 0;
  }
  if (p->has_basis && !p->has_rest) {
    bool open = pddb_basis_is_open(e, p->basis);

    xous__senres_put_u8(&w, open ? 0 : 4);
    if (open)
      xous__senres_put_u64(&w, 0);
    return 0;
  }
  if (p->rest[0] == '\0') {
    xous__senres_put_u8(&w, 1);
    return 0;
  }
  is_dict = pddb_exists(e, basis_of(p), p->rest, NULL);
  if (split_key(p, &dict, &key))
    is_key = pddb_exists(e, basis_of(p), dict, key);
  kind = is_dict ? (is_key ? 3 : 1) : (is_key ? 2 : 4);
  xous__senres_put_u8(&w, kind);
  xous__senres_put_u64(&w, 0);
  return 0;
}

/* ---- keys ------------------------------------------------------------------ */

bool
xous__pddb_std_handle(xous_pid_t pid, xous_word_t fd, uint32_t *handle)
{
  struct std_fd *f = fd <= 0xffff ? fd_of(pid, fd) : NULL;

  if (f == NULL)
    return false;
  *handle = f->handle;
  return true;
}

void
xous__pddb_std_forget(xous_pid_t pid)
{
  int i;

  for (i = 0; i < MAX_FDS; i++)
    if (fds[i].used && fds[i].pid == pid)
      fds[i].used = false;
}

static int
free_slot(void)
{
  int i;

  for (i = 0; i < MAX_FDS; i++)
    if (!fds[i].used)
      return i;
  return -1;
}

/* OpenKeyStd; *ahead gets the handle of a key opened only to be read
 * (no create, truncate or append: what std's File::open sends), whose
 * first bytes are worth reading ahead once the open is answered, or 0. */
static unsigned
open_key(struct pddb_engine *e, xous_pid_t pid, uint8_t *page, size_t cap,
         uint32_t *ahead)
{
  struct xous__senres_reader r;
  struct xous__senres_writer w;
  struct path p;
  const uint8_t *s;
  size_t n;
  bool create_file, create_path, create_new, append, truncate;
  char *dict, *key;
  unsigned flags = 0;
  uint32_t h;
  uint64_t len;
  const char *bname;
  xous_error_t err;
  int slot;
  uint16_t fd;

  /* SAFETY: the record is read field by field with bounds checks; the
   * names are copied out before the page is written again. */
  if (!xous__senres_read_begin(&r, page, cap, "KyOQ") ||
      !xous__senres_get_str(&r, &s, &n))
    return XOUS_PDDB_RC_INTERNAL_ERROR;
  create_file = xous__senres_get_bool(&r);
  create_path = xous__senres_get_bool(&r);
  create_new = xous__senres_get_bool(&r);
  append = xous__senres_get_bool(&r);
  truncate = xous__senres_get_bool(&r);
  (void)xous__senres_get_u64(&r); /* alloc_hint */
  if (xous__senres_get_some(&r))
    (void)xous__senres_get_u32(&r), (void)xous__senres_get_u32(&r),
        (void)xous__senres_get_u32(&r), (void)xous__senres_get_u32(&r);
  if (r.failed)
    return XOUS_PDDB_RC_INTERNAL_ERROR;
  if (!split_path(e, s, n, &p))
    return XOUS_PDDB_RC_BASIS_LOST;
  if (!p.has_rest)
    return XOUS_PDDB_RC_BASIS_LOST;
  if (!split_key(&p, &dict, &key))
    return XOUS_PDDB_RC_ACCESS_DENIED;
  bname = basis_of(&p);
  /* As the real server: a missing dictionary is made only with
   * create_path (std's File::create does not set it), and then even when
   * the key is not to be made, whose open fails all the same. */
  if (!pddb_exists(e, bname, dict, NULL)) {
    if (!create_path)
      return XOUS_PDDB_RC_BASIS_LOST;
    if (!create_file && !create_new) {
      (void)pddb_dict_create(e, bname, dict);
      return XOUS_PDDB_RC_BASIS_LOST;
    }
  }
  if (create_new && pddb_exists(e, bname, dict, key))
    return XOUS_PDDB_RC_DISK_FULL;
  if (create_file || create_new)
    flags |= XOUS_PDDB_CREATE;
  if (truncate)
    flags |= XOUS_PDDB_TRUNCATE;
  /* Full: what ended processes left open is freed first. */
  if ((slot = free_slot()) < 0 || pddb_handles_full(e)) {
    xous__pddb_reclaim(pid);
    slot = free_slot();
  }
  if (slot < 0)
    return XOUS_PDDB_RC_DISK_FULL;
  for (fd = 0; fd_of(pid, fd) != NULL; fd++)
    ;
  err = pddb_key_open(e, bname, dict, key, flags, pid, &h);
  if (err != XOUS_OK)
    return err == XOUS_NOT_FOUND || err == XOUS_INVALID_STRING
               ? XOUS_PDDB_RC_BASIS_LOST
               : retcode(err);
  if (truncate)
    len = 0;
  else if (pddb_key_stat(e, pid, h, &len, &bname) != XOUS_OK)
    len = 0;
  fds[slot] = (struct std_fd){ true, pid, fd, h, append ? len : 0, len };
  if (!create_file && !create_new && !append && !truncate && len > 0)
    *ahead = h;
  xous__senres_write_begin(&w, page, cap, "KyOR");
  xous__senres_put_u16(&w, fd);
  xous__senres_put_u64(&w, len);
  return 0;
}

static unsigned
read_key(struct pddb_engine *e, struct std_fd *f, uint8_t *page, size_t want,
         size_t *got)
{
  xous_error_t err;

  err = pddb_key_read(e, f->pid, f->handle, f->offset, page, want, got);
  if (err != XOUS_OK)
    return retcode(err);
  f->offset += *got;
  return 0;
}

static unsigned
write_key(struct pddb_engine *e, struct std_fd *f, const uint8_t *page,
          size_t n)
{
  xous_error_t err;

  /* SAFETY: value bytes are opaque; the engine copies them once. */
  err = pddb_key_write(e, f->pid, f->handle, f->offset, page, n);
  if (err != XOUS_OK)
    return retcode(err);
  f->offset += n;
  if (f->offset > f->length)
    f->length = f->offset;
  return 0;
}

static unsigned
delete_key(struct pddb_engine *e, uint8_t *page, size_t cap)
{
  struct xous__senres_reader r;
  struct path p;
  const uint8_t *s;
  size_t n;
  char *dict, *key;

  if (!xous__senres_read_begin(&r, page, cap, "RmKQ") ||
      !xous__senres_get_str(&r, &s, &n))
    return XOUS_PDDB_RC_BASIS_LOST;
  if (!split_path(e, s, n, &p) || !p.has_rest || !split_key(&p, &dict, &key))
    return XOUS_PDDB_RC_ACCESS_DENIED;
  if (pddb_key_delete(e, basis_of(&p), dict, key) != XOUS_OK)
    return XOUS_PDDB_RC_UNEXPECTED_EOF;
  return 0;
}

static void
count_one(const char *name, uint64_t len, const char *basis, void *ctx)
{
  (void)name;
  (void)len;
  (void)basis;
  ++*(uint32_t *)ctx;
}

/* Reads a request of fourcc that is a path alone into *p; false on a
 * bad record or a path the engine could not hold. */
static bool
read_path(struct pddb_engine *e, uint8_t *page, size_t cap, const char *fourcc,
          struct path *p)
{
  struct xous__senres_reader r;
  const uint8_t *s;
  size_t n;

  return xous__senres_read_begin(&r, page, cap, fourcc) &&
         xous__senres_get_str(&r, &s, &n) && split_path(e, s, n, p);
}

static unsigned
delete_dict(struct pddb_engine *e, uint8_t *page, size_t cap)
{
  struct path p;
  uint32_t keys = 0;

  if (!read_path(e, page, cap, "RmDQ", &p) || !p.has_rest)
    return XOUS_PDDB_RC_INTERNAL_ERROR;
  /* The real server removes only an empty dict. */
  if (pddb_list_keys(e, basis_of(&p), p.rest, count_one, &keys) == XOUS_OK &&
      keys > 0)
    return XOUS_PDDB_RC_DISK_FULL;
  if (pddb_dict_delete(e, basis_of(&p), p.rest) != XOUS_OK)
    return XOUS_PDDB_RC_INTERNAL_ERROR;
  return 0;
}

/* CreateDictStd: a dictionary that exists already is an error, as the
 * real server's dict_add makes it one. */
static unsigned
create_dict(struct pddb_engine *e, uint8_t *page, size_t cap)
{
  struct path p;

  if (!read_path(e, page, cap, "NuDQ", &p) || !p.has_rest)
    return XOUS_PDDB_RC_INTERNAL_ERROR;
  if (pddb_dict_create(e, basis_of(&p), p.rest) != XOUS_OK)
    return XOUS_PDDB_RC_INTERNAL_ERROR;
  return 0;
}

/* ---- dispatch ------------------------------------------------------------ */

static void
serve_scalar(struct pddb_engine *e, const xous_envelope_t *env, unsigned op,
             xous_word_t fdno)
{
  const xous_scalar_msg_t *m = &env->body.scalar;
  xous_pid_t pid = xous_sender_pid(env->sender);
  struct std_fd *f = fd_of(pid, fdno);
  uint64_t by, point, to;
  bool blocking = env->body.kind == XOUS_MSG_BLOCKING_SCALAR;
  xous_error_t err;

  if (op == XOUS_PDDB_WRITE_KEY_FLUSH) {
    err = pddb_sync(e);
    if (blocking)
      (void)xous_return_scalar1(env->sender,
                                err == XOUS_OK ? XOUS_PDDB_RC_OK
                                : err == XOUS_OUT_OF_MEMORY
                                    ? XOUS_PDDB_RC_DISK_FULL
                                    : XOUS_PDDB_RC_INTERNAL_ERROR);
    return;
  }
  if (op == XOUS_PDDB_CLOSE_KEY_STD) {
    /* The answer does not wait for the close: it cannot fail, and the
     * caller's next request is served after it all the same. */
    if (blocking) {
      if (f != NULL)
        (void)xous_return_scalar2(env->sender, 0, 0);
      else
        (void)xous_return_scalar1(env->sender, XOUS_PDDB_RC_UNEXPECTED_EOF);
    }
    if (f != NULL) {
      (void)pddb_key_close(e, pid, f->handle);
      f->used = false;
    }
    return;
  }
  /* SeekKeyStd: arg1 whence (0 start, 1 current, 2 end), the distance
   * in arg2 (low word) and arg3 (high word), as the real server reads
   * them. */
  by = (uint64_t)(uint32_t)m->arg3 << 32 | (uint32_t)m->arg2;
  if (f == NULL || m->arg1 > 2) {
    if (blocking)
      (void)xous_return_scalar1(env->sender, XOUS_PDDB_RC_UNEXPECTED_EOF);
    return;
  }
  point = m->arg1 == 0 ? 0 : m->arg1 == 1 ? f->offset : f->length;
  if ((int64_t)by < 0 ? point < (uint64_t)0 - by : point + by < point) {
    if (blocking)
      (void)xous_return_scalar1(env->sender, XOUS_PDDB_RC_UNEXPECTED_EOF);
    return;
  }
  to = point + by;
  f->offset = to;
  if (blocking)
    (void)xous_return_scalar2(env->sender, (xous_word_t)(uint32_t)to,
                              (xous_word_t)(to >> 32));
}

/* The native scalar calls whose answer the desktop knows: the image is
 * mounted from the start (IsMounted, TryMount, MountAttempted answer
 * Scalar2(0, 0), "mounted"), and there are no eFuses (IsEfuseSecured
 * answers 0). True when op is one of them. */
static bool
serve_mount_scalar(const xous_envelope_t *env, unsigned op)
{
  if (op != XOUS_PDDB_IS_MOUNTED && op != XOUS_PDDB_TRY_MOUNT &&
      op != XOUS_PDDB_MOUNT_ATTEMPTED && op != XOUS_PDDB_IS_EFUSE_SECURED)
    return false;
  if (env->body.kind == XOUS_MSG_BLOCKING_SCALAR) {
    if (op == XOUS_PDDB_IS_EFUSE_SECURED)
      (void)xous_return_scalar1(env->sender, 0);
    else
      (void)xous_return_scalar2(env->sender, 0, 0);
  } else if (env->body.kind == XOUS_MSG_LEND ||
             env->body.kind == XOUS_MSG_LEND_MUT) {
    (void)xous_return_memory(env->sender, env->body.memory.buf,
                             XOUS_PDDB_RC_INTERNAL_ERROR, 0);
  } else if (env->body.kind == XOUS_MSG_SEND) {
    (void)xous_unmap_memory(env->body.memory.buf);
  }
  return true;
}

bool
xous__pddb_std_serve(struct pddb_engine *e, const xous_envelope_t *env)
{
  const xous_memory_msg_t *mm = &env->body.memory;
  xous_word_t id = env->body.kind >= XOUS_MSG_SCALAR ? env->body.scalar.id
                                                     : mm->id;
  unsigned op = (unsigned)(id & 0xffff), rc = 0;
  xous_word_t fdno = (id >> 16) & 0xffff;
  xous_pid_t pid = xous_sender_pid(env->sender);
  struct xous__senres_reader r;
  struct std_fd *f;
  size_t cap, valid, got = 0, offset;
  uint32_t ahead = 0;
  char basis[XOUS_PDDB_MAX_BASIS_NAME + 1], dict[XOUS_PDDB_MAX_DICT_NAME + 1];
  const char *latest;
  bool has;
  uint8_t *page;
  struct path p;
  const uint8_t *s;
  size_t n;

  if (serve_mount_scalar(env, op))
    return true;
  if (op != XOUS_PDDB_WRITE_KEY_FLUSH &&
      (op < XOUS_PDDB_LIST_BASIS_STD || op > XOUS_PDDB_DELETE_DICT_STD ||
       op == 33))
    return false;
  if (env->body.kind >= XOUS_MSG_SCALAR) {
    if (op == XOUS_PDDB_WRITE_KEY_FLUSH || op == XOUS_PDDB_CLOSE_KEY_STD ||
        op == XOUS_PDDB_SEEK_KEY_STD)
      serve_scalar(e, env, op, fdno);
    else if (env->body.kind == XOUS_MSG_BLOCKING_SCALAR)
      (void)xous_return_scalar1(env->sender, XOUS_PDDB_RC_INTERNAL_ERROR);
    return true;
  }
  if (env->body.kind == XOUS_MSG_SEND) {
    (void)xous_unmap_memory(mm->buf);
    return true;
  }
  page = mm->buf.addr;
  cap = mm->buf.len;
  if (page == NULL || cap < 8) {
    (void)xous_return_memory(env->sender, mm->buf, XOUS_PDDB_RC_INTERNAL_ERROR,
                             0);
    return true;
  }
  /* SAFETY: a plain Lend cannot be written back: only WriteKeyStd (whose
   * bytes are only read) is served from one; the rest needs the answer. */
  if (env->body.kind == XOUS_MSG_LEND && op != XOUS_PDDB_WRITE_KEY_STD) {
    (void)xous_return_memory(env->sender, mm->buf, XOUS_PDDB_RC_INTERNAL_ERROR,
                             0);
    return true;
  }
  offset = 0;
  valid = mm->valid;
  switch (op) {
  case XOUS_PDDB_LIST_BASIS_STD:
    if (!xous__senres_read_begin(&r, page, cap, "basQ"))
      rc = XOUS_PDDB_RC_INTERNAL_ERROR;
    else
      rc = list_reply(e, page, cap, "basR", 0, NULL, NULL);
    break;
  case XOUS_PDDB_LIST_DICT_STD:
    if (!xous__senres_read_begin(&r, page, cap, "LiDQ") ||
        !get_opt_basis(&r, basis, &has))
      rc = XOUS_PDDB_RC_INTERNAL_ERROR;
    else
      rc = list_reply(e, page, cap, "LiDR", 1, has ? basis : NULL, NULL);
    break;
  case XOUS_PDDB_LIST_KEY_STD:
    if (!xous__senres_read_begin(&r, page, cap, "LiKQ") ||
        !get_opt_basis(&r, basis, &has) || !xous__senres_get_str(&r, &s, &n) ||
        !pddb_name_copy(dict, sizeof dict, s, n))
      rc = XOUS_PDDB_RC_INTERNAL_ERROR;
    else
      rc = list_reply(e, page, cap, "LiKR", 2, has ? basis : NULL, dict);
    break;
  case XOUS_PDDB_OPEN_KEY_STD:
    rc = open_key(e, pid, page, cap, &ahead);
    break;
  case XOUS_PDDB_READ_KEY_STD:
  case XOUS_PDDB_WRITE_KEY_STD:
    /* SAFETY: valid (the bytes wanted or given) is checked against the
     * lent range before any byte is touched. */
    if ((f = fd_of(pid, fdno)) == NULL || mm->valid > cap) {
      rc = XOUS_PDDB_RC_UNEXPECTED_EOF;
    } else if (op == XOUS_PDDB_READ_KEY_STD) {
      rc = read_key(e, f, page, mm->valid, &got);
      valid = got;
    } else {
      rc = write_key(e, f, page, mm->valid);
      valid = mm->valid;
    }
    if (rc == XOUS_PDDB_RC_UNEXPECTED_EOF && f != NULL &&
        pddb_key_stat(e, pid, f->handle, &(uint64_t){ 0 },
                      &(const char *){ NULL }) == XOUS_INVALID_ARGUMENT)
      f->used = false; /* the engine let the handle go (its owner ended) */
    break;
  case XOUS_PDDB_DELETE_KEY_STD:
    rc = delete_key(e, page, cap);
    break;
  case XOUS_PDDB_LATEST_BASIS_STD:
    /* The name's bytes, unframed; the offset word carries its length. */
    latest = pddb_latest_basis(e);
    offset = strlen(latest) < cap ? strlen(latest) : cap;
    memcpy(page, latest, offset);
    (void)xous_return_memory(env->sender, mm->buf, offset, mm->valid);
    return true;
  case XOUS_PDDB_LIST_PATH_STD:
  case XOUS_PDDB_STAT_PATH_STD:
    if (!read_path(e, page, cap,
                   op == XOUS_PDDB_LIST_PATH_STD ? "PthQ" : "StaQ", &p))
      rc = XOUS_PDDB_RC_INTERNAL_ERROR;
    else if (op == XOUS_PDDB_LIST_PATH_STD)
      rc = list_path(e, page, cap, &p);
    else
      rc = stat_path(e, page, cap, &p);
    break;
  case XOUS_PDDB_DELETE_DICT_STD:
    rc = delete_dict(e, page, cap);
    break;
  case XOUS_PDDB_CREATE_DICT_STD:
    rc = create_dict(e, page, cap);
    break;
  default:
    /* CreateBasisStd: the real server does not implement it. */
    rc = XOUS_PDDB_RC_INTERNAL_ERROR;
    break;
  }
  (void)xous_return_memory(env->sender, mm->buf, rc, valid);
  /* While the caller takes the answer and asks for the read. */
  if (ahead != 0 && rc == 0)
    pddb_key_read_ahead(e, pid, ahead);
  return true;
}
