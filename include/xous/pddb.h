/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * <xous/pddb.h>: the Plausibly Deniable DataBase server, xous-pddb, and its
 * client API, xous_pddb(3). The design is in pddb(7).
 *
 * A PDDB holds bases; a basis holds dictionaries; a dictionary holds keys;
 * a key holds up to XOUS_PDDB_MAX_VALUE bytes, read and written like a file.
 * The System basis is always open. A secret basis is opened (unlocked) with
 * its password; while several are open, a name without a basis resolves in
 * the most recently unlocked basis that has it, and new keys go to the most
 * recently unlocked basis. Locking a basis makes its keys vanish at once:
 * handles open on them answer XOUS_UNAVAILABLE.
 *
 * A wrong password and a basis that does not exist give the same answer,
 * XOUS_NOT_FOUND.
 *
 * One xous_pddb_t is one connection with one page buffer: use it from one
 * thread at a time, and use a handle through the connection that opened
 * it. No type here is a POSIX type.
 */
#ifndef XOUS_PDDB_H
#define XOUS_PDDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xous/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The name the server registers with xous-names(8). */
#define XOUS_PDDB_SERVER_NAME "_Plausibly Deniable Database_"

/* Name limits in bytes of UTF-8 (no NUL), as in Xous. */
#define XOUS_PDDB_MAX_BASIS_NAME 64
#define XOUS_PDDB_MAX_DICT_NAME 111
#define XOUS_PDDB_MAX_KEY_NAME 95
#define XOUS_PDDB_MAX_PASSWORD 256
/* The largest value of a key: 8 MiB. */
#define XOUS_PDDB_MAX_VALUE (8u * 1024u * 1024u)
/* The most bases open at once, the System basis included. */
#define XOUS_PDDB_MAX_OPEN_BASES 16
/* The name of the basis that is always open. */
#define XOUS_PDDB_SYSTEM_BASIS ".System"

/* Flags of xous_pddb_open(). */
#define XOUS_PDDB_CREATE 1u   /* create the key (and its dictionary) */
#define XOUS_PDDB_TRUNCATE 2u /* empty it */

typedef struct {
  xous_cid_t cid;
  void *page;      /* the connection's buffer: whole pages, grown on need */
  size_t page_len; /* its length */
  /* Where the server's position of handle at_fd is (at_known): a read
   * or write there needs no seek first. */
  bool at_known;
  uint32_t at_fd;
  uint64_t at;
} xous_pddb_t;

/* A key's description. */
typedef struct {
  uint64_t len;
  char basis[XOUS_PDDB_MAX_BASIS_NAME + 1];
} xous_pddb_stat_t;

/* ==== client API ========================================================= */

/* Connects to the PDDB server (waiting for it to register). */
xous_error_t xous_pddb_connect(xous_pddb_t *db);
/* As xous_pddb_connect(), but ServerNotFound at once when it is not up. */
xous_error_t xous_pddb_try_connect(xous_pddb_t *db);
/* Frees the connection's buffer; handles stay open on the server. */
void xous_pddb_disconnect(xous_pddb_t *db);

/* Creates a secret basis and leaves it unlocked. ServerExists when a basis
 * of that name is open. */
xous_error_t xous_pddb_create_basis(xous_pddb_t *db, const char *name,
                                    const char *password);
/* NotFound for a wrong password and for a basis that does not exist. */
xous_error_t xous_pddb_unlock_basis(xous_pddb_t *db, const char *name,
                                    const char *password);
/* Syncs, then forgets the basis and wipes its key. NotFound when not open. */
xous_error_t xous_pddb_lock_basis(xous_pddb_t *db, const char *name);
/* Erases an unlocked basis and everything in it. */
xous_error_t xous_pddb_delete_basis(xous_pddb_t *db, const char *name);

/* Lists names NUL-separated into out (size bytes); *count gets how many.
 * OutOfMemory when out is too small. basis may be NULL (the union). */
xous_error_t xous_pddb_list_bases(xous_pddb_t *db, char *out, size_t size,
                                  size_t *count);
xous_error_t xous_pddb_list_dicts(xous_pddb_t *db, const char *basis,
                                  char *out, size_t size, size_t *count);
xous_error_t xous_pddb_list_keys(xous_pddb_t *db, const char *basis,
                                 const char *dict, char *out, size_t size,
                                 size_t *count);

/* Opens a key; *handle is valid for the caller's process only. */
xous_error_t xous_pddb_open(xous_pddb_t *db, const char *basis,
                            const char *dict, const char *key, unsigned flags,
                            uint32_t *handle);
