/*
 * The real PDDB's opcodes that belong to a device (its menus, its GUI,
 * suspend and resume, backups, the hardware's rekeying), answered as the
 * real server would without that hardware, and the last two calls of
 * the native API with a page: DictBulkDelete and BasisMonitor.
 *
 * BlockingScalars, as main.rs answers them: ResetDontAskInit 43,
 * FlushSpaceUpdate 44 (a sync here), UncacheAndAskPassword 48 and
 * Prune 56 answer Scalar1(1); InternalTest 47 Scalar2(0, 0). TryUnmount
 * 49 syncs and answers Scalar1(0), "not unmounted": the desktop keeps
 * the image mounted while it serves. Where the device answers nothing
 * to a BlockingScalar (PeriodicScrub 19, the menus 21 and 46,
 * SuspendResume 23, Quit 24, which would end it, PddbHalt 51, which
 * would wedge it for good) the desktop answers Scalar1(0) and serves on.
 * RekeyPddb 42 (a PddbRekeyOp: a u8 tag, a u64 at 8) answers
 * InternalError (7): there is no device key to rekey to. DangerousDebug
 * 25 and ComputeBackupHashes 50 come back unchanged.
 *
 * DictBulkDelete 55 takes a PddbDeleteList (3824 bytes: basis_specified
 * 0, basis 4, dict 12, data 20..3820 of u8-length-prefixed key names
 * ending at a 0 length, retcode 3820) and answers its retcode: Ok 1 (keys
 * that are not there are no error), AccessDenied 3 (no such dictionary),
 * InternalError 5 (a name past the end). BasisMonitor 54 (a
 * PddbBasisList) is answered when the open bases change (OpenBasis,
 * CloseBasis, DeleteBasis), with the new list; eight callers wait at
 * most, and a ninth is answered at once.
 */
#include <string.h>

#include <xous/pddb.h>
#include <xous/rkyv.h>

#include "server_native.h"
#include "server_native_int.h"

#define DELETE_LIST_SIZE 3824u
#define DELETE_LIST_DATA 3800u
#define MAX_MONITORS 8u

static void
no_name(const char *name, uint64_t len, const char *basis, void *ctx)
{
  (void)name;
  (void)len;
  (void)basis;
  (void)ctx;
}

/* ---- DictBulkDelete ------------------------------------------------------------ */

