/*
 * Fuzz target: the decoders of the PDDB's native key API
 * (pddb/native_wire.c), which read the rkyv archives the Rust pddb crate
 * lends (PddbBasisRequest, PddbBasisList, PddbDictRequest,
 * PddbKeyRequest, PddbKeyAttrIpc, PddbKeyList, PddbKeyRecord) and the
 * PddbBuf header. The first byte picks the struct; the rest is the
 * archive, in a buffer of exactly its length so that AddressSanitizer
 * sees any read past it. An archive that decodes must write again, and
 * what is written must decode to the same fields.
 */
#include <stdlib.h>
#include <string.h>

#include "../pddb/native_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t again[2 * 4096 + 4096];

static void
same_text(const struct xous__pddb_text *a, const struct xous__pddb_text *b)
{
  if (a->len != b->len || (a->len > 0 && memcmp(a->s, b->s, a->len) != 0))
    abort();
}

/* Reads a into *m, writes *m and reads that back into *m2; false when a
 * does not decode (nothing to compare). What the codec wrote must read. */
#define REREAD(name)                                                          \
  static bool reread_##name(const uint8_t *a, size_t n,                       \
                            struct xous__pddb_##name *m,                      \
                            struct xous__pddb_##name *m2)                     \
  {                                                                           \
    size_t used;                                                              \
                                                                              \
    if (xous__pddb_##name##_read(a, n, m) != XOUS_OK)                         \
      return false;                                                           \
    if (xous__pddb_##name##_write(again, sizeof again, m, &used) !=           \
            XOUS_OK ||                                                        \
        xous__pddb_##name##_read(again, used, m2) != XOUS_OK)                 \
      abort();                                                                \
    return true;                                                              \
  }
REREAD(basis_request)
REREAD(dict_request)
REREAD(key_request)
REREAD(key_attr)
REREAD(key_list)

static void
basis_request(const uint8_t *a, size_t n)
{
  struct xous__pddb_basis_request m, m2;

  if (!reread_basis_request(a, n, &m, &m2))
    return;
  same_text(&m.name, &m2.name);
  if (m.code != m2.code || m.has_policy != m2.has_policy ||
      m.policy != m2.policy || m.sleeps != m2.sleeps ||
      m.has_key != m2.has_key || memcmp(m.key, m2.key, sizeof m.key) != 0)
    abort();
}

static void
basis_list(const uint8_t *a, size_t n)
{
  static struct xous__pddb_text names[XOUS__PDDB_BASIS_LIST_LEN],
      names2[XOUS__PDDB_BASIS_LIST_LEN];
  uint32_t num, num2, i;
  size_t used;

  if (xous__pddb_basis_list_read(a, n, names, &num) != XOUS_OK)
    return;
  if (xous__pddb_basis_list_write(again, sizeof again, names,
                                  XOUS__PDDB_BASIS_LIST_LEN, num,
                                  &used) != XOUS_OK ||
      xous__pddb_basis_list_read(again, used, names2, &num2) != XOUS_OK ||
      num != num2)
    abort();
  for (i = 0; i < XOUS__PDDB_BASIS_LIST_LEN; i++)
    same_text(&names[i], &names2[i]);
}

static void
dict_request(const uint8_t *a, size_t n)
{
  struct xous__pddb_dict_request m, m2;

  if (!reread_dict_request(a, n, &m, &m2))
    return;
  same_text(&m.basis, &m2.basis);
  same_text(&m.dict, &m2.dict);
  same_text(&m.key, &m2.key);
  if (m.basis_specified != m2.basis_specified || m.index != m2.index ||
      memcmp(m.token, m2.token, sizeof m.token) != 0 || m.code != m2.code ||
      m.has_bulk_limit != m2.has_bulk_limit || m.bulk_limit != m2.bulk_limit ||
      m.key_count != m2.key_count || m.found_key_count != m2.found_key_count)
    abort();
}

static void
key_request(const uint8_t *a, size_t n)
{
  struct xous__pddb_key_request m, m2;

  if (!reread_key_request(a, n, &m, &m2))
    return;
  same_text(&m.basis, &m2.basis);
  same_text(&m.dict, &m2.dict);
  same_text(&m.key, &m2.key);
  if (m.basis_specified != m2.basis_specified || m.has_token != m2.has_token ||
      memcmp(m.token, m2.token, sizeof m.token) != 0 ||
      m.create_dict != m2.create_dict || m.create_key != m2.create_key ||
      m.has_alloc_hint != m2.has_alloc_hint || m.alloc_hint != m2.alloc_hint ||
      m.has_cb_sid != m2.has_cb_sid ||
      memcmp(m.cb_sid, m2.cb_sid, sizeof m.cb_sid) != 0 ||
      m.result != m2.result)
    abort();
}

static void
key_attr(const uint8_t *a, size_t n)
{
  struct xous__pddb_key_attr m, m2;

  if (!reread_key_attr(a, n, &m, &m2))
    return;
  same_text(&m.dict, &m2.dict);
  same_text(&m.basis, &m2.basis);
  if (m.len != m2.len || m.reserved != m2.reserved || m.age != m2.age ||
      m.flags != m2.flags || m.index != m2.index ||
      memcmp(m.token, m2.token, sizeof m.token) != 0 || m.code != m2.code)
    abort();
}

static void
key_list(const uint8_t *a, size_t n)
{
  static struct xous__pddb_key_list m, m2;

  if (reread_key_list(a, n, &m, &m2) && memcmp(&m, &m2, sizeof m) != 0)
    abort();
}

static void
key_record(const uint8_t *a, size_t n)
{
  struct xous__pddb_key_record m, m2;
  size_t used;

  if (xous__pddb_key_record_read(a, n, &m) != XOUS_OK)
    return;
  /* The data lies within the archive. */
  if (m.has_data && m.data_len > 0 &&
      (m.data < a || m.data + m.data_len > a + n))
    abort();
  if (xous__pddb_key_record_write(again, sizeof again, &m, &used) != XOUS_OK)
    return; /* data larger than the buffer */
  if (xous__pddb_key_record_read(again, used, &m2) != XOUS_OK)
    abort();
  same_text(&m.name, &m2.name);
  same_text(&m.basis, &m2.basis);
  if (m.len != m2.len || m.reserved != m2.reserved || m.age != m2.age ||
      m.index != m2.index || m.has_data != m2.has_data ||
      m.data_len != m2.data_len ||
      (m.data_len > 0 && memcmp(m.data, m2.data, m.data_len) != 0))
    abort();
}

static void
pddb_buf(const uint8_t *a, size_t n)
{
  struct xous__pddb_buf m, m2;

  if (xous__pddb_buf_read(a, n, &m) != XOUS_OK)
    return;
  xous__pddb_buf_write(again, &m);
  if (xous__pddb_buf_read(again, XOUS__PDDB_BUF_HEADER, &m2) != XOUS_OK ||
      memcmp(m.token, m2.token, sizeof m.token) != 0 ||
      m.retcode != m2.retcode || m.len != m2.len ||
      m.position != m2.position ||
      memcmp(a, again, XOUS__PDDB_BUF_HEADER) != 0)
    abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static void (*const decoders[])(const uint8_t *, size_t) = {
    basis_request, basis_list, dict_request, key_request,
    key_attr,      key_list,   key_record,   pddb_buf,
  };
  uint8_t *arch;

  if (size < 1)
    return 0;
  arch = malloc(size - 1 ? size - 1 : 1);
  if (arch == NULL)
    return 0;
  memcpy(arch, data + 1, size - 1);
  decoders[data[0] % 8](arch, size - 1);
  free(arch);
  return 0;
}