xous_error_t xous_pddb_read(xous_pddb_t *db, uint32_t handle, uint64_t offset,
                            void *buf, size_t len, size_t *got);
xous_error_t xous_pddb_write(xous_pddb_t *db, uint32_t handle, uint64_t offset,
                             const void *buf, size_t len);
xous_error_t xous_pddb_truncate(xous_pddb_t *db, uint32_t handle,
                                uint64_t len);
xous_error_t xous_pddb_stat(xous_pddb_t *db, uint32_t handle,
                            xous_pddb_stat_t *st);
xous_error_t xous_pddb_close(xous_pddb_t *db, uint32_t handle);
xous_error_t xous_pddb_delete_key(xous_pddb_t *db, const char *basis,
                                  const char *dict, const char *key);
xous_error_t xous_pddb_delete_dict(xous_pddb_t *db, const char *basis,
                                   const char *dict);
/* Makes an empty dictionary; ServerExists when it is there. */
xous_error_t xous_pddb_create_dict(xous_pddb_t *db, const char *basis,
                                   const char *dict);
/* Writes everything written so far to the image; on return it survives a
 * crash. */
xous_error_t xous_pddb_sync(xous_pddb_t *db);

/* ==== wire format ========================================================= */

/*
 * The real PDDB's opcodes (xous-core services/pddb/src/api.rs) that the
 * server answers; pddb(7) has the layouts. The low 16 bits of a message
 * id are the opcode; for the std family's file calls the high 16 bits
 * carry the file descriptor.
 */
enum xous_pddb_real_opcode {
  XOUS_PDDB_IS_MOUNTED = 0,        /* BlockingScalar: Scalar2(0, 0) mounted */
  XOUS_PDDB_TRY_MOUNT = 1,         /* BlockingScalar: Scalar2(0, 0) mounted */
  XOUS_PDDB_WRITE_KEY_FLUSH = 18,  /* BlockingScalar: sync; PddbRetcode */
  XOUS_PDDB_LIST_BASIS_STD = 26,   /* senres basQ -> basR */
  XOUS_PDDB_CREATE_BASIS_STD = 27, /* not implemented by the real server */
  XOUS_PDDB_LIST_DICT_STD = 28,    /* LiDQ -> LiDR */
  XOUS_PDDB_LIST_KEY_STD = 29,     /* LiKQ -> LiKR */
  XOUS_PDDB_OPEN_KEY_STD = 30,     /* KyOQ -> KyOR */
  XOUS_PDDB_READ_KEY_STD = 31,     /* | fd << 16; lend: valid bytes wanted */
  XOUS_PDDB_WRITE_KEY_STD = 32,    /* | fd << 16; lend: valid bytes */
  XOUS_PDDB_CLOSE_KEY_STD = 34,    /* | fd << 16; BlockingScalar */
  XOUS_PDDB_DELETE_KEY_STD = 35,   /* RmKQ */
  XOUS_PDDB_LATEST_BASIS_STD = 36, /* raw name; offset = its length */
  XOUS_PDDB_LIST_PATH_STD = 37,    /* PthQ -> PthR */
  XOUS_PDDB_STAT_PATH_STD = 38,    /* StaQ -> StaR */
  XOUS_PDDB_SEEK_KEY_STD = 39,     /* | fd << 16; BlockingScalar */
  XOUS_PDDB_CREATE_DICT_STD = 40,  /* NuDQ */
  XOUS_PDDB_DELETE_DICT_STD = 41,  /* RmDQ */
  XOUS_PDDB_IS_EFUSE_SECURED = 22, /* BlockingScalar: 0, no eFuses here */
  XOUS_PDDB_MOUNT_ATTEMPTED = 53,  /* BlockingScalar: Scalar2(0, 0) */
};

/* The real PddbRetcode: what a std-family lend answers in its offset
 * word (0 there means success), and a scalar call in its first word. */
enum xous_pddb_retcode {
  XOUS_PDDB_RC_UNINIT = 0,
  XOUS_PDDB_RC_OK = 1,
  XOUS_PDDB_RC_BASIS_LOST = 2,
  XOUS_PDDB_RC_ACCESS_DENIED = 3,
  XOUS_PDDB_RC_UNEXPECTED_EOF = 4,
  XOUS_PDDB_RC_INTERNAL_ERROR = 5,
  XOUS_PDDB_RC_DISK_FULL = 6,
};