void
xous__native_bulk_delete(struct xous__native_req *r)
{
  xous_rkyv_reader_t rd;
  xous_rkyv_writer_t w;
  xous_rkyv_str_t sb, sd;
  struct xous__pddb_text basis, dict;
  char bname[XOUS_PDDB_MAX_BASIS_NAME + 1], dname[XOUS_PDDB_MAX_DICT_NAME + 1];
  char key[256];
  static uint8_t data[DELETE_LIST_DATA];
  uint8_t specified, retcode, n = 0;
  size_t root, i, at;
  bool named;
  xous_error_t err;

  xous_rkyv_reader_init(&rd, r->arch, r->used);
  if (xous_rkyv_root(&rd, DELETE_LIST_SIZE, 4, &root) != XOUS_OK ||
      xous_rkyv_get_tag(&rd, root, 2, &specified) != XOUS_OK ||
      xous_rkyv_get_str(&rd, root + 4, &basis.s, &basis.len) != XOUS_OK ||
      xous_rkyv_get_str(&rd, root + 12, &dict.s, &dict.len) != XOUS_OK ||
      xous_rkyv_get_bytes(&rd, root + 20, data, sizeof data) != XOUS_OK ||
      xous_rkyv_get_tag(&rd, root + 3820, XOUS__PDDB_RETCODES, &retcode) !=
          XOUS_OK)
    return;
  named = xous__native_cname(bname, sizeof bname, &basis) &&
          xous__native_cname(dname, sizeof dname, &dict);
  retcode = XOUS_PDDB_RC_OK;
  /* The names must all lie inside the list before any is deleted. */
  for (i = 0; i < sizeof data && data[i] != 0; i += 1u + data[i])
    if (data[i] + 1u + i >= sizeof data)
      retcode = XOUS_PDDB_RC_INTERNAL_ERROR;
  if (retcode == XOUS_PDDB_RC_OK &&
      (!named || pddb_list_keys(r->e, specified ? bname : NULL, dname, no_name,
                                NULL) != XOUS_OK))
    retcode = XOUS_PDDB_RC_ACCESS_DENIED;
  for (i = 0; retcode == XOUS_PDDB_RC_OK && i < sizeof data && data[i] != 0;
       i += 1u + n) {
    n = data[i];
    /* A NUL would make the name another, shorter one: no such key. */
    if (memchr(data + i + 1, '\0', n) != NULL)
      continue;
    memcpy(key, data + i + 1, n);
    key[n] = '\0';
    err = pddb_key_delete(r->e, specified ? bname : NULL, dname, key);
    if (err != XOUS_OK && err != XOUS_NOT_FOUND && err != XOUS_INVALID_STRING)
      retcode = XOUS_PDDB_RC_INTERNAL_ERROR;
  }
  /* The answer is the request with its retcode, as Buffer::replace
   * writes it again. */
  xous_rkyv_writer_init(&w, r->page, r->cap);
  sb = xous_rkyv_write_str(&w, basis.s, basis.len);
  sd = xous_rkyv_write_str(&w, dict.s, dict.len);
  at = xous_rkyv_reserve(&w, DELETE_LIST_SIZE, 4);
  xous_rkyv_put_u8(&w, at, specified);
  xous_rkyv_put_str(&w, at + 4, &sb);
  xous_rkyv_put_str(&w, at + 12, &sd);
  xous_rkyv_put_bytes(&w, at + 20, data, sizeof data);
  xous_rkyv_put_u8(&w, at + 3820, retcode);
  (void)xous_rkyv_finish(&w, &r->answer_used);
}

/* ---- BasisMonitor ----------------------------------------------------------------- */

struct monitor {
  bool used;
  xous_sender_t sender;
  xous_range_t buf;
  size_t valid;
};

static struct monitor monitors[MAX_MONITORS];

/* Writes the open bases into page as a PddbBasisList; its used. */
static size_t
write_list(struct pddb_engine *e, uint8_t *page, size_t cap)
{
  struct xous__pddb_text names[XOUS__PDDB_BASIS_LIST_LEN];
  struct xous__native_bases b;
  size_t i, used = 0;

  xous__native_open_bases(e, &b);
  for (i = 0; i < b.n; i++)
    names[i] = xous__native_text(b.names[b.n - 1 - i]);
  (void)xous__pddb_basis_list_write(page, cap, names, b.n, (uint32_t)b.n,
                                    &used);
  return used;
}

/* Answers a BasisMonitor now (false) or keeps it for the next change. */
bool
xous__native_basis_monitor(struct xous__native_req *r,
                           const xous_envelope_t *env)
{
  struct xous__pddb_text names[XOUS__PDDB_BASIS_LIST_LEN];
  uint32_t num;
  unsigned i;

  if (xous__pddb_basis_list_read(r->arch, r->used, names, &num) != XOUS_OK)
    return false;
  for (i = 0; i < MAX_MONITORS; i++)
    if (monitors[i].used &&
        xous__pddb_process_ended(xous_sender_pid(monitors[i].sender)))
      monitors[i].used = false;
  for (i = 0; i < MAX_MONITORS && monitors[i].used; i++)
    ;
  if (i == MAX_MONITORS) {
    r->answer_used = write_list(r->e, r->page, r->cap);
    return false;
  }
  monitors[i] = (struct monitor){ true, env->sender, env->body.memory.buf,
                                  env->body.memory.valid };
  return true;
}

