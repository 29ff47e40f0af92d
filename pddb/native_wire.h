/*
 * The native PDDB wire: the rkyv 0.8 structs of the Rust `pddb` crate
 * (xous-core services/pddb/src/api.rs) that its Pddb and PddbKey objects
 * lend to the real server, and the two hand-packed pages, PddbBuf and the
 * DictBulkRead answer. Layouts (offsets in the archived root, which is
 * the last bytes of page[0..used]):
 *
 *   PddbBasisRequest  60 bytes, align 4  (ListBasis excepted, opcodes 3..7)
 *     0 name String   8 code u8   12 policy Option<BasisRetentionPolicy>
 *     (tag, then at 16 the policy: tag 0 Persist / 1 ClearAfterSleeps,
 *     u32 at 20)   24 basis_key Option<[u8; 32]> (tag, bytes at 25)
 *   PddbBasisList     508 bytes, align 4  (ListBasis 2)
 *     0 list [String; 63]   504 num u32
 *   PddbDictRequest   68 bytes, align 4  (11, 13, 14, 52)
 *     0 basis_specified bool   4 basis   12 dict   20 key   28 index u32
 *     32 token [u32; 4]   48 code u8   52 bulk_limit Option<usize> (tag,
 *     u32 at 56: usize is 32 bits in rkyv's default format)
 *     60 key_count u32   64 found_key_count u32
 *   PddbKeyRequest    88 bytes, align 8  (KeyRequest 15, DeleteKey 8,
 *                                        DeleteDict 9)
 *     0 basis_specified   4 basis   12 dict   20 key
 *     28 token Option<[u32; 3]> (tag, words at 32)   44 create_dict
 *     45 create_key   48 alloc_hint Option<u64> (tag, u64 at 56)
 *     64 cb_sid Option<[u32; 4]> (tag, words at 68)   84 result u8
 *   PddbKeyAttrIpc    64 bytes, align 8  (KeyAttributes 10)
 *     0 len u64   8 reserved u64   16 age u64   24 dict   32 basis
 *     40 flags u32   44 index u32   48 token [u32; 3]   60 code u8
 *   PddbKeyList       4084 bytes, align 4  (ListKeyV2 45)
 *     0 token [u32; 4]   16 data [u8; 4064]   4080 retcode u8   4081 end
 *   PddbKeyRecord     44 bytes, align 4  (one record of DictBulkRead)
 *     0 name   8 len u32   12 reserved u32   16 age u32   20 index u32
 *     24 basis   32 data Option<Vec<u8>> (tag, then at 36 the Vec: an i32
 *     offset from there to the bytes, and a u32 length at 40)
 *
 *   PddbBuf (ReadKey 16, WriteKey 17), repr(C), one page, no rkyv:
 *     0 token [u32; 3]   12 retcode u8   13 reserved   14 len u16
 *     16 position u64   24 data [u8; 4072]
 *   BulkReadHeader (DictBulkRead's answer), repr(C), 32 bytes:
 *     0 code u32   4 starting_key_index   8 len   12 total
 *     16 token [u32; 4]; then records, each a u32 length and that many
 *     bytes of one PddbKeyRecord archive, laid out from its own start.
 *
 * The readers check everything before they use it: the archive's size
 * and alignment, every String (in range, UTF-8), every bool (0 or 1) and
 * every enum tag; XOUS_INVALID_ARGUMENT otherwise. Strings are returned as
 * pointers into the archive, which the caller keeps (a copy of the page,
 * never the page a peer may still write). The writers never write past
 * cap and answer XOUS_OUT_OF_MEMORY when the archive does not fit.
 *
 * Portable: freestanding C over <xous/rkyv.h>.
 */
#ifndef PDDB_NATIVE_WIRE_H
#define PDDB_NATIVE_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xous/types.h>

#define XOUS__PDDB_BASIS_REQUEST_SIZE 60u
#define XOUS__PDDB_BASIS_LIST_SIZE 508u
#define XOUS__PDDB_BASIS_LIST_LEN 63u
#define XOUS__PDDB_DICT_REQUEST_SIZE 68u
#define XOUS__PDDB_KEY_REQUEST_SIZE 88u
#define XOUS__PDDB_KEY_ATTR_SIZE 64u
#define XOUS__PDDB_KEY_LIST_SIZE 4084u
#define XOUS__PDDB_KEY_LIST_DATA 4064u
#define XOUS__PDDB_KEY_RECORD_SIZE 44u
#define XOUS__PDDB_BUF_HEADER 24u
#define XOUS__PDDB_BUF_DATA 4072u
#define XOUS__PDDB_BULK_HEADER 32u
#define XOUS__PDDB_BASIS_KEY_BYTES 32u

/* PddbRequestCode. */
enum xous__pddb_request_code {
  XOUS__PDDB_REQ_CREATE = 0,
  XOUS__PDDB_REQ_OPEN = 1,
  XOUS__PDDB_REQ_CLOSE = 2,
  XOUS__PDDB_REQ_DELETE = 3,
  XOUS__PDDB_REQ_NO_ERR = 4,
  XOUS__PDDB_REQ_NOT_MOUNTED = 5,
  XOUS__PDDB_REQ_NO_FREE_SPACE = 6,
  XOUS__PDDB_REQ_NOT_FOUND = 7,
  XOUS__PDDB_REQ_INTERNAL_ERROR = 8,
  XOUS__PDDB_REQ_ACCESS_DENIED = 9,
  XOUS__PDDB_REQ_UNINIT = 10,
  XOUS__PDDB_REQ_DUPLICATE_ENTRY = 11,
  XOUS__PDDB_REQ_BULK_READ = 12,
  XOUS__PDDB_REQ_CODES = 13
};

