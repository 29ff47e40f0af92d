/*
 * The native key API's dispatch and its basis calls (server_native.h).
 *
 * Every rkyv opcode is a MutableLend of pages holding an archive of
 * `used` bytes (the offset word); the server copies the archive once,
 * reads the copy, writes its answer into the page as the real server's
 * Buffer::replace does, and returns the page with offset = the answer's
 * used and valid as it came. What the desktop does where a device would
 * not, and why:
 *  - a request that does not decode comes back unchanged (the real
 *    server panics); its code is still the caller's Uninit;
 *  - a plain Lend comes back unchanged (the answer cannot be written), a
 *    Move is unmapped, a BlockingScalar answers Scalar1(InternalError 5)
 *    and a Scalar is dropped;
 *  - the password of CreateBasis and OpenBasis is what a gen2 device
 *    uses: the basis_key, as 64 lowercase hex digits. Without a key a
 *    gen1 device asks through its GUI; the desktop has none and answers
 *    InternalError;
 *  - CreateBasis leaves the basis locked, as the real one does ("creating
 *    a basis does not automatically open it");
 *  - the retention policy of OpenBasis is accepted and has no effect:
 *    the desktop never sleeps.
 */
#include <string.h>

#include <xous/pddb.h>

#include "server_native.h"
#include "server_native_int.h"

/* The real opcodes of the native API. */
enum native_opcode {
  OP_LIST_BASIS = 2,
  OP_LATEST_BASIS = 3,
  OP_CREATE_BASIS = 4,
  OP_OPEN_BASIS = 5,
  OP_CLOSE_BASIS = 6,
  OP_DELETE_BASIS = 7,
  OP_DELETE_KEY = 8,
  OP_DELETE_DICT = 9,
  OP_KEY_ATTRIBUTES = 10,
  OP_KEY_COUNT_IN_DICT = 11,
  OP_GET_KEY_NAME_AT_INDEX = 12, /* gone from the real server */
  OP_DICT_COUNT_IN_BASIS = 13,
  OP_GET_DICT_NAME_AT_INDEX = 14,
  OP_KEY_REQUEST = 15,
  OP_READ_KEY = 16,
  OP_WRITE_KEY = 17,
  OP_KEY_DROP = 20,
  OP_LIST_KEY_V2 = 45,
  OP_DICT_BULK_READ = 52,
  /* The device's own (server_native_misc.c) that take a page. */
  OP_REKEY_PDDB = 42,
  OP_BASIS_MONITOR = 54,
  OP_DICT_BULK_DELETE = 55,
};

/* The copy of a request's archive; wiped after each request, since a
 * basis request carries a key. */
static uint8_t archive[XOUS__PDDB_NATIVE_ARCHIVE_MAX];
/* The password made from a basis key, in secret memory once made. */
static char *hex_password;
#define HEX_PASSWORD_LEN (2 * XOUS__PDDB_BASIS_KEY_BYTES)

bool
xous__native_cname(char *dst, size_t cap, const struct xous__pddb_text *t)
{
  return pddb_name_copy(dst, cap, t->s, t->len);
}

struct xous__pddb_text
xous__native_text(const char *s)
{
  struct xous__pddb_text t = { (const uint8_t *)s, strlen(s) };

  return t;
}

/* ---- bases ------------------------------------------------------------------ */

static void
add_basis(const char *name, uint64_t len, const char *basis, void *ctx)
{
  struct xous__native_bases *b = ctx;

  (void)len;
  (void)basis;
  if (b->n < XOUS_PDDB_MAX_OPEN_BASES &&
      strlen(name) <= XOUS_PDDB_MAX_BASIS_NAME)
    strcpy(b->names[b->n++], name);
}

void
xous__native_open_bases(struct pddb_engine *e, struct xous__native_bases *b)
{
  b->n = 0;
  (void)pddb_list_bases(e, add_basis, b);
}

/* ListBasis: the open bases in the order the real server keeps them,
 * the first opened (the System basis) first. */
static void
list_basis(struct xous__native_req *r)
{
  struct xous__pddb_text names[XOUS__PDDB_BASIS_LIST_LEN];
  struct xous__native_bases b;
  uint32_t num;
  size_t i;

  if (xous__pddb_basis_list_read(r->arch, r->used, names, &num) != XOUS_OK)
    return;
  xous__native_open_bases(r->e, &b);
  for (i = 0; i < b.n; i++)
    names[i] = xous__native_text(b.names[b.n - 1 - i]);
  (void)xous__pddb_basis_list_write(r->page, r->cap, names, b.n, (uint32_t)b.n,
                                    &r->answer_used);
}

/* The password a gen2 device makes of a basis key. */
static const char *
password_of(const uint8_t key[XOUS__PDDB_BASIS_KEY_BYTES])
{
  static const char digits[] = "0123456789abcdef";
  size_t i;

  if (hex_password == NULL &&
      (hex_password = pddb_secure_alloc(HEX_PASSWORD_LEN + 1)) == NULL)
    return NULL;
  for (i = 0; i < XOUS__PDDB_BASIS_KEY_BYTES; i++) {
    hex_password[2 * i] = digits[key[i] >> 4];
    hex_password[2 * i + 1] = digits[key[i] & 15];
  }
  hex_password[HEX_PASSWORD_LEN] = '\0';
  return hex_password;
}

