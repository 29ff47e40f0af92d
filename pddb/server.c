/*
 * xous-pddb: the PDDB server. Registers XOUS_PDDB_SERVER_NAME with the
 * name server and serves, one at a time and on the engine, what the
 * real PDDB answers (server_std.c: the std family Rust std's files use,
 * the mount queries) and the desktop extension of <xous/pddb.h>: the
 * basis calls with the caller's password, stat and truncate. Written
 * against <xous.h> only; the store and the crypto are behind platform.h.
 *
 * Written data is cached and goes to the image on sync, on lock, when the
 * cache is large, and whenever the server's queue is empty: a client that
 * dies with a key open loses nothing it wrote. With --no-idle-sync the
 * idle writes are skipped (fewer, larger transactions); what is cached
 * then goes to the image on sync, lock, a full cache or a stop.
 *
 * Handles belong to the sender's PID. The kernel tells no server about a
 * process that ended, so when the handle table is full the server asks,
 * for every owner, whether its process still exists (ConnectForProcess
 * to its own SID answers ProcessNotFound for an ended one, AccessDenied
 * for a live one, whose table it may not fill), and frees the handles of
 * the ended ones.
 *
 * A Scalar PDDB_OP_STOP from the server's own process (see
 * hosted/stop.c) makes it sync, close the image and exit 0. The command
 * line and the loop are in main.c.
 */
#include <string.h>

#include <xous.h>
#include <xous/names.h>
#include <xous/pddb.h>
#include <xous/version.h>

#include "engine.h"
#include "server.h"
#include "server_native.h"
#include "server_std.h"

#define MIN_BUF (XOUS_PDDB_DATA_OFFSET)

static struct pddb_engine *engine;
static xous_sid_t server_sid;
/* The password of a request, in secret memory (platform.h) from the first
 * one on; wiped after each use. */
static uint8_t *password;

/* The request after its checks: names NUL terminated. */
struct request {
  struct xous_pddb_msg m;
  char basis[XOUS_PDDB_MAX_BASIS_NAME + 1];
  char dict[XOUS_PDDB_MAX_DICT_NAME + 1];
  char key[XOUS_PDDB_MAX_KEY_NAME + 1];
};

/* True when pid has ended: ConnectForProcess to the server's own SID
 * answers ProcessNotFound for it. */
bool
xous__pddb_process_ended(xous_pid_t pid)
{
  xous_cid_t cid;

  return xous_connect_for_process(pid, server_sid, &cid) ==
         XOUS_PROCESS_NOT_FOUND;
}

/* Frees the handles and std file descriptors of owners whose process has
 * ended. */
void
xous__pddb_reclaim(xous_pid_t asking)
{
  uint32_t owners[256], n, i;

  n = pddb_handle_owners(engine, owners, 256);
  for (i = 0; i < n; i++) {
    if (owners[i] == asking)
      continue;
    if (xous__pddb_process_ended((xous_pid_t)owners[i])) {
      pddb_close_owner(engine, owners[i]);
      xous__pddb_std_forget((xous_pid_t)owners[i]);
    }
  }
}