/* PddbBulkReadCode, the first word of a DictBulkRead answer. */
enum xous__pddb_bulk_code {
  XOUS__PDDB_BULK_UNINIT = 0,
  XOUS__PDDB_BULK_BUSY = 1,
  XOUS__PDDB_BULK_LAST = 2,
  XOUS__PDDB_BULK_STREAMING = 3,
  XOUS__PDDB_BULK_NOT_FOUND = 4,
  XOUS__PDDB_BULK_INTERNAL_ERROR = 5
};

/* PddbRetcode has 7 values (<xous/pddb.h>, enum xous_pddb_retcode). */
#define XOUS__PDDB_RETCODES 7u

/* A String's text inside an archive: not NUL terminated. */
struct xous__pddb_text {
  const uint8_t *s;
  size_t len;
};

struct xous__pddb_basis_request {
  struct xous__pddb_text name;
  uint8_t code;
  bool has_policy;
  uint8_t policy; /* 0 Persist, 1 ClearAfterSleeps */
  uint32_t sleeps;
  bool has_key;
  uint8_t key[XOUS__PDDB_BASIS_KEY_BYTES];
};

struct xous__pddb_dict_request {
  bool basis_specified;
  struct xous__pddb_text basis, dict, key;
  uint32_t index;
  uint32_t token[4];
  uint8_t code;
  bool has_bulk_limit;
  uint32_t bulk_limit;
  uint32_t key_count, found_key_count;
};

struct xous__pddb_key_request {
  bool basis_specified;
  struct xous__pddb_text basis, dict, key;
  bool has_token;
  uint32_t token[3];
  bool create_dict, create_key;
  bool has_alloc_hint;
  uint64_t alloc_hint;
  bool has_cb_sid;
  uint32_t cb_sid[4];
  uint8_t result;
};

struct xous__pddb_key_attr {
  uint64_t len, reserved, age;
  struct xous__pddb_text dict, basis;
  uint32_t flags, index;
  uint32_t token[3];
  uint8_t code;
};

struct xous__pddb_key_list {
  uint32_t token[4];
  uint8_t data[XOUS__PDDB_KEY_LIST_DATA];
  uint8_t retcode;
  bool end;
};

struct xous__pddb_key_record {
  struct xous__pddb_text name, basis;
  uint32_t len, reserved, age, index;
  bool has_data;
  const uint8_t *data; /* data_len bytes when has_data */
  size_t data_len;
};

/* The header of a PddbBuf page. */
struct xous__pddb_buf {
  uint32_t token[3];
  uint8_t retcode;
  uint8_t reserved;
  uint16_t len;
  uint64_t position;
};

struct xous__pddb_bulk_header {
  uint32_t code, starting_key_index, len, total;
  uint32_t token[4];
};

/* ---- rkyv archives: arch[0..used] ----------------------------------------- */

/* Each struct's pair, which share one shape:
 *   xous_error_t xous__pddb_<name>_read(const void *arch, size_t used,
 *                                       struct xous__pddb_<name> *m);
 *   xous_error_t xous__pddb_<name>_write(void *page, size_t cap,
 *                                        const struct xous__pddb_<name> *m,
 *                                        size_t *used);
 * for basis_request, dict_request, key_request, key_attr, key_list and
 * key_record. */
#define XOUS__PDDB_CODEC(name)                                                \
  xous_error_t xous__pddb_##name##_read(const void *arch, size_t used,        \
                                        struct xous__pddb_##name *m);         \
  xous_error_t xous__pddb_##name##_write(void *page, size_t cap,              \
                                         const struct xous__pddb_##name *m,   \
                                         size_t *used)

XOUS__PDDB_CODEC(basis_request);
XOUS__PDDB_CODEC(dict_request);
XOUS__PDDB_CODEC(key_request);
XOUS__PDDB_CODEC(key_attr);
XOUS__PDDB_CODEC(key_list);
XOUS__PDDB_CODEC(key_record);

/* names[0..n] (n <= 63) fill the list; the rest are empty. */
xous_error_t xous__pddb_basis_list_read(const void *arch, size_t used,
                                        struct xous__pddb_text *names,
                                        uint32_t *num);
xous_error_t xous__pddb_basis_list_write(void *page, size_t cap,
                                         const struct xous__pddb_text *names,
                                         size_t n, uint32_t num, size_t *used);

/* ---- the hand-packed pages ------------------------------------------------ */

/* page[0..XOUS__PDDB_BUF_HEADER] (len bytes are there); len must be at
 * most XOUS__PDDB_BUF_DATA. */
xous_error_t xous__pddb_buf_read(const void *page, size_t len,
                                 struct xous__pddb_buf *m);
void xous__pddb_buf_write(void *page, const struct xous__pddb_buf *m);

void xous__pddb_bulk_header_read(const void *page,
                                 struct xous__pddb_bulk_header *m);
void xous__pddb_bulk_header_write(void *page,
                                  const struct xous__pddb_bulk_header *m);

#endif /* PDDB_NATIVE_WIRE_H */