/* The password of a request of code that carries a key; NULL for any
 * other request. */
static const char *
password_for(const struct xous__pddb_basis_request *m, uint8_t code)
{
  return m->code == code && m->has_key ? password_of(m->key) : NULL;
}

/* An engine error and the code the real server answers it with. */
struct answer {
  xous_error_t err;
  uint8_t code;
};

/* The code of err in answers (ending in XOUS_OK's); any other error is
 * an internal one. */
static uint8_t
code_of(xous_error_t err, const struct answer *answers)
{
  for (; answers->err != XOUS_OK; answers++)
    if (answers->err == err)
      return answers->code;
  return err == XOUS_OK ? answers->code : XOUS__PDDB_REQ_INTERNAL_ERROR;
}

/* CreateBasis (made, then locked again) or
 * OpenBasis, with the password made from the request's key. */
static uint8_t
create_or_open_basis(struct pddb_engine *e, const char *name,
                     const struct xous__pddb_basis_request *m, bool create)
{
  static const struct answer created[] = {
    { XOUS_SERVER_EXISTS, XOUS__PDDB_REQ_DUPLICATE_ENTRY },
    { XOUS_OUT_OF_MEMORY, XOUS__PDDB_REQ_NO_FREE_SPACE },
    { XOUS_OK, XOUS__PDDB_REQ_NO_ERR },
  };
  /* A wrong key and a basis that is not there look the same. */
  static const struct answer opened[] = {
    { XOUS_NOT_FOUND, XOUS__PDDB_REQ_ACCESS_DENIED },
    { XOUS_INVALID_STRING, XOUS__PDDB_REQ_ACCESS_DENIED },
    { XOUS_OK, XOUS__PDDB_REQ_NO_ERR },
  };
  const char *pw = password_for(m, create ? XOUS__PDDB_REQ_CREATE
                                          : XOUS__PDDB_REQ_OPEN);
  xous_error_t err;

  if (pw == NULL)
    return XOUS__PDDB_REQ_INTERNAL_ERROR;
  if (!create)
    return code_of(pddb_basis_unlock(e, name, pw, HEX_PASSWORD_LEN), opened);
  err = pddb_basis_create(e, name, pw, HEX_PASSWORD_LEN);
  if (err == XOUS_OK)
    err = pddb_basis_lock(e, name);
  return code_of(err, created);
}

static uint8_t
close_or_delete_basis(struct pddb_engine *e, const char *name, bool delete,
                      uint8_t code)
{
  static const struct answer closed[] = {
    { XOUS_NOT_FOUND, XOUS__PDDB_REQ_NOT_FOUND },
    { XOUS_OK, XOUS__PDDB_REQ_NO_ERR },
  };

  /* The real server tells the keys' callbacks first, whatever follows. */
  xous__native_notify_keys(e);
  if (code != (delete ? XOUS__PDDB_REQ_DELETE : XOUS__PDDB_REQ_CLOSE))
    return XOUS__PDDB_REQ_INTERNAL_ERROR;
  return code_of(delete ? pddb_basis_delete(e, name)
                        : pddb_basis_lock(e, name),
                 closed);
}

/* LatestBasis, CreateBasis, OpenBasis, CloseBasis, DeleteBasis: a
 * PddbBasisRequest answered with its code set (and, for LatestBasis, the
 * name). */
static void
basis_request(struct xous__native_req *r, unsigned op)
{
  struct xous__pddb_basis_request m;
  struct xous__native_bases b;
  char name[XOUS_PDDB_MAX_BASIS_NAME + 1];

  if (xous__pddb_basis_request_read(r->arch, r->used, &m) != XOUS_OK)
    return;
  /* A name the engine could never hold is passed on as "", which it
   * answers as it answers a name it does not know. */
  if (!xous__native_cname(name, sizeof name, &m.name))
    name[0] = '\0';
  switch (op) {
  case OP_LATEST_BASIS:
    /* The System basis is always open: the latest is never None. */
    xous__native_open_bases(r->e, &b);
    m.name = xous__native_text(b.names[0]);
    m.code = XOUS__PDDB_REQ_NO_ERR;
    (void)xous__pddb_basis_request_write(r->page, r->cap, &m, &r->answer_used);
    return;
  case OP_CREATE_BASIS:
  case OP_OPEN_BASIS:
    m.code = create_or_open_basis(r->e, name, &m, op == OP_CREATE_BASIS);
    break;
  default:
    m.code = close_or_delete_basis(r->e, name, op == OP_DELETE_BASIS, m.code);
    break;
  }
  /* The real server tells its BasisMonitors of an open and a close. */
  if (m.code == XOUS__PDDB_REQ_NO_ERR && op != OP_CREATE_BASIS)
    xous__native_bases_changed(r->e);
  if (hex_password != NULL)
    pddb_wipe(hex_password, HEX_PASSWORD_LEN);
  (void)xous__pddb_basis_request_write(r->page, r->cap, &m, &r->answer_used);
}