/*
 * How the client API travels. Every call that Rust std on Xous can make
 * goes as Rust std sends it, so that a C program recompiled for the
 * device finds and uses the real PDDB: xous_pddb_open() is OpenKeyStd
 * (KyOQ; XOUS_PDDB_CREATE sets create_file, as OpenOptions::create), and
 * when the dictionary is missing it is made with CreateDictStd (NuDQ) and
 * the open is asked again, as create_dir_all() before File::create()
 * would; xous_pddb_read() and xous_pddb_write() are SeekKeyStd (only when
 * the position differs from where the last call left it) and then
 * ReadKeyStd/WriteKeyStd lends; xous_pddb_close() is CloseKeyStd,
 * xous_pddb_create_dict() CreateDictStd (NuDQ), xous_pddb_delete_key()
 * RmKQ, xous_pddb_delete_dict() RmKQ for every
 * key and then RmDQ (remove_dir_all()); the lists are ListBasisStd,
 * ListDictStd and ListKeyStd; xous_pddb_sync() is WriteKeyFlush.
 *
 * A request record is a zeroed page holding the senres record, lent
 * mutably with offset 0 and valid 0; a read or write of at most 4096
 * bytes lends one page with valid = the bytes wanted or given, as Rust
 * std does. A longer one lends as many pages as it needs in one request
 * (the real server reads and writes the whole valid range), so that a
 * write of up to XOUS_PDDB_IO_MAX bytes is one request and lands whole.
 *
 * The desktop extension: what the std family cannot say. On the device
 * the PDDB asks for a basis's password on its own screen; on the desktop
 * it comes from the caller, with opcodes from XOUS_PDDB_OP_EXTENSION up,
 * outside the real range (0..56), which the real server answers as
 * unknown. A request is a MutableLend of a page buffer that starts with
 * a struct xous_pddb_msg; the password follows at XOUS_PDDB_DATA_OFFSET.
 * The server copies the password once into secret memory and wipes it
 * from the lent page at once; the client wipes its copy after the call.
 * The answer is ReturnMemory: offset = the xous_error_t, valid = 0. The
 * basis calls, stat (a key's length and the basis it lives in) and
 * truncate go this way; the handle of STAT and TRUNCATE is the std file
 * descriptor that xous_pddb_open() returned.
 */
#define XOUS_PDDB_OP_EXTENSION 0x1000u
enum xous_pddb_opcode {
  XOUS_PDDB_OP_CREATE_BASIS = XOUS_PDDB_OP_EXTENSION + 1,
  XOUS_PDDB_OP_UNLOCK_BASIS = XOUS_PDDB_OP_EXTENSION + 2,
  XOUS_PDDB_OP_LOCK_BASIS = XOUS_PDDB_OP_EXTENSION + 3,
  XOUS_PDDB_OP_DELETE_BASIS = XOUS_PDDB_OP_EXTENSION + 4,
  XOUS_PDDB_OP_TRUNCATE = XOUS_PDDB_OP_EXTENSION + 11,
  XOUS_PDDB_OP_STAT = XOUS_PDDB_OP_EXTENSION + 12,
};

/* The most data bytes one request carries: a whole value. */
#define XOUS_PDDB_IO_MAX XOUS_PDDB_MAX_VALUE
#define XOUS_PDDB_DATA_OFFSET 1024u

/*
 * The header (byte offsets, little-endian words). Lengths say how many
 * bytes of each name are used; the password travels in the data area.
 */
struct xous_pddb_msg {
  uint32_t handle;    /*   0 */
  uint32_t flags;     /*   4 0 */
  uint64_t offset;    /*   8 truncate/stat: the length */
  uint32_t len;       /*  16 password bytes after the header */
  uint16_t basis_len; /*  20 0: none given */
  uint16_t dict_len;  /*  22 */
  uint16_t key_len;   /*  24 */
  uint16_t reserved;  /*  26 */
  uint32_t count;     /*  28 0 */
  char basis[XOUS_PDDB_MAX_BASIS_NAME];   /*  32 */
  char dict[XOUS_PDDB_MAX_DICT_NAME + 1]; /*  96 */
  char key[XOUS_PDDB_MAX_KEY_NAME + 1];   /* 208 */
};

#ifndef __cplusplus
_Static_assert(sizeof(struct xous_pddb_msg) == 304,
               "xous_pddb_msg is 304 bytes");
_Static_assert(sizeof(struct xous_pddb_msg) <= XOUS_PDDB_DATA_OFFSET,
               "the header fits before the data");
#endif

#ifdef __cplusplus
}
#endif

#endif /* XOUS_PDDB_H */