/* Serves one checked request of the desktop extension. */
static xous_error_t
serve(xous_word_t op, struct request *r, uint8_t *page_data, xous_pid_t pid)
{
  struct xous_pddb_msg *m = &r->m;
  const char *basis_name;
  uint32_t h;
  xous_error_t err;

  switch (op) {
  case XOUS_PDDB_OP_CREATE_BASIS:
  case XOUS_PDDB_OP_UNLOCK_BASIS:
    if (m->len > XOUS_PDDB_MAX_PASSWORD)
      return XOUS_INVALID_STRING;
    if (password == NULL &&
        (password = pddb_secure_alloc(XOUS_PDDB_MAX_PASSWORD)) == NULL)
      return XOUS_OUT_OF_MEMORY;
    /* SAFETY: the password is copied once out of the lent page, which is
     * wiped at once: the only copy left is the secret one. */
    memcpy(password, page_data, m->len);
    pddb_wipe(page_data, m->len);
    err = op == XOUS_PDDB_OP_CREATE_BASIS
              ? pddb_basis_create(engine, r->basis, password, m->len)
              : pddb_basis_unlock(engine, r->basis, password, m->len);
    pddb_wipe(password, XOUS_PDDB_MAX_PASSWORD);
    return err;
  case XOUS_PDDB_OP_LOCK_BASIS:
    return pddb_basis_lock(engine, r->basis);
  case XOUS_PDDB_OP_DELETE_BASIS:
    return pddb_basis_delete(engine, r->basis);
  case XOUS_PDDB_OP_TRUNCATE:
  case XOUS_PDDB_OP_STAT:
    /* The handle is the std file descriptor of the sender. */
    if (!xous__pddb_std_handle(pid, m->handle, &h))
      return XOUS_INVALID_ARGUMENT;
    if (op == XOUS_PDDB_OP_TRUNCATE)
      return pddb_key_truncate(engine, pid, h, m->offset);
    err = pddb_key_stat(engine, pid, h, &m->offset, &basis_name);
    if (err == XOUS_OK) {
      m->basis_len = (uint16_t)strlen(basis_name);
      memset(m->basis, 0, sizeof m->basis);
      memcpy(m->basis, basis_name, m->basis_len);
    }
    return err;
  default:
    return XOUS_INVALID_ARGUMENT;
  }
}

/* Copies a name field out of the header copy; false when too long. */
static bool
take(char *dst, const char *src, uint16_t len, size_t max)
{
  /* A NUL inside would make the name another, shorter one. */
  if (len > max || memchr(src, '\0', len) != NULL)
    return false;
  memcpy(dst, src, len);
  dst[len] = '\0';
  return true;
}

bool
pddb__handle(const xous_envelope_t *env)
{
  const xous_memory_msg_t *mm = &env->body.memory;
  static struct request r;
  xous_error_t err;
  size_t cap;
  uint8_t *page;

  if (xous__pddb_std_serve(engine, env) ||
      xous__pddb_native_serve(engine, env))
    return true;
  if (env->body.kind == XOUS_MSG_SEND) {
    (void)xous_unmap_memory(mm->buf);
    return true;
  }
  if (env->body.kind == XOUS_MSG_BLOCKING_SCALAR) {
    (void)xous_return_scalar1(env->sender, XOUS_INVALID_ARGUMENT);
    return true;
  }
  if (env->body.kind == XOUS_MSG_SCALAR) {
    /* Only the server's own process may stop it. */
    return !(env->body.scalar.id == PDDB_OP_STOP &&
             xous_sender_pid(env->sender) == xous_get_process_id());
  }
  if (env->body.kind != XOUS_MSG_LEND_MUT) {
    if (env->body.kind == XOUS_MSG_LEND)
      (void)xous_return_memory(env->sender, mm->buf, XOUS_INVALID_ARGUMENT, 0);
    return true;
  }
  page = mm->buf.addr;
  if (mm->buf.len < MIN_BUF || page == NULL) {
    (void)xous_return_memory(env->sender, mm->buf, XOUS_INVALID_ARGUMENT, 0);
    return true;
  }
  cap = mm->buf.len - XOUS_PDDB_DATA_OFFSET;
  if (cap > XOUS_PDDB_IO_MAX)
    cap = XOUS_PDDB_IO_MAX;
  /* SAFETY: the header is copied once into r and only the copy is used. */
  memcpy(&r.m, page, sizeof r.m);
  if (r.m.len > cap ||
      !take(r.basis, r.m.basis, r.m.basis_len, XOUS_PDDB_MAX_BASIS_NAME) ||
      !take(r.dict, r.m.dict, r.m.dict_len, XOUS_PDDB_MAX_DICT_NAME) ||
      !take(r.key, r.m.key, r.m.key_len, XOUS_PDDB_MAX_KEY_NAME)) {
    (void)xous_return_memory(env->sender, mm->buf, XOUS_INVALID_ARGUMENT, 0);
    return true;
  }
  err = serve(mm->id, &r, page + XOUS_PDDB_DATA_OFFSET,
              xous_sender_pid(env->sender));
  memcpy(page, &r.m, sizeof r.m);
  (void)xous_return_memory(env->sender, mm->buf, (size_t)err, 0);
  return true;
}

void
pddb__serve_on(struct pddb_engine *e, xous_sid_t sid)
{
  engine = e;
  server_sid = sid;
}