/* ---- dispatch --------------------------------------------------------------- */

static bool
is_native(unsigned op)
{
  return (op >= OP_LIST_BASIS && op <= OP_WRITE_KEY) || op == OP_KEY_DROP ||
         op == OP_LIST_KEY_V2 || op == OP_DICT_BULK_READ;
}

static void
serve_lend(struct pddb_engine *e, const xous_envelope_t *env, unsigned op)
{
  const xous_memory_msg_t *mm = &env->body.memory;
  struct xous__native_req r = { e,
                                xous_sender_pid(env->sender),
                                mm->buf.addr,
                                mm->buf.len,
                                archive,
                                mm->offset,
                                mm->offset };
  bool kept = false;

  if (op == OP_READ_KEY || op == OP_WRITE_KEY) {
    /* The PddbBuf page is read in place, header first (see there). */
    xous__native_read_write(&r, op == OP_WRITE_KEY);
  } else if (r.page != NULL && mm->offset <= r.cap &&
             mm->offset <= sizeof archive && op != OP_GET_KEY_NAME_AT_INDEX) {
    /* SAFETY: the archive is copied once; every handler reads the copy,
     * whose every offset the readers check (native_wire.h). */
    memcpy(archive, r.page, mm->offset);
    switch (op) {
    case OP_LIST_BASIS:
      list_basis(&r);
      break;
    case OP_DELETE_KEY:
    case OP_DELETE_DICT:
      xous__native_delete_key(&r, op == OP_DELETE_DICT);
      break;
    case OP_KEY_ATTRIBUTES:
      xous__native_key_attributes(&r);
      break;
    case OP_KEY_COUNT_IN_DICT:
      xous__native_key_count(&r);
      break;
    case OP_DICT_COUNT_IN_BASIS:
      xous__native_dict_count(&r);
      break;
    case OP_GET_DICT_NAME_AT_INDEX:
      xous__native_dict_name(&r);
      break;
    case OP_KEY_REQUEST:
      xous__native_key_request(&r);
      break;
    case OP_LIST_KEY_V2:
      xous__native_list_keys(&r);
      break;
    case OP_DICT_BULK_READ:
      xous__native_bulk_read(&r);
      break;
    case OP_LATEST_BASIS:
    case OP_CREATE_BASIS:
    case OP_OPEN_BASIS:
    case OP_CLOSE_BASIS:
    case OP_DELETE_BASIS:
      basis_request(&r, op);
      break;
    case OP_REKEY_PDDB:
      xous__native_rekey(&r);
      break;
    case OP_DICT_BULK_DELETE:
      xous__native_bulk_delete(&r);
      break;
    case OP_BASIS_MONITOR:
      kept = xous__native_basis_monitor(&r, env);
      break;
    default:
      break; /* a scalar call, or no page to answer: back as it was */
    }
    pddb_wipe(archive, mm->offset);
  }
  if (!kept)
    (void)xous_return_memory(env->sender, mm->buf, r.answer_used, mm->valid);
}

bool
xous__pddb_native_serve(struct pddb_engine *e, const xous_envelope_t *env)
{
  const xous_scalar_msg_t *sm = &env->body.scalar;
  xous_word_t id = env->body.kind >= XOUS_MSG_SCALAR ? sm->id
                                                     : env->body.memory.id;
  unsigned op = (unsigned)(id & 0xffff);
  uint32_t token[3];

  /* The real server reads the opcode from the low 16 bits only. */
  if (!is_native(op) && !xous__native_is_device_op(op))
    return false;
  switch (env->body.kind) {
  case XOUS_MSG_LEND_MUT:
    serve_lend(e, env, op);
    break;
  case XOUS_MSG_LEND:
    (void)xous_return_memory(env->sender, env->body.memory.buf,
                             env->body.memory.offset, env->body.memory.valid);
    break;
  case XOUS_MSG_SEND:
    (void)xous_unmap_memory(env->body.memory.buf);
    break;
  case XOUS_MSG_BLOCKING_SCALAR:
    if (xous__native_is_device_op(op) && !xous__native_is_page_op(op)) {
      xous__native_device_scalar(e, env, op);
    } else if (op == OP_KEY_DROP) {
      token[0] = (uint32_t)sm->arg1;
      token[1] = (uint32_t)sm->arg2;
      token[2] = (uint32_t)sm->arg3;
      (void)xous_return_scalar1(env->sender, xous__native_key_drop(e, token));
    } else {
      (void)xous_return_scalar1(env->sender, XOUS_PDDB_RC_INTERNAL_ERROR);
    }
    break;
  default:
    /* A Scalar: the real server acts on none of these. */
    break;
  }
  return true;
}