void
xous__native_bases_changed(struct pddb_engine *e)
{
  size_t used;
  unsigned i;

  for (i = 0; i < MAX_MONITORS; i++) {
    if (!monitors[i].used)
      continue;
    monitors[i].used = false;
    /* SAFETY: the page is still lent to the server: it has not been
     * returned; only the server writes it. */
    used = write_list(e, monitors[i].buf.addr, monitors[i].buf.len);
    (void)xous_return_memory(monitors[i].sender, monitors[i].buf, used,
                             monitors[i].valid);
  }
}

/* ---- the device's own opcodes ------------------------------------------------------ */

enum device_opcode {
  OP_PERIODIC_SCRUB = 19,
  OP_MENU_LIST_BASIS = 21,
  OP_SUSPEND_RESUME = 23,
  OP_QUIT = 24,
  OP_DANGEROUS_DEBUG = 25,
  OP_REKEY_PDDB = 42,
  OP_RESET_DONT_ASK_INIT = 43,
  OP_FLUSH_SPACE_UPDATE = 44,
  OP_MENU_CHANGE_PIN = 46,
  OP_INTERNAL_TEST = 47,
  OP_UNCACHE_AND_ASK_PASSWORD = 48,
  OP_TRY_UNMOUNT = 49,
  OP_COMPUTE_BACKUP_HASHES = 50,
  OP_PDDB_HALT = 51,
  OP_BASIS_MONITOR = 54,
  OP_DICT_BULK_DELETE = 55,
  OP_PRUNE = 56,
};

bool
xous__native_is_device_op(unsigned op)
{
  switch (op) {
  case OP_PERIODIC_SCRUB:
  case OP_MENU_LIST_BASIS:
  case OP_SUSPEND_RESUME:
  case OP_QUIT:
  case OP_DANGEROUS_DEBUG:
  case OP_REKEY_PDDB:
  case OP_RESET_DONT_ASK_INIT:
  case OP_FLUSH_SPACE_UPDATE:
  case OP_MENU_CHANGE_PIN:
  case OP_INTERNAL_TEST:
  case OP_UNCACHE_AND_ASK_PASSWORD:
  case OP_TRY_UNMOUNT:
  case OP_COMPUTE_BACKUP_HASHES:
  case OP_PDDB_HALT:
  case OP_BASIS_MONITOR:
  case OP_DICT_BULK_DELETE:
  case OP_PRUNE:
    return true;
  default:
    return false;
  }
}

bool
xous__native_is_page_op(unsigned op)
{
  return op == OP_DANGEROUS_DEBUG || op == OP_REKEY_PDDB ||
         op == OP_COMPUTE_BACKUP_HASHES || op == OP_BASIS_MONITOR ||
         op == OP_DICT_BULK_DELETE;
}

void
xous__native_device_scalar(struct pddb_engine *e, const xous_envelope_t *env,
                           unsigned op)
{
  xous_word_t a = 0;

  switch (op) {
  case OP_FLUSH_SPACE_UPDATE:
    (void)pddb_sync(e);
    a = 1;
    break;
  case OP_RESET_DONT_ASK_INIT:
  case OP_UNCACHE_AND_ASK_PASSWORD:
  case OP_PRUNE:
    a = 1;
    break;
  case OP_INTERNAL_TEST:
    (void)xous_return_scalar2(env->sender, 0, 0);
    return;
  case OP_TRY_UNMOUNT:
    (void)pddb_sync(e);
    break;
  default:
    break;
  }
  (void)xous_return_scalar1(env->sender, a);
}

void
xous__native_rekey(struct xous__native_req *r)
{
  xous_rkyv_reader_t rd;
  size_t root;
  uint8_t tag;

  /* PddbRekeyOp: 8 variants, FromDnaFast(u64) and FromDnaSafe(u64) first. */
  xous_rkyv_reader_init(&rd, r->arch, r->used);
  if (xous_rkyv_root(&rd, 16, 8, &root) != XOUS_OK ||
      xous_rkyv_get_tag(&rd, root, 8, &tag) != XOUS_OK || r->cap < 16)
    return;
  memset(r->page, 0, 16);
  r->page[0] = 7; /* InternalError */
  r->answer_used = 16;
}
