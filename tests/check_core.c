/*
 * Unit tests of runtime/core: every syscall wrapper against the exact
 * words it hands to the backend, and every result kind through the
 * decoders. The backend is tests/support/recording_backend.c, which
 * records each call and answers with results queued by the test.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <xous.h>

#include "core/internal.h"
#include "support/recording_backend.h"

#define W(x) ((xous_word_t)(x))

/* A SID whose words are easy to spot in a call. */
static const xous_sid_t SID = { { 0x11111111u, 0x22222222u, 0x33333333u,
                                  0x44444444u } };
#define SID_WORDS 0x11111111u, 0x22222222u, 0x33333333u, 0x44444444u

/* A MessageSender word: PID 5, server index 1, slot 3. */
#define SENDER W(0x05010003u)

/* Asserts that call i had exactly the words want[0..7]. */
static void
check_call(size_t i, const xous_word_t want[8], int line)
{
  ck_assert_msg(i < rb_call_count(), "line %d: call %zu was never made", line,
                i);
  const xous_word_t *got = rb_call(i);
  for (int k = 0; k < 8; k++)
    ck_assert_msg(got[k] == want[k],
                  "line %d: call %zu word %d is %#jx, want %#jx", line, i, k,
                  (uintmax_t)got[k], (uintmax_t)want[k]);
}
#define ck_call(i, ...)                                                       \
  check_call((i), (const xous_word_t[8]){ __VA_ARGS__ }, __LINE__)
#define ck_calls(n) ck_assert_uint_eq(rb_call_count(), (n))

/* ---- errors and names ---------------------------------------------------- */

START_TEST(core_every_error_code_round_trips_through_its_result_word)
{
  for (unsigned c = 0; c < XOUS_ERROR_COUNT; c++) {
    xous_word_t w = xous__error_word((xous_error_t)c);
    if (c == XOUS_UNKNOWN_ERROR)
      ck_assert_uint_eq(w, 0xffffffffu);
    else
      ck_assert_uint_eq(w, c);
    ck_assert_uint_eq(xous__error_from_word(w), c);
  }
}
END_TEST

START_TEST(core_unknown_error_is_written_as_0xffffffff_and_read_back)
{
  ck_assert_uint_eq(xous__error_word(XOUS_UNKNOWN_ERROR), 0xffffffffu);
  ck_assert_uint_eq(XOUS_UNKNOWN_ERROR_WORD, 0xffffffffu);
  ck_assert_int_eq(xous__error_from_word(0xffffffffu), XOUS_UNKNOWN_ERROR);
}
END_TEST

START_TEST(core_words_the_kernel_does_not_know_decode_as_unknown_error)
{
  const xous_word_t words[] = { 22,          40,          41,         1000,
                                0xfffffffeu, 0xffffffffu, UINTPTR_MAX };
  for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
    ck_assert_int_eq(xous__error_from_word(words[i]), XOUS_UNKNOWN_ERROR);
}
END_TEST

START_TEST(core_a_code_outside_the_list_is_written_as_unknown_error)
{
  ck_assert_uint_eq(xous__error_word(XOUS_ERROR_COUNT), 0xffffffffu);
  ck_assert_uint_eq(xous__error_word((xous_error_t)1000), 0xffffffffu);
}
END_TEST

/* Asserts that text_of gives every error code a text, none of them empty
 * and no two the same. */
static void
check_distinct_texts(const char *(*text_of)(xous_error_t))
{
  for (unsigned a = 0; a < XOUS_ERROR_COUNT; a++) {
    const char *sa = text_of((xous_error_t)a);
    ck_assert_ptr_nonnull(sa);
    ck_assert_uint_gt(strlen(sa), 0);
    for (unsigned b = 0; b < a; b++)
      ck_assert_str_ne(sa, text_of((xous_error_t)b));
  }
}

START_TEST(core_strerror_is_never_null_and_distinct_for_every_code)
{
  check_distinct_texts(xous_strerror);
}
END_TEST

START_TEST(core_error_name_is_never_null_and_distinct_for_every_code)
{
  check_distinct_texts(xous_error_name);
}
END_TEST

START_TEST(core_error_names_and_texts_come_from_the_list)
{
#define CHECK_ERROR_(name, num, xname, text)                                  \
  ck_assert_int_eq(XOUS_##name, num);                                         \
  ck_assert_str_eq(xous_error_name(XOUS_##name), xname);                      \
  ck_assert_str_eq(xous_strerror(XOUS_##name), text);
  XOUS_ERROR_MAP(CHECK_ERROR_)
#undef CHECK_ERROR_
  ck_assert_str_eq(xous_error_name(XOUS_SERVER_NOT_FOUND), "ServerNotFound");
  ck_assert_int_eq(XOUS_SECURITY_ERROR, 39);
  ck_assert_int_eq(XOUS_ERROR_COUNT, XOUS_SECURITY_ERROR + 1);
}
END_TEST

START_TEST(core_an_out_of_range_error_is_described_as_unknown)
{
  const unsigned bad[] = { XOUS_ERROR_COUNT, 41, 1000, 0xffffffffu };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    ck_assert_str_eq(xous_strerror((xous_error_t)bad[i]), "unknown error");
    ck_assert_str_eq(xous_error_name((xous_error_t)bad[i]), "UnknownError");
  }
}
END_TEST

START_TEST(core_syscall_name_gives_the_kernel_name_of_every_listed_number)
{
#define CHECK_SYSCALL_(name, num, xname)                                      \
  ck_assert_str_eq(xous_syscall_name(num), xname);
  XOUS_SYSCALL_MAP(CHECK_SYSCALL_)
#undef CHECK_SYSCALL_
  ck_assert_str_eq(xous_syscall_name(16), "SendMessage");
  ck_assert_str_eq(xous_syscall_name(41), "ReplyAndReceiveNext");
}
END_TEST

START_TEST(core_syscall_name_is_null_for_an_unlisted_number)
{
  ck_assert_ptr_null(xous_syscall_name(1));
  ck_assert_ptr_null(xous_syscall_name(XOUS_SYSCALL_COUNT));
  ck_assert_ptr_null(xous_syscall_name(1000));
  ck_assert_ptr_null(xous_syscall_name(UINTPTR_MAX));
}
END_TEST

/* ---- SIDs and senders ---------------------------------------------------- */

START_TEST(core_sid_from_name_matches_every_name_in_the_abi_table)
{
  static const struct {
    const char *name;
    uint32_t w[4];
  } table[] = {
    { "xous-name-server", { 0x73756f78, 0x6d616e2d, 0x65732d65, 0x72657672 } },
    { "ticktimer-server", { 0x6b636974, 0x656d6974, 0x65732d72, 0x72657672 } },
    { "xous-log-server ", { 0x73756f78, 0x676f6c2d, 0x7265732d, 0x20726576 } },
    { "timeserverpublic", { 0x656d6974, 0x76726573, 0x75707265, 0x63696c62 } },
  };
  for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
    xous_sid_t sid = xous_sid_from_name(table[i].name);
    for (int k = 0; k < 4; k++)
      ck_assert_msg(sid.w[k] == table[i].w[k], "%s: w[%d] is %08x, want %08x",
                    table[i].name, k, sid.w[k], table[i].w[k]);
  }
}
END_TEST

START_TEST(core_sid_from_name_reads_each_group_little_endian)
{
  const char name[16] = { 1, 2,  3,  4,  5,  6,  7,  8,
                          9, 10, 11, 12, 13, 14, 15, (char)0xf0 };
  xous_sid_t sid = xous_sid_from_name(name);
  ck_assert_uint_eq(sid.w[0], 0x04030201u);
  ck_assert_uint_eq(sid.w[1], 0x08070605u);
  ck_assert_uint_eq(sid.w[2], 0x0c0b0a09u);
  ck_assert_uint_eq(sid.w[3], 0xf00f0e0du);
}
END_TEST

START_TEST(core_sid_eq_compares_all_four_words)
{
  ck_assert(xous_sid_eq(SID, SID));
  for (int k = 0; k < 4; k++) {
    xous_sid_t other = SID;
    other.w[k] ^= 0x100;
    ck_assert(!xous_sid_eq(SID, other));
    ck_assert(!xous_sid_eq(other, SID));
  }
}
END_TEST

START_TEST(core_sender_pid_is_bits_31_to_24_of_the_sender)
{
  ck_assert_uint_eq(xous_sender_pid(SENDER), 5);
  ck_assert_uint_eq(xous_sender_pid(W(0xff00ffffu)), 0xff);
  ck_assert_uint_eq(xous_sender_pid(W(0x00ffffffu)), 0);
}
END_TEST

/* ---- decoding ------------------------------------------------------------ */

/* Every result tag the kernel writes, and one it does not know. */
static const xous_word_t result_tags[] = {
#define TAG_(name, num, xname) num,
  XOUS_RESULT_MAP(TAG_)
#undef TAG_
      XOUS_RESULT_UNKNOWN
};

START_TEST(core_every_result_kind_round_trips_through_words_to_result)
{
  for (size_t i = 0; i < sizeof(result_tags) / sizeof(result_tags[0]); i++) {
    const xous_word_t r[8] = { result_tags[i], 11, 22, 33, 44, 55, 66, 77 };
    xous_result_t res;
    xous__words_to_result(r, &res);
    ck_assert_uint_eq(res.kind, result_tags[i]);
    for (int k = 0; k < 7; k++)
      ck_assert_uint_eq(res.w[k], r[k + 1]);
  }
}
END_TEST

START_TEST(core_result_error_is_ok_for_every_tag_but_error)
{
  for (size_t i = 0; i < sizeof(result_tags) / sizeof(result_tags[0]); i++) {
    if (result_tags[i] == XOUS_RESULT_ERROR)
      continue;
    const xous_word_t r[8] = { result_tags[i], XOUS_SERVER_NOT_FOUND };
    ck_assert_int_eq(xous__result_error(r), XOUS_OK);
  }
}
END_TEST

START_TEST(core_result_error_reads_every_code_from_an_error_result)
{
  for (unsigned c = 1; c < XOUS_ERROR_COUNT; c++) {
    const xous_word_t r[8] = { XOUS_RESULT_ERROR,
                               xous__error_word((xous_error_t)c) };
    ck_assert_int_eq(xous__result_error(r), c);
  }
  const xous_word_t unknown[8] = { XOUS_RESULT_ERROR, 12345 };
  ck_assert_int_eq(xous__result_error(unknown), XOUS_UNKNOWN_ERROR);
}
END_TEST

START_TEST(core_decode_envelope_turns_every_0_based_kind_into_its_send_code)
{
  static const xous_msg_kind_t want[] = { XOUS_MSG_LEND_MUT, XOUS_MSG_LEND,
                                          XOUS_MSG_SEND, XOUS_MSG_SCALAR,
                                          XOUS_MSG_BLOCKING_SCALAR };
  for (unsigned k = 0; k < 5; k++) {
    const xous_word_t r[8] = { XOUS_RESULT_MESSAGE_ENVELOPE, SENDER, k, 7 };
    xous_envelope_t env;
    ck_assert_int_eq(xous__decode_envelope(r, &env), XOUS_OK);
    ck_assert_int_eq(env.body.kind, want[k]);
    ck_assert_uint_eq(env.sender, SENDER);
  }
}
END_TEST

START_TEST(core_decode_envelope_reads_addr_len_offset_valid_for_memory_kinds)
{
  for (unsigned k = 0; k < 3; k++) {
    const xous_word_t r[8] = { XOUS_RESULT_MESSAGE_ENVELOPE,
                               SENDER,
                               k,
                               9,
                               0x40001000u,
                               0x2000,
                               0x10,
                               0x20 };
    xous_envelope_t env;
    ck_assert_int_eq(xous__decode_envelope(r, &env), XOUS_OK);
    ck_assert_uint_eq(env.body.memory.id, 9);
    ck_assert_ptr_eq(env.body.memory.buf.addr, (void *)W(0x40001000u));
    ck_assert_uint_eq(env.body.memory.buf.len, 0x2000);
    ck_assert_uint_eq(env.body.memory.offset, 0x10);
    ck_assert_uint_eq(env.body.memory.valid, 0x20);
  }
}
END_TEST

START_TEST(core_decode_envelope_reads_arg1_to_arg4_for_scalar_kinds)
{
  for (unsigned k = 3; k < 5; k++) {
    const xous_word_t r[8] = {
      XOUS_RESULT_MESSAGE_ENVELOPE, SENDER, k, 9, 101, 102, 103, 104
    };
    xous_envelope_t env;
    ck_assert_int_eq(xous__decode_envelope(r, &env), XOUS_OK);
    ck_assert_uint_eq(env.body.scalar.id, 9);
    ck_assert_uint_eq(env.body.scalar.arg1, 101);
    ck_assert_uint_eq(env.body.scalar.arg2, 102);
    ck_assert_uint_eq(env.body.scalar.arg3, 103);
    ck_assert_uint_eq(env.body.scalar.arg4, 104);
  }
}
END_TEST

START_TEST(core_decode_envelope_rejects_a_kind_above_4)
{
  const xous_word_t r[8] = { XOUS_RESULT_MESSAGE_ENVELOPE, SENDER, 5, 9 };
  xous_envelope_t env = { .sender = 77 };
  ck_assert_int_eq(xous__decode_envelope(r, &env), XOUS_INTERNAL_ERROR);
  ck_assert_uint_eq(env.sender, 77);
}
END_TEST

START_TEST(core_decode_envelope_passes_the_error_of_an_error_result_through)
{
  const xous_word_t r[8] = { XOUS_RESULT_ERROR, XOUS_SERVER_NOT_FOUND };
  xous_envelope_t env;
  ck_assert_int_eq(xous__decode_envelope(r, &env), XOUS_SERVER_NOT_FOUND);
}
END_TEST

START_TEST(core_decode_envelope_rejects_any_other_tag)
{
  const xous_word_t r[8] = { XOUS_RESULT_SCALAR1, SENDER, 1, 9 };
  xous_envelope_t env;
  ck_assert_int_eq(xous__decode_envelope(r, &env), XOUS_INTERNAL_ERROR);
}
END_TEST

START_TEST(core_decode_envelope_accepts_a_null_envelope)
{
  const xous_word_t r[8] = { XOUS_RESULT_MESSAGE_ENVELOPE, SENDER, 3, 9 };
  ck_assert_int_eq(xous__decode_envelope(r, NULL), XOUS_OK);
}
END_TEST

/* ---- memory -------------------------------------------------------------- */

START_TEST(core_map_memory_puts_phys_virt_size_flags_in_words_1_to_4)
{
  rb_push(XOUS_RESULT_MEMORY_RANGE, 0x60000000u, 0x3000);
  xous_range_t out;
  ck_assert_int_eq(xous_map_memory(0x1000, 0x2000, 0x3000,
                                   XOUS_MEM_R | XOUS_MEM_W, &out),
                   XOUS_OK);
  ck_calls(1);
  ck_call(0, XOUS_SYSCALL_MAP_MEMORY, 0x1000, 0x2000, 0x3000, 0x6);
  ck_assert_ptr_eq(out.addr, (void *)W(0x60000000u));
  ck_assert_uint_eq(out.len, 0x3000);
}
END_TEST

START_TEST(core_map_memory_returns_the_error_and_leaves_out_alone)
{
  rb_push(XOUS_RESULT_ERROR, XOUS_OUT_OF_MEMORY);
  xous_range_t out = { (void *)W(0x1234), 5 };
  ck_assert_int_eq(xous_map_memory(0, 0, 0x1000, XOUS_MEM_R, &out),
                   XOUS_OUT_OF_MEMORY);
  ck_assert_ptr_eq(out.addr, (void *)W(0x1234));
  ck_assert_uint_eq(out.len, 5);
}
END_TEST

START_TEST(core_map_memory_treats_an_unexpected_tag_as_an_internal_error)
{
  rb_push(XOUS_RESULT_OK);
  ck_assert_int_eq(xous_map_memory(0, 0, 0x1000, XOUS_MEM_R, NULL),
                   XOUS_INTERNAL_ERROR);
  rb_push(XOUS_RESULT_ERROR, 0); /* an Error that says NoError */
  ck_assert_int_eq(xous_map_memory(0, 0, 0x1000, XOUS_MEM_R, NULL),
                   XOUS_INTERNAL_ERROR);
}
END_TEST

START_TEST(core_map_memory_accepts_a_null_out)
{
  rb_push(XOUS_RESULT_MEMORY_RANGE, 0x60000000u, 0x1000);
  ck_assert_int_eq(xous_map_memory(0, 0, 0x1000, XOUS_MEM_R, NULL), XOUS_OK);
}
END_TEST

START_TEST(core_unmap_memory_puts_addr_and_len_in_words_1_and_2)
{
  xous_range_t range = { (void *)W(0x60002000u), 0x4000 };
  ck_assert_int_eq(xous_unmap_memory(range), XOUS_OK);
  ck_call(0, XOUS_SYSCALL_UNMAP_MEMORY, 0x60002000u, 0x4000);
  rb_push(XOUS_RESULT_ERROR, XOUS_BAD_ADDRESS);
  ck_assert_int_eq(xous_unmap_memory(range), XOUS_BAD_ADDRESS);
}
END_TEST

START_TEST(core_increase_heap_puts_bytes_and_flags_in_words_1_and_2)
{
  rb_push(XOUS_RESULT_MEMORY_RANGE, 0x20000000u, 0x2000);
  xous_range_t out;
  ck_assert_int_eq(xous_increase_heap(0x2000, XOUS_MEM_R | XOUS_MEM_W, &out),
                   XOUS_OK);
  ck_call(0, XOUS_SYSCALL_INCREASE_HEAP, 0x2000, 0x6);
  ck_assert_ptr_eq(out.addr, (void *)W(0x20000000u));
  ck_assert_uint_eq(out.len, 0x2000);
}
END_TEST

START_TEST(core_decrease_heap_puts_bytes_in_word_1_and_returns_the_heap)
{
  rb_push(XOUS_RESULT_MEMORY_RANGE, 0x20000000u, 0x1000);
  xous_range_t out;
  ck_assert_int_eq(xous_decrease_heap(0x1000, &out), XOUS_OK);
  ck_call(0, XOUS_SYSCALL_DECREASE_HEAP, 0x1000);
  ck_assert_ptr_eq(out.addr, (void *)W(0x20000000u));
  ck_assert_uint_eq(out.len, 0x1000);
}
END_TEST

START_TEST(core_update_memory_flags_puts_addr_len_flags_pid_in_words_1_to_4)
{
  xous_range_t range = { (void *)W(0x60000000u), 0x1000 };
  ck_assert_int_eq(xous_update_memory_flags(range, XOUS_MEM_R, 7), XOUS_OK);
  ck_call(0, XOUS_SYSCALL_UPDATE_MEMORY_FLAGS, 0x60000000u, 0x1000, 0x2, 7);
  rb_push(XOUS_RESULT_ERROR, XOUS_PROCESS_NOT_CHILD);
  ck_assert_int_eq(xous_update_memory_flags(range, XOUS_MEM_R, 7),
                   XOUS_PROCESS_NOT_CHILD);
}
END_TEST

/* ---- servers and connections -------------------------------------------- */

START_TEST(core_create_server_with_address_puts_the_sid_in_words_1_to_4)
{
  rb_push(XOUS_RESULT_NEW_SERVER_ID, SID_WORDS, 2);
  xous_cid_t cid = 0;
  ck_assert_int_eq(xous_create_server_with_address(SID, &cid), XOUS_OK);
  ck_call(0, XOUS_SYSCALL_CREATE_SERVER_WITH_ADDRESS, SID_WORDS);
  ck_assert_uint_eq(cid, 2);
}
END_TEST

START_TEST(core_create_server_with_address_returns_server_not_found)
{
  rb_push(XOUS_RESULT_ERROR, XOUS_SERVER_NOT_FOUND);
  xous_cid_t cid = 99;
  ck_assert_int_eq(xous_create_server_with_address(SID, &cid),
                   XOUS_SERVER_NOT_FOUND);
  ck_assert_uint_eq(cid, 99);
}
END_TEST

START_TEST(core_create_server_returns_the_sid_and_cid_of_new_server_id)
{
  rb_push(XOUS_RESULT_NEW_SERVER_ID, SID_WORDS, 3);
  xous_sid_t sid = { { 0 } };
  xous_cid_t cid = 0;
  ck_assert_int_eq(xous_create_server(&sid, &cid), XOUS_OK);
  ck_call(0, XOUS_SYSCALL_CREATE_SERVER);
  ck_assert(xous_sid_eq(sid, SID));
  ck_assert_uint_eq(cid, 3);
}
END_TEST

START_TEST(core_create_server_id_returns_the_sid_of_server_id)
{
  rb_push(XOUS_RESULT_SERVER_ID, SID_WORDS);
  xous_sid_t sid = { { 0 } };
  ck_assert_int_eq(xous_create_server_id(&sid), XOUS_OK);
  ck_call(0, XOUS_SYSCALL_CREATE_SERVER_ID);
  ck_assert(xous_sid_eq(sid, SID));
  rb_push(XOUS_RESULT_CONNECTION_ID, 2);
  ck_assert_int_eq(xous_create_server_id(&sid), XOUS_INTERNAL_ERROR);
}
END_TEST

START_TEST(core_destroy_server_puts_the_sid_in_words_1_to_4)
{
  ck_assert_int_eq(xous_destroy_server(SID), XOUS_OK);
  ck_call(0, XOUS_SYSCALL_DESTROY_SERVER, SID_WORDS);
  rb_push(XOUS_RESULT_ERROR, XOUS_SERVER_QUEUE_FULL);
  ck_assert_int_eq(xous_destroy_server(SID), XOUS_SERVER_QUEUE_FULL);
}
END_TEST

/* Asserts that connect (xous_connect or xous_try_connect) makes call
 * number with the SID in words 1 to 4 and returns the CID answered. */
static void
check_connect(xous_error_t (*connect)(xous_sid_t, xous_cid_t *),
              xous_word_t number, xous_cid_t answered)
{
  xous_cid_t cid = 0;

  rb_push(XOUS_RESULT_CONNECTION_ID, answered);
  ck_assert_int_eq(connect(SID, &cid), XOUS_OK);
  ck_call(0, number, SID_WORDS);
  ck_assert_uint_eq(cid, answered);
}

START_TEST(core_connect_puts_the_sid_in_words_1_to_4_and_returns_the_cid)
{
  check_connect(xous_connect, XOUS_SYSCALL_CONNECT, 4);
}
END_TEST

START_TEST(core_try_connect_puts_the_sid_in_words_1_to_4_and_returns_the_cid)
{
  check_connect(xous_try_connect, XOUS_SYSCALL_TRY_CONNECT, 5);
}
END_TEST

START_TEST(core_try_connect_returns_server_not_found)
{
  rb_push(XOUS_RESULT_ERROR, XOUS_SERVER_NOT_FOUND);
  ck_assert_int_eq(xous_try_connect(SID, NULL), XOUS_SERVER_NOT_FOUND);
}
END_TEST

START_TEST(core_connect_for_process_puts_pid_in_word_1_and_sid_in_words_2_to_5)
{
  rb_push(XOUS_RESULT_CONNECTION_ID, 6);
  xous_cid_t cid = 0;
  ck_assert_int_eq(xous_connect_for_process(9, SID, &cid), XOUS_OK);
  ck_call(0, XOUS_SYSCALL_CONNECT_FOR_PROCESS, 9, SID_WORDS);
  ck_assert_uint_eq(cid, 6);
}
END_TEST

START_TEST(core_disconnect_puts_the_cid_in_word_1)
{
  ck_assert_int_eq(xous_disconnect(7), XOUS_OK);
  ck_call(0, XOUS_SYSCALL_DISCONNECT, 7);
  rb_push(XOUS_RESULT_ERROR, XOUS_SERVER_NOT_FOUND);
  ck_assert_int_eq(xous_disconnect(7), XOUS_SERVER_NOT_FOUND);
}
END_TEST

/* ---- messages ------------------------------------------------------------ */

static xous_message_t
scalar_msg(xous_msg_kind_t kind)
{
  xous_message_t msg = {
    .kind = kind,
    .scalar = { .id = 7, .arg1 = 1, .arg2 = 2, .arg3 = 3, .arg4 = 4 }
  };
  return msg;
}

static xous_message_t
memory_msg(xous_msg_kind_t kind)
{
  xous_message_t msg = { .kind = kind,
                         .memory = { .id = 8,
                                     .buf = { (void *)W(0x60001000u), 0x2000 },
                                     .offset = 0x10,
                                     .valid = 0x20 } };
  return msg;
}

START_TEST(core_send_message_puts_cid_kind_and_id_in_words_1_to_3)
{
  xous_message_t msg = scalar_msg(XOUS_MSG_SCALAR);
  ck_assert_int_eq(xous_send_message(3, &msg, NULL), XOUS_OK);
  ck_calls(1);
  ck_call(0, XOUS_SYSCALL_SEND_MESSAGE, 3, 4, 7, 1, 2, 3, 4);
}
END_TEST

START_TEST(core_send_message_puts_arg1_to_arg4_in_words_4_to_7_for_scalars)
{
  xous_message_t msg = scalar_msg(XOUS_MSG_BLOCKING_SCALAR);
  rb_push(XOUS_RESULT_SCALAR1, 42);
  ck_assert_int_eq(xous_send_message(3, &msg, NULL), XOUS_OK);
  ck_call(0, XOUS_SYSCALL_SEND_MESSAGE, 3, 5, 7, 1, 2, 3, 4);
}
END_TEST

START_TEST(
    core_send_message_puts_addr_len_offset_valid_in_words_4_to_7_for_memory)
{
  const xous_msg_kind_t kinds[] = { XOUS_MSG_LEND_MUT, XOUS_MSG_LEND,
                                    XOUS_MSG_SEND };
  for (size_t i = 0; i < 3; i++) {
    xous_message_t msg = memory_msg(kinds[i]);
    ck_assert_int_eq(xous_send_message(3, &msg, NULL), XOUS_OK);
    ck_call(i, XOUS_SYSCALL_SEND_MESSAGE, 3, kinds[i], 8, 0x60001000u, 0x2000,
            0x10, 0x20);
  }
}
END_TEST

START_TEST(core_send_message_gives_the_raw_result_to_the_caller)
{
  xous_message_t msg = scalar_msg(XOUS_MSG_BLOCKING_SCALAR);
  rb_push(XOUS_RESULT_SCALAR5, 11, 12, 13, 14, 15, 16, 17);
  xous_result_t res;
  ck_assert_int_eq(xous_send_message(3, &msg, &res), XOUS_OK);
  ck_assert_uint_eq(res.kind, XOUS_RESULT_SCALAR5);
  for (int k = 0; k < 7; k++)
    ck_assert_uint_eq(res.w[k], 11u + (unsigned)k);
}
END_TEST

START_TEST(core_send_message_returns_the_error_and_still_fills_the_result)
{
  xous_message_t msg = scalar_msg(XOUS_MSG_SCALAR);
  rb_push(XOUS_RESULT_ERROR, XOUS_SERVER_NOT_FOUND);
  xous_result_t res;
  ck_assert_int_eq(xous_send_message(3, &msg, &res), XOUS_SERVER_NOT_FOUND);
  ck_assert_uint_eq(res.kind, XOUS_RESULT_ERROR);
  ck_assert_uint_eq(res.w[0], XOUS_SERVER_NOT_FOUND);
}
END_TEST

START_TEST(
    core_send_message_rejects_a_bad_kind_or_no_message_without_a_syscall)
{
  xous_message_t msg = scalar_msg(XOUS_MSG_SCALAR);
  msg.kind = (xous_msg_kind_t)0;
  ck_assert_int_eq(xous_send_message(3, &msg, NULL), XOUS_INVALID_ARGUMENT);
  msg.kind = (xous_msg_kind_t)6;
  ck_assert_int_eq(xous_send_message(3, &msg, NULL), XOUS_INVALID_ARGUMENT);
  ck_assert_int_eq(xous_send_message(3, NULL, NULL), XOUS_INVALID_ARGUMENT);
  ck_calls(0);
}
END_TEST

START_TEST(core_try_send_message_uses_number_24_with_the_same_words)
{
  xous_message_t msg = memory_msg(XOUS_MSG_LEND);
  rb_push(XOUS_RESULT_MEMORY_RETURNED, 1, 2);
  xous_result_t res;
  ck_assert_int_eq(xous_try_send_message(3, &msg, &res), XOUS_OK);
  ck_call(0, XOUS_SYSCALL_TRY_SEND_MESSAGE, 3, 2, 8, 0x60001000u, 0x2000, 0x10,
          0x20);
  ck_assert_uint_eq(res.kind, XOUS_RESULT_MEMORY_RETURNED);
  ck_assert_uint_eq(res.w[0], 1);
  ck_assert_uint_eq(res.w[1], 2);
}
END_TEST

START_TEST(core_try_send_message_returns_server_queue_full)
{
  xous_message_t msg = scalar_msg(XOUS_MSG_SCALAR);
  rb_push(XOUS_RESULT_ERROR, XOUS_SERVER_QUEUE_FULL);
  ck_assert_int_eq(xous_try_send_message(3, &msg, NULL),
                   XOUS_SERVER_QUEUE_FULL);
}
END_TEST

START_TEST(core_receive_message_puts_the_sid_in_words_1_to_4_and_decodes_it)
{
  rb_push(XOUS_RESULT_MESSAGE_ENVELOPE, SENDER, 4, 7, 1, 2, 3, 4);
  xous_envelope_t env;
  ck_assert_int_eq(xous_receive_message(SID, &env), XOUS_OK);
  ck_call(0, XOUS_SYSCALL_RECEIVE_MESSAGE, SID_WORDS);
  ck_assert_uint_eq(env.sender, SENDER);
  ck_assert_int_eq(env.body.kind, XOUS_MSG_BLOCKING_SCALAR);
  ck_assert_uint_eq(env.body.scalar.id, 7);
  ck_assert_uint_eq(env.body.scalar.arg4, 4);
}
END_TEST

START_TEST(core_receive_message_returns_the_error_of_an_error_result)
{
  rb_push(XOUS_RESULT_ERROR, XOUS_SERVER_NOT_FOUND);
  xous_envelope_t env;
  ck_assert_int_eq(xous_receive_message(SID, &env), XOUS_SERVER_NOT_FOUND);
}
END_TEST

START_TEST(core_try_receive_message_reports_none_as_not_received)
{
  rb_push(XOUS_RESULT_NONE);
  xous_envelope_t env;
  bool received = true;
  ck_assert_int_eq(xous_try_receive_message(SID, &env, &received), XOUS_OK);
  ck_call(0, XOUS_SYSCALL_TRY_RECEIVE_MESSAGE, SID_WORDS);
  ck_assert(!received);
}
END_TEST

START_TEST(core_try_receive_message_reports_an_envelope_as_received)
{
  rb_push(XOUS_RESULT_MESSAGE_ENVELOPE, SENDER, 1, 9, 0x40000000u, 0x1000, 3,
          4);
  xous_envelope_t env;
  bool received = false;
  ck_assert_int_eq(xous_try_receive_message(SID, &env, &received), XOUS_OK);
  ck_assert(received);
  ck_assert_int_eq(env.body.kind, XOUS_MSG_LEND);
  ck_assert_ptr_eq(env.body.memory.buf.addr, (void *)W(0x40000000u));
  ck_assert_uint_eq(env.body.memory.buf.len, 0x1000);
}
END_TEST

START_TEST(core_try_receive_message_reports_an_error_as_not_received)
{
  rb_push(XOUS_RESULT_ERROR, XOUS_SERVER_NOT_FOUND);
  xous_envelope_t env;
  bool received = true;
  ck_assert_int_eq(xous_try_receive_message(SID, &env, &received),
                   XOUS_SERVER_NOT_FOUND);
  ck_assert(!received);
}
END_TEST

START_TEST(
    core_return_memory_puts_sender_addr_len_offset_valid_in_words_1_to_5)
{
  xous_range_t buf = { (void *)W(0x40002000u), 0x3000 };
  ck_assert_int_eq(xous_return_memory(SENDER, buf, 5, 6), XOUS_OK);
  ck_call(0, XOUS_SYSCALL_RETURN_MEMORY, SENDER, 0x40002000u, 0x3000, 5, 6);
  rb_push(XOUS_RESULT_ERROR, XOUS_DOUBLE_FREE);
  ck_assert_int_eq(xous_return_memory(SENDER, buf, 5, 6), XOUS_DOUBLE_FREE);
}
END_TEST

START_TEST(core_return_scalar1_puts_sender_and_value_in_words_1_and_2)
{
  ck_assert_int_eq(xous_return_scalar1(SENDER, 42), XOUS_OK);
  ck_call(0, XOUS_SYSCALL_RETURN_SCALAR1, SENDER, 42);
}
END_TEST

START_TEST(core_return_scalar2_puts_sender_and_values_in_words_1_to_3)
{
  ck_assert_int_eq(xous_return_scalar2(SENDER, 42, 43), XOUS_OK);
  ck_call(0, XOUS_SYSCALL_RETURN_SCALAR2, SENDER, 42, 43);
}
END_TEST

START_TEST(core_return_scalar5_puts_sender_and_values_in_words_1_to_6)
{
  ck_assert_int_eq(xous_return_scalar5(SENDER, 1, 2, 3, 4, 5), XOUS_OK);
  ck_call(0, XOUS_SYSCALL_RETURN_SCALAR5, SENDER, 1, 2, 3, 4, 5);
  rb_push(XOUS_RESULT_ERROR, XOUS_DOUBLE_FREE);
  ck_assert_int_eq(xous_return_scalar5(SENDER, 1, 2, 3, 4, 5),
                   XOUS_DOUBLE_FREE);
}
END_TEST

/* ---- ReplyAndReceiveNext ------------------------------------------------- */

static const xous_word_t REPLY[5] = { 0xa, 0xb, 0xc, 0xd, 0xe };

static xous_envelope_t
blocking_env(void)
{
  xous_envelope_t env = { .sender = SENDER,
                          .body = scalar_msg(XOUS_MSG_BLOCKING_SCALAR) };
  return env;
}

/* Queues the next message: a Scalar from PID 6 with id 99. */
static void
push_next_envelope(void)
{
  rb_push(XOUS_RESULT_MESSAGE_ENVELOPE, 0x06000000u, 3, 99, 1, 2, 3, 4);
}

static void
check_next_envelope(const xous_envelope_t *env)
{
  ck_assert_uint_eq(env->sender, 0x06000000u);
  ck_assert_int_eq(env->body.kind, XOUS_MSG_SCALAR);
  ck_assert_uint_eq(env->body.scalar.id, 99);
  ck_assert_uint_eq(env->body.scalar.arg1, 1);
  ck_assert_uint_eq(env->body.scalar.arg4, 4);
}

START_TEST(core_reply_and_receive_next_answers_one_word_in_a3_with_type_1)
{
  xous_envelope_t env = blocking_env();
  push_next_envelope();
  ck_assert_int_eq(xous_reply_and_receive_next(SID, &env, REPLY, 1), XOUS_OK);
  ck_calls(1);
  ck_call(0, XOUS_SYSCALL_REPLY_AND_RECEIVE_NEXT, SENDER, 0, 0xa, 0, 0, 0, 1);
  check_next_envelope(&env);
}
END_TEST

START_TEST(core_reply_and_receive_next_answers_two_words_in_a3_a4_with_type_2)
{
  xous_envelope_t env = blocking_env();
  push_next_envelope();
  ck_assert_int_eq(xous_reply_and_receive_next(SID, &env, REPLY, 2), XOUS_OK);
  ck_call(0, XOUS_SYSCALL_REPLY_AND_RECEIVE_NEXT, SENDER, 0, 0xa, 0xb, 0, 0,
          2);
  check_next_envelope(&env);
}
END_TEST

START_TEST(
    core_reply_and_receive_next_answers_five_words_in_a2_to_a6_with_type_5)
{
  xous_envelope_t env = blocking_env();
  push_next_envelope();
  ck_assert_int_eq(xous_reply_and_receive_next(SID, &env, REPLY, 5), XOUS_OK);
  ck_call(0, XOUS_SYSCALL_REPLY_AND_RECEIVE_NEXT, SENDER, 0xa, 0xb, 0xc, 0xd,
          0xe, 5);
  check_next_envelope(&env);
}
END_TEST

START_TEST(
    core_reply_and_receive_next_rejects_other_word_counts_without_a_syscall)
{
  const unsigned counts[] = { 0, 3, 4, 6, 100 };
  for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
    xous_envelope_t env = blocking_env();
    ck_assert_int_eq(xous_reply_and_receive_next(SID, &env, REPLY, counts[i]),
                     XOUS_INVALID_ARGUMENT);
    ck_assert_uint_eq(env.sender, SENDER);
  }
  ck_calls(0);
}
END_TEST

START_TEST(core_reply_and_receive_next_answers_a_lend_with_memory_words)
{
  const xous_msg_kind_t kinds[] = { XOUS_MSG_LEND, XOUS_MSG_LEND_MUT };
  for (size_t i = 0; i < 2; i++) {
    xous_envelope_t env = { .sender = SENDER, .body = memory_msg(kinds[i]) };
    push_next_envelope();
    ck_assert_int_eq(xous_reply_and_receive_next(SID, &env, REPLY, 2),
                     XOUS_OK);
    /* id, addr, len, then offset and valid from reply[0] and reply[1]. */
    ck_call(i, XOUS_SYSCALL_REPLY_AND_RECEIVE_NEXT, SENDER, 8, 0x60001000u,
            0x2000, 0xa, 0xb, XOUS_REPLY_MEMORY);
    check_next_envelope(&env);
  }
}
END_TEST

START_TEST(core_reply_and_receive_next_only_receives_after_a_scalar_or_a_send)
{
  xous_envelope_t env = { .sender = SENDER,
                          .body = scalar_msg(XOUS_MSG_SCALAR) };
  push_next_envelope();
  ck_assert_int_eq(xous_reply_and_receive_next(SID, &env, REPLY, 1), XOUS_OK);
  ck_call(0, XOUS_SYSCALL_RECEIVE_MESSAGE, SID_WORDS);
  check_next_envelope(&env);

  env = (xous_envelope_t){ .sender = SENDER,
                           .body = memory_msg(XOUS_MSG_SEND) };
  push_next_envelope();
  ck_assert_int_eq(xous_reply_and_receive_next(SID, &env, REPLY, 1), XOUS_OK);
  ck_call(1, XOUS_SYSCALL_RECEIVE_MESSAGE, SID_WORDS);
  check_next_envelope(&env);
}
END_TEST

START_TEST(core_reply_and_receive_next_only_receives_when_the_sender_is_0)
{
  xous_envelope_t env = blocking_env();
  env.sender = 0;
  push_next_envelope();
  ck_assert_int_eq(xous_reply_and_receive_next(SID, &env, NULL, 0), XOUS_OK);
  ck_calls(1);
  ck_call(0, XOUS_SYSCALL_RECEIVE_MESSAGE, SID_WORDS);
  check_next_envelope(&env);
}
END_TEST

START_TEST(core_reply_and_receive_next_clears_the_envelope_after_an_error)
{
  xous_envelope_t env = blocking_env();
  rb_push(XOUS_RESULT_ERROR, XOUS_SERVER_NOT_FOUND);
  ck_assert_int_eq(xous_reply_and_receive_next(SID, &env, REPLY, 1),
                   XOUS_SERVER_NOT_FOUND);
  ck_assert_uint_eq(env.sender, 0);
  /* So calling again only receives, never answering the old message twice. */
  push_next_envelope();
  ck_assert_int_eq(xous_reply_and_receive_next(SID, &env, REPLY, 1), XOUS_OK);
  ck_call(1, XOUS_SYSCALL_RECEIVE_MESSAGE, SID_WORDS);
}
END_TEST

START_TEST(core_reply_and_receive_next_rejects_a_null_envelope)
{
  ck_assert_int_eq(xous_reply_and_receive_next(SID, NULL, REPLY, 1),
                   XOUS_INVALID_ARGUMENT);
  ck_calls(0);
}
END_TEST

/* ---- threads, processes, events ----------------------------------------- */

static void *
thread_entry(void *arg)
{
  return arg;
}

static void
irq_handler(unsigned irq, void *arg)
{
  (void)irq;
  (void)arg;
}

START_TEST(core_create_thread_puts_entry_stack_and_arg_in_words_1_to_4)
{
  const xous_range_t stack = { (void *)W(0x70000000u), 0x8000 };
  rb_set_thread_stack(XOUS_OK, &stack);
  rb_push(XOUS_RESULT_THREAD_ID, 3);
  xous_tid_t tid = 0;
  ck_assert_int_eq(xous_create_thread(thread_entry, (void *)W(0x1234), 0x8000,
                                      &tid),
                   XOUS_OK);
  ck_assert_uint_eq(rb_thread_stack_calls(), 1);
  ck_assert_uint_eq(rb_thread_stack_size(), 0x8000);
  ck_calls(1);
  ck_call(0, XOUS_SYSCALL_CREATE_THREAD, (xous_word_t)thread_entry,
          0x70000000u, 0x8000, 0x1234, 0, 0, 0);
  ck_assert_uint_eq(tid, 3);
}
END_TEST

START_TEST(core_create_thread_asks_for_128_kib_when_stack_size_is_0)
{
  rb_push(XOUS_RESULT_THREAD_ID, 4);
  ck_assert_int_eq(xous_create_thread(thread_entry, NULL, 0, NULL), XOUS_OK);
  ck_assert_uint_eq(rb_thread_stack_size(), 128 * 1024);
  /* The default backend answer {NULL, size}: threads bring their own. */
  ck_call(0, XOUS_SYSCALL_CREATE_THREAD, (xous_word_t)thread_entry, 0,
          128 * 1024);
}
END_TEST

START_TEST(core_create_thread_returns_the_stack_error_without_a_syscall)
{
  rb_set_thread_stack(XOUS_OUT_OF_MEMORY, NULL);
  ck_assert_int_eq(xous_create_thread(thread_entry, NULL, 0, NULL),
                   XOUS_OUT_OF_MEMORY);
  ck_calls(0);
}
END_TEST

START_TEST(core_create_thread_unmaps_a_mapped_stack_when_the_syscall_fails)
{
  const xous_range_t stack = { (void *)W(0x70000000u), 0x8000 };
  rb_set_thread_stack(XOUS_OK, &stack);
  rb_push(XOUS_RESULT_ERROR, XOUS_THREAD_NOT_AVAILABLE);
  ck_assert_int_eq(xous_create_thread(thread_entry, NULL, 0x8000, NULL),
                   XOUS_THREAD_NOT_AVAILABLE);
  ck_calls(2);
  ck_call(1, XOUS_SYSCALL_UNMAP_MEMORY, 0x70000000u, 0x8000);
}
END_TEST

START_TEST(core_create_thread_unmaps_nothing_when_the_backend_gave_no_stack)
{
  rb_push(XOUS_RESULT_ERROR, XOUS_THREAD_NOT_AVAILABLE);
  ck_assert_int_eq(xous_create_thread(thread_entry, NULL, 0, NULL),
                   XOUS_THREAD_NOT_AVAILABLE);
  ck_calls(1);
}
END_TEST

START_TEST(core_create_thread_rejects_a_null_entry)
{
  ck_assert_int_eq(xous_create_thread(NULL, NULL, 0, NULL),
                   XOUS_INVALID_ARGUMENT);
  ck_assert_uint_eq(rb_thread_stack_calls(), 0);
  ck_calls(0);
}
END_TEST

START_TEST(
    core_join_thread_puts_the_tid_in_word_1_and_returns_the_scalar1_value)
{
  rb_push(XOUS_RESULT_SCALAR1, 0xbeef);
  void *ret = NULL;
  ck_assert_int_eq(xous_join_thread(5, &ret), XOUS_OK);
  ck_call(0, XOUS_SYSCALL_JOIN_THREAD, 5);
  ck_assert_ptr_eq(ret, (void *)W(0xbeef));
}
END_TEST

START_TEST(core_join_thread_returns_thread_not_available_for_its_own_tid)
{
  rb_push(XOUS_RESULT_ERROR, XOUS_THREAD_NOT_AVAILABLE);
  void *ret = (void *)W(1);
  ck_assert_int_eq(xous_join_thread(2, &ret), XOUS_THREAD_NOT_AVAILABLE);
  ck_assert_ptr_eq(ret, (void *)W(1));
}
END_TEST

START_TEST(core_get_thread_id_returns_word_1_of_thread_id_or_0)
{
  rb_push(XOUS_RESULT_THREAD_ID, 2);
  ck_assert_uint_eq(xous_get_thread_id(), 2);
  ck_call(0, XOUS_SYSCALL_GET_THREAD_ID);
  rb_push(XOUS_RESULT_ERROR, XOUS_INTERNAL_ERROR);
  ck_assert_uint_eq(xous_get_thread_id(), 0);
}
END_TEST

START_TEST(core_get_process_id_returns_word_1_of_process_id_or_0)
{
  rb_push(XOUS_RESULT_PROCESS_ID, 5);
  ck_assert_uint_eq(xous_get_process_id(), 5);
  ck_call(0, XOUS_SYSCALL_GET_PROCESS_ID);
  rb_push(XOUS_RESULT_ERROR, XOUS_INTERNAL_ERROR);
  ck_assert_uint_eq(xous_get_process_id(), 0);
  rb_push(XOUS_RESULT_THREAD_ID, 5);
  ck_assert_uint_eq(xous_get_process_id(), 0);
}
END_TEST

START_TEST(core_yield_is_ok_when_its_own_words_come_back)
{
  rb_push(XOUS_SYSCALL_YIELD); /* the kernel writes no result */
  ck_assert_int_eq(xous_yield(), XOUS_OK);
  ck_call(0, XOUS_SYSCALL_YIELD);
  rb_push(XOUS_RESULT_ERROR, XOUS_INTERNAL_ERROR);
  ck_assert_int_eq(xous_yield(), XOUS_INTERNAL_ERROR);
}
END_TEST

START_TEST(core_wait_event_is_ok_when_its_own_words_come_back)
{
  rb_push(XOUS_SYSCALL_WAIT_EVENT);
  ck_assert_int_eq(xous_wait_event(), XOUS_OK);
  ck_call(0, XOUS_SYSCALL_WAIT_EVENT);
}
END_TEST

/* Plays a backend that returns from TerminateProcess: the third call exits
 * the test process with 42 if every call carried the right words. */
static void
terminate_hook(const xous_word_t args[8], void *ctx)
{
  (void)ctx;
  static int calls;
  static bool all_right = true;
  const xous_word_t want[8] = { XOUS_SYSCALL_TERMINATE_PROCESS, 7 };
  if (memcmp(args, want, sizeof(want)) != 0)
    all_right = false;
  if (++calls == 3)
    exit(all_right ? 42 : 1);
}

START_TEST(core_terminate_process_puts_the_code_in_word_1_and_never_returns)
{
  rb_set_hook(terminate_hook, NULL);
  xous_terminate_process(7);
}
END_TEST

START_TEST(core_shutdown_uses_number_23)
{
  ck_assert_int_eq(xous_shutdown(), XOUS_OK);
  ck_call(0, XOUS_SYSCALL_SHUTDOWN);
}
END_TEST

START_TEST(core_claim_interrupt_puts_irq_handler_arg_in_words_1_to_3)
{
  ck_assert_int_eq(xous_claim_interrupt(7, irq_handler, (void *)W(0x99)),
                   XOUS_OK);
  ck_call(0, XOUS_SYSCALL_CLAIM_INTERRUPT, 7, (xous_word_t)irq_handler, 0x99);
  rb_push(XOUS_RESULT_ERROR, XOUS_INTERRUPT_IN_USE);
  ck_assert_int_eq(xous_claim_interrupt(7, irq_handler, NULL),
                   XOUS_INTERRUPT_IN_USE);
}
END_TEST

START_TEST(core_free_interrupt_puts_irq_in_word_1)
{
  ck_assert_int_eq(xous_free_interrupt(7), XOUS_OK);
  ck_call(0, XOUS_SYSCALL_FREE_INTERRUPT, 7);
}
END_TEST

START_TEST(core_adjust_process_limit_returns_the_value_in_force_from_word_2)
{
  rb_push(XOUS_RESULT_SCALAR2, 2, 0x9000);
  xous_word_t limit = 0;
  ck_assert_int_eq(xous_adjust_process_limit(2, 0x8000, 0x9000, &limit),
                   XOUS_OK);
  ck_call(0, XOUS_SYSCALL_ADJUST_PROCESS_LIMIT, 2, 0x8000, 0x9000);
  ck_assert_uint_eq(limit, 0x9000);
  rb_push(XOUS_RESULT_ERROR, XOUS_INVALID_LIMIT);
  ck_assert_int_eq(xous_adjust_process_limit(9, 0, 0, &limit),
                   XOUS_INVALID_LIMIT);
}
END_TEST

/* ---- helpers ------------------------------------------------------------- */

/* A lendable page, and pages the backend hands out as bounce buffers. */
static _Alignas(XOUS_PAGE_SIZE) unsigned char page[XOUS_PAGE_SIZE];
static _Alignas(XOUS_PAGE_SIZE) unsigned char bounce[2 * XOUS_PAGE_SIZE];

START_TEST(core_scalar_sends_a_scalar_message)
{
  ck_assert_int_eq(xous_scalar(3, 7, 1, 2, 3, 4), XOUS_OK);
  ck_calls(1);
  ck_call(0, XOUS_SYSCALL_SEND_MESSAGE, 3, XOUS_MSG_SCALAR, 7, 1, 2, 3, 4);
}
END_TEST

/* Makes a BlockingScalar with a ret full of 7s against the answer queued,
 * and asserts that it returns err with ret holding want. */
static void
check_blocking_scalar_ret(xous_error_t err, const xous_word_t want[5])
{
  xous_word_t ret[5] = { 7, 7, 7, 7, 7 };

  ck_assert_int_eq(xous_blocking_scalar(3, 7, 1, 2, 3, 4, ret), err);
  ck_assert_mem_eq(ret, want, sizeof(ret));
}

START_TEST(core_blocking_scalar_fills_ret_from_scalar1_and_zeros_the_rest)
{
  rb_push(XOUS_RESULT_SCALAR1, 42, 9, 9, 9, 9);
  check_blocking_scalar_ret(XOUS_OK, (const xous_word_t[5]){ 42, 0, 0, 0, 0 });
  ck_call(0, XOUS_SYSCALL_SEND_MESSAGE, 3, XOUS_MSG_BLOCKING_SCALAR, 7, 1, 2,
          3, 4);
}
END_TEST

START_TEST(core_blocking_scalar_fills_ret_from_scalar2_and_zeros_the_rest)
{
  rb_push(XOUS_RESULT_SCALAR2, 42, 43, 9, 9, 9);
  check_blocking_scalar_ret(XOUS_OK,
                            (const xous_word_t[5]){ 42, 43, 0, 0, 0 });
}
END_TEST

START_TEST(core_blocking_scalar_fills_ret_from_scalar5)
{
  rb_push(XOUS_RESULT_SCALAR5, 41, 42, 43, 44, 45, 9, 9);
  check_blocking_scalar_ret(XOUS_OK,
                            (const xous_word_t[5]){ 41, 42, 43, 44, 45 });
}
END_TEST

START_TEST(core_blocking_scalar_zeros_ret_on_error)
{
  rb_push(XOUS_RESULT_ERROR, XOUS_SERVER_NOT_FOUND);
  check_blocking_scalar_ret(XOUS_SERVER_NOT_FOUND,
                            (const xous_word_t[5]){ 0 });
}
END_TEST

START_TEST(core_blocking_scalar_treats_a_non_scalar_reply_as_an_internal_error)
{
  rb_push(XOUS_RESULT_MEMORY_RETURNED, 1, 2);
  ck_assert_int_eq(xous_blocking_scalar(3, 7, 1, 2, 3, 4, NULL),
                   XOUS_INTERNAL_ERROR);
}
END_TEST

START_TEST(core_lend_sends_a_lendable_buffer_as_it_is)
{
  rb_push(XOUS_RESULT_MEMORY_RETURNED, 0x10, 0x20);
  size_t off = 0, valid = 0;
  ck_assert_int_eq(xous_lend(3, 9, page, sizeof(page), 1, 2, &off, &valid),
                   XOUS_OK);
  ck_calls(1);
  ck_call(0, XOUS_SYSCALL_SEND_MESSAGE, 3, XOUS_MSG_LEND, 9, (xous_word_t)page,
          sizeof(page), 1, 2);
  ck_assert_uint_eq(off, 0x10);
  ck_assert_uint_eq(valid, 0x20);
}
END_TEST

START_TEST(core_lend_rejects_a_zero_length_without_a_syscall)
{
  size_t off = 5;
  ck_assert_int_eq(xous_lend(3, 9, page, 0, 0, 0, &off, NULL),
                   XOUS_INVALID_ARGUMENT);
  ck_assert_int_eq(xous_lend_mut(3, 9, page, 0, 0, 0, NULL, NULL),
                   XOUS_INVALID_ARGUMENT);
  ck_assert_int_eq(xous_send(3, 9, page, 0, 0, 0), XOUS_INVALID_ARGUMENT);
  ck_assert_uint_eq(off, 0);
  ck_calls(0);
}
END_TEST

START_TEST(
    core_lend_treats_a_reply_that_is_not_memory_returned_as_internal_error)
{
  rb_push(XOUS_RESULT_SCALAR1, 1);
  ck_assert_int_eq(xous_lend(3, 9, page, sizeof(page), 0, 0, NULL, NULL),
                   XOUS_INTERNAL_ERROR);
}
END_TEST

/* Records what the server saw in the bounce pages when the message went. */
static void
snapshot_hook(const xous_word_t args[8], void *ctx)
{
  if (args[0] == XOUS_SYSCALL_SEND_MESSAGE)
    memcpy(ctx, bounce, 16);
}

START_TEST(core_lend_bounces_a_non_lendable_buffer_and_unmaps_it_after)
{
  const char text[] = "hello, server";
  char seen[16] = { 0 };
  rb_set_hook(snapshot_hook, seen);
  rb_push(XOUS_RESULT_MEMORY_RANGE, (xous_word_t)bounce, XOUS_PAGE_SIZE);
  rb_push(XOUS_RESULT_MEMORY_RETURNED, 0, 5);
  size_t valid = 0;
  ck_assert_int_eq(xous_lend(3, 9, text + 1, sizeof(text) - 1, 0, 3, NULL,
                             &valid),
                   XOUS_OK);
  ck_calls(3);
  ck_call(0, XOUS_SYSCALL_MAP_MEMORY, 0, 0, XOUS_PAGE_SIZE,
          XOUS_MEM_R | XOUS_MEM_W);
  ck_call(1, XOUS_SYSCALL_SEND_MESSAGE, 3, XOUS_MSG_LEND, 9,
          (xous_word_t)bounce, XOUS_PAGE_SIZE, 0, 3);
  ck_call(2, XOUS_SYSCALL_UNMAP_MEMORY, (xous_word_t)bounce, XOUS_PAGE_SIZE);
  ck_assert_mem_eq(seen, text + 1, sizeof(text) - 1);
  ck_assert_uint_eq(valid, 5);
}
END_TEST

START_TEST(core_lend_bounces_a_page_aligned_buffer_of_an_odd_length)
{
  rb_push(XOUS_RESULT_MEMORY_RANGE, (xous_word_t)bounce, XOUS_PAGE_SIZE);
  rb_push(XOUS_RESULT_MEMORY_RETURNED);
  ck_assert_int_eq(xous_lend(3, 9, page, 1000, 0, 0, NULL, NULL), XOUS_OK);
  ck_call(0, XOUS_SYSCALL_MAP_MEMORY, 0, 0, XOUS_PAGE_SIZE,
          XOUS_MEM_R | XOUS_MEM_W);
  ck_call(1, XOUS_SYSCALL_SEND_MESSAGE, 3, XOUS_MSG_LEND, 9,
          (xous_word_t)bounce, XOUS_PAGE_SIZE, 0, 0);
}
END_TEST

START_TEST(core_lend_rounds_the_bounce_up_to_whole_pages)
{
  static char big[5000];
  rb_push(XOUS_RESULT_MEMORY_RANGE, (xous_word_t)bounce, 2 * XOUS_PAGE_SIZE);
  rb_push(XOUS_RESULT_MEMORY_RETURNED);
  rb_force_lendable(0);
  ck_assert_int_eq(xous_lend(3, 9, big, sizeof(big), 0, 0, NULL, NULL),
                   XOUS_OK);
  ck_call(0, XOUS_SYSCALL_MAP_MEMORY, 0, 0, 2 * XOUS_PAGE_SIZE,
          XOUS_MEM_R | XOUS_MEM_W);
  ck_call(1, XOUS_SYSCALL_SEND_MESSAGE, 3, XOUS_MSG_LEND, 9,
          (xous_word_t)bounce, 2 * XOUS_PAGE_SIZE, 0, 0);
}
END_TEST

START_TEST(core_lend_returns_the_map_error_without_sending)
{
  char buf[10] = { 0 };
  rb_push(XOUS_RESULT_ERROR, XOUS_OUT_OF_MEMORY);
  ck_assert_int_eq(xous_lend(3, 9, buf, sizeof(buf), 0, 0, NULL, NULL),
                   XOUS_OUT_OF_MEMORY);
  ck_calls(1);
}
END_TEST

/* Plays a server that fills the whole lent page with 'Z'. */
static void
server_writes_hook(const xous_word_t args[8], void *ctx)
{
  (void)ctx;
  if (args[0] == XOUS_SYSCALL_SEND_MESSAGE)
    memset((void *)args[4], 'Z', args[5]);
}

START_TEST(
    core_lend_mut_copies_the_server_writes_back_into_a_non_lendable_buffer)
{
  char buf[10] = "abcdefghi";
  rb_set_hook(server_writes_hook, NULL);
  rb_push(XOUS_RESULT_MEMORY_RANGE, (xous_word_t)bounce, XOUS_PAGE_SIZE);
  rb_push(XOUS_RESULT_MEMORY_RETURNED, 1, 6);
  size_t off = 0, valid = 0;
  ck_assert_int_eq(xous_lend_mut(3, 9, buf, 6, 0, 6, &off, &valid), XOUS_OK);
  ck_call(1, XOUS_SYSCALL_SEND_MESSAGE, 3, XOUS_MSG_LEND_MUT, 9,
          (xous_word_t)bounce, XOUS_PAGE_SIZE, 0, 6);
  ck_call(2, XOUS_SYSCALL_UNMAP_MEMORY, (xous_word_t)bounce, XOUS_PAGE_SIZE);
  /* Only the len bytes lent come back; the rest of buf is untouched. */
  ck_assert_str_eq(buf, "ZZZZZZghi");
  ck_assert_uint_eq(off, 1);
  ck_assert_uint_eq(valid, 6);
}
END_TEST

START_TEST(core_lend_mut_leaves_the_buffer_alone_when_the_lend_fails)
{
  char buf[10] = "abcdefghi";
  rb_set_hook(server_writes_hook, NULL);
  rb_push(XOUS_RESULT_MEMORY_RANGE, (xous_word_t)bounce, XOUS_PAGE_SIZE);
  rb_push(XOUS_RESULT_ERROR, XOUS_PROCESS_TERMINATED);
  ck_assert_int_eq(xous_lend_mut(3, 9, buf, 6, 0, 0, NULL, NULL),
                   XOUS_PROCESS_TERMINATED);
  ck_assert_str_eq(buf, "abcdefghi");
  ck_calls(3);
  ck_call(2, XOUS_SYSCALL_UNMAP_MEMORY, (xous_word_t)bounce, XOUS_PAGE_SIZE);
}
END_TEST

START_TEST(core_lend_mut_lends_a_lendable_buffer_in_place)
{
  rb_set_hook(server_writes_hook, NULL);
  rb_push(XOUS_RESULT_MEMORY_RETURNED, 0, 0);
  ck_assert_int_eq(xous_lend_mut(3, 9, page, sizeof(page), 0, 0, NULL, NULL),
                   XOUS_OK);
  ck_calls(1);
  ck_call(0, XOUS_SYSCALL_SEND_MESSAGE, 3, XOUS_MSG_LEND_MUT, 9,
          (xous_word_t)page, sizeof(page), 0, 0);
  ck_assert_uint_eq(page[0], 'Z');
}
END_TEST

START_TEST(core_send_moves_a_lendable_buffer_as_it_is)
{
  ck_assert_int_eq(xous_send(3, 9, page, sizeof(page), 4, 5), XOUS_OK);
  ck_calls(1);
  ck_call(0, XOUS_SYSCALL_SEND_MESSAGE, 3, XOUS_MSG_SEND, 9, (xous_word_t)page,
          sizeof(page), 4, 5);
}
END_TEST

START_TEST(core_send_keeps_the_bounce_pages_mapped_after_a_successful_send)
{
  char buf[10] = "abcdefghi";
  rb_push(XOUS_RESULT_MEMORY_RANGE, (xous_word_t)bounce, XOUS_PAGE_SIZE);
  ck_assert_int_eq(xous_send(3, 9, buf, sizeof(buf), 0, 10), XOUS_OK);
  ck_calls(2);
  ck_call(1, XOUS_SYSCALL_SEND_MESSAGE, 3, XOUS_MSG_SEND, 9,
          (xous_word_t)bounce, XOUS_PAGE_SIZE, 0, 10);
  ck_assert_mem_eq(bounce, buf, sizeof(buf));
}
END_TEST

START_TEST(core_send_unmaps_the_bounce_pages_after_a_failed_send)
{
  char buf[10] = "abcdefghi";
  rb_push(XOUS_RESULT_MEMORY_RANGE, (xous_word_t)bounce, XOUS_PAGE_SIZE);
  rb_push(XOUS_RESULT_ERROR, XOUS_SERVER_NOT_FOUND);
  ck_assert_int_eq(xous_send(3, 9, buf, sizeof(buf), 0, 0),
                   XOUS_SERVER_NOT_FOUND);
  ck_calls(3);
  ck_call(2, XOUS_SYSCALL_UNMAP_MEMORY, (xous_word_t)bounce, XOUS_PAGE_SIZE);
}
END_TEST

/* ---- version --------------------------------------------------------------- */

START_TEST(core_version_of_library_headers_and_package_agree)
{
  char numbers[32];

  ck_assert_str_eq(xous_version_string(), XOUS_VERSION_STRING);
  ck_assert_str_eq(xous_version_string(), PACKAGE_VERSION);
  snprintf(numbers, sizeof numbers, "%d.%d.%d", XOUS_VERSION_MAJOR,
           XOUS_VERSION_MINOR, XOUS_VERSION_PATCH);
  ck_assert_str_eq(numbers, XOUS_VERSION_STRING);
  ck_assert_int_eq(XOUS_VERSION_NUMBER, (XOUS_VERSION_MAJOR << 16) |
                                            (XOUS_VERSION_MINOR << 8) |
                                            XOUS_VERSION_PATCH);
}
END_TEST

/* ---- the rest of the kernel ABI ------------------------------------------ */

START_TEST(core_return_to_parent_puts_pid_and_cpu_in_words_1_and_2)
{
  ck_assert_int_eq(xous_return_to_parent(1, 0), XOUS_OK);
  ck_call(0, XOUS_SYSCALL_RETURN_TO_PARENT, 1, 0);
  rb_push(XOUS_RESULT_ERROR, XOUS_UNHANDLED_SYSCALL);
  ck_assert_int_eq(xous_return_to_parent(3, 2), XOUS_UNHANDLED_SYSCALL);
  ck_call(1, XOUS_SYSCALL_RETURN_TO_PARENT, 3, 2);
}
END_TEST

START_TEST(core_switch_to_puts_pid_and_context_in_words_1_and_2)
{
  ck_assert_int_eq(xous_switch_to(4, 9), XOUS_OK);
  ck_call(0, XOUS_SYSCALL_SWITCH_TO, 4, 9);
  rb_push(XOUS_RESULT_ERROR, XOUS_PROCESS_NOT_CHILD);
  ck_assert_int_eq(xous_switch_to(4, 9), XOUS_PROCESS_NOT_CHILD);
}
END_TEST

START_TEST(core_ready_threads_puts_pid_in_word_1)
{
  ck_assert_int_eq(xous_ready_threads(6), XOUS_OK);
  ck_call(0, XOUS_SYSCALL_READY_THREADS, 6);
}
END_TEST

START_TEST(core_set_mem_region_puts_pid_type_addr_size_in_words_1_to_4)
{
  ck_assert_int_eq(xous_set_mem_region(5, 2, 0x40000000u, 0x3000), XOUS_OK);
  ck_call(0, XOUS_SYSCALL_SET_MEM_REGION, 5, 2, 0x40000000u, 0x3000);
  rb_push(XOUS_RESULT_ERROR, XOUS_UNHANDLED_SYSCALL);
  ck_assert_int_eq(xous_set_mem_region(5, 2, 0x40000000u, 0x3000),
                   XOUS_UNHANDLED_SYSCALL);
}
END_TEST

START_TEST(
    core_create_process_puts_the_six_init_words_in_1_to_6_and_reads_pid_cid)
{
  const xous_process_init_t init = { 0x1000, 0x2000, 0x3000,
                                     0x4000, 0x5000, 0x6000 };
  xous_pid_t pid = 0;
  xous_cid_t cid = 0;

  rb_push(XOUS_RESULT_NEW_PROCESS, 7, 3);
  ck_assert_int_eq(xous_create_process(&init, &pid, &cid), XOUS_OK);
  ck_call(0, XOUS_SYSCALL_CREATE_PROCESS, 0x1000, 0x2000, 0x3000, 0x4000,
          0x5000, 0x6000, 0);
  ck_assert_uint_eq(pid, 7);
  ck_assert_uint_eq(cid, 3);
  rb_push(XOUS_RESULT_ERROR, XOUS_UNHANDLED_SYSCALL);
  pid = 0;
  ck_assert_int_eq(xous_create_process(&init, &pid, NULL),
                   XOUS_UNHANDLED_SYSCALL);
  ck_assert_uint_eq(pid, 0);
  /* Ok is not NewProcess. */
  ck_assert_int_eq(xous_create_process(&init, NULL, NULL),
                   XOUS_INTERNAL_ERROR);
  ck_assert_int_eq(xous_create_process(NULL, &pid, &cid),
                   XOUS_INVALID_ARGUMENT);
  ck_calls(3);
}
END_TEST

START_TEST(core_set_exception_handler_puts_pc_and_sp_in_words_1_and_2)
{
  rb_push(XOUS_RESULT_ERROR, XOUS_UNHANDLED_SYSCALL);
  ck_assert_int_eq(xous_set_exception_handler(0x7000, 0x8000),
                   XOUS_UNHANDLED_SYSCALL);
  ck_call(0, XOUS_SYSCALL_SET_EXCEPTION_HANDLER, 0x7000, 0x8000);
}
END_TEST

START_TEST(core_virt_to_phys_puts_virt_in_word_1_and_reads_scalar1)
{
  xous_word_t phys = 0;

  rb_push(XOUS_RESULT_SCALAR1, 0x40123000u);
  ck_assert_int_eq(xous_virt_to_phys(0x60001000u, &phys), XOUS_OK);
  ck_call(0, XOUS_SYSCALL_VIRT_TO_PHYS, 0x60001000u);
  ck_assert_uint_eq(phys, 0x40123000u);
  rb_push(XOUS_RESULT_ERROR, XOUS_BAD_ADDRESS);
  ck_assert_int_eq(xous_virt_to_phys(0x60001000u, &phys), XOUS_BAD_ADDRESS);
  ck_assert_uint_eq(phys, 0x40123000u);
}
END_TEST

START_TEST(core_virt_to_phys_pid_puts_pid_and_virt_in_words_1_and_2)
{
  xous_word_t phys = 0;

  rb_push(XOUS_RESULT_SCALAR1, 0x40456000u);
  ck_assert_int_eq(xous_virt_to_phys_pid(9, 0x60002000u, &phys), XOUS_OK);
  ck_call(0, XOUS_SYSCALL_VIRT_TO_PHYS_PID, 9, 0x60002000u);
  ck_assert_uint_eq(phys, 0x40456000u);
}
END_TEST

START_TEST(core_platform_specific_puts_its_seven_words_in_1_to_7)
{
  const xous_word_t args[7] = { 2, 0x61000000u, 3, 4, 5, 6, 7 };
  xous_result_t res;

  rb_push(XOUS_RESULT_SCALAR1, 0x55);
  ck_assert_int_eq(xous_platform_specific(args, &res), XOUS_OK);
  ck_call(0, XOUS_SYSCALL_PLATFORM_SPECIFIC, 2, 0x61000000u, 3, 4, 5, 6, 7);
  ck_assert_uint_eq(res.kind, XOUS_RESULT_SCALAR1);
  ck_assert_uint_eq(res.w[0], 0x55);
  rb_push(XOUS_RESULT_ERROR, XOUS_UNHANDLED_SYSCALL);
  ck_assert_int_eq(xous_platform_specific(args, NULL), XOUS_UNHANDLED_SYSCALL);
  ck_assert_int_eq(xous_platform_specific(NULL, &res), XOUS_INVALID_ARGUMENT);
  ck_calls(2);
}
END_TEST

/* ---- the suite ----------------------------------------------------------- */

#define ADD(tc, t) tcase_add_test((tc), (t))

static TCase *
new_tcase(Suite *s, const char *name)
{
  TCase *tc = tcase_create(name);
  tcase_add_checked_fixture(tc, rb_reset, NULL);
  suite_add_tcase(s, tc);
  return tc;
}

/* forking is false under CK_FORK=no, where a test that exits would end the
 * whole run: the one exit test is left out then. */

static void
push_pid_and_cid(xous_word_t pid, xous_word_t cid)
{
  xous_word_t p[8] = { XOUS_RESULT_PROCESS_ID, pid };
  xous_word_t c[8] = { XOUS_RESULT_CONNECTION_ID, cid };

  rb_push_result(p);
  if (cid != 0)
    rb_push_result(c);
}

START_TEST(core_connect_cached_connects_once_per_process)
{
  static uint32_t cache;
  xous_sid_t sid = xous_sid_from_name("ticktimer-server");
  xous_cid_t cid = 0;

  rb_reset();
  cache = 0;
  push_pid_and_cid(5, 7);
  ck_assert_int_eq(xous_connect_cached(sid, &cache, &cid), XOUS_OK);
  ck_assert_uint_eq(cid, 7);
  ck_assert_uint_eq(rb_call(1)[0], XOUS_SYSCALL_CONNECT);
  /* The same process again: no Connect. */
  push_pid_and_cid(5, 0);
  cid = 0;
  ck_assert_int_eq(xous_connect_cached(sid, &cache, &cid), XOUS_OK);
  ck_assert_uint_eq(cid, 7);
  ck_assert_uint_eq(rb_call_count(), 3);
  /* A forked child is another process: it connects again. */
  push_pid_and_cid(6, 2);
  ck_assert_int_eq(xous_connect_cached(sid, &cache, &cid), XOUS_OK);
  ck_assert_uint_eq(cid, 2);
  ck_assert_uint_eq(rb_call(4)[0], XOUS_SYSCALL_CONNECT);
}
END_TEST

static Suite *
core_suite(bool forking)
{
  Suite *s = suite_create("core");

  TCase *tc = new_tcase(s, "errors");
  ADD(tc, core_version_of_library_headers_and_package_agree);
  ADD(tc, core_every_error_code_round_trips_through_its_result_word);
  ADD(tc, core_unknown_error_is_written_as_0xffffffff_and_read_back);
  ADD(tc, core_words_the_kernel_does_not_know_decode_as_unknown_error);
  ADD(tc, core_a_code_outside_the_list_is_written_as_unknown_error);
  ADD(tc, core_strerror_is_never_null_and_distinct_for_every_code);
  ADD(tc, core_error_name_is_never_null_and_distinct_for_every_code);
  ADD(tc, core_error_names_and_texts_come_from_the_list);
  ADD(tc, core_an_out_of_range_error_is_described_as_unknown);
  ADD(tc, core_syscall_name_gives_the_kernel_name_of_every_listed_number);
  ADD(tc, core_syscall_name_is_null_for_an_unlisted_number);

  tc = new_tcase(s, "sid");
  ADD(tc, core_sid_from_name_matches_every_name_in_the_abi_table);
  ADD(tc, core_sid_from_name_reads_each_group_little_endian);
  ADD(tc, core_sid_eq_compares_all_four_words);
  ADD(tc, core_sender_pid_is_bits_31_to_24_of_the_sender);
  ADD(tc, core_connect_cached_connects_once_per_process);

  tc = new_tcase(s, "decode");
  ADD(tc, core_every_result_kind_round_trips_through_words_to_result);
  ADD(tc, core_result_error_is_ok_for_every_tag_but_error);
  ADD(tc, core_result_error_reads_every_code_from_an_error_result);
  ADD(tc, core_decode_envelope_turns_every_0_based_kind_into_its_send_code);
  ADD(tc, core_decode_envelope_reads_addr_len_offset_valid_for_memory_kinds);
  ADD(tc, core_decode_envelope_reads_arg1_to_arg4_for_scalar_kinds);
  ADD(tc, core_decode_envelope_rejects_a_kind_above_4);
  ADD(tc, core_decode_envelope_passes_the_error_of_an_error_result_through);
  ADD(tc, core_decode_envelope_rejects_any_other_tag);
  ADD(tc, core_decode_envelope_accepts_a_null_envelope);

  tc = new_tcase(s, "memory");
  ADD(tc, core_map_memory_puts_phys_virt_size_flags_in_words_1_to_4);
  ADD(tc, core_map_memory_returns_the_error_and_leaves_out_alone);
  ADD(tc, core_map_memory_treats_an_unexpected_tag_as_an_internal_error);
  ADD(tc, core_map_memory_accepts_a_null_out);
  ADD(tc, core_unmap_memory_puts_addr_and_len_in_words_1_and_2);
  ADD(tc, core_increase_heap_puts_bytes_and_flags_in_words_1_and_2);
  ADD(tc, core_decrease_heap_puts_bytes_in_word_1_and_returns_the_heap);
  ADD(tc, core_update_memory_flags_puts_addr_len_flags_pid_in_words_1_to_4);

  tc = new_tcase(s, "servers");
  ADD(tc, core_create_server_with_address_puts_the_sid_in_words_1_to_4);
  ADD(tc, core_create_server_with_address_returns_server_not_found);
  ADD(tc, core_create_server_returns_the_sid_and_cid_of_new_server_id);
  ADD(tc, core_create_server_id_returns_the_sid_of_server_id);
  ADD(tc, core_destroy_server_puts_the_sid_in_words_1_to_4);
  ADD(tc, core_connect_puts_the_sid_in_words_1_to_4_and_returns_the_cid);
  ADD(tc, core_try_connect_puts_the_sid_in_words_1_to_4_and_returns_the_cid);
  ADD(tc, core_try_connect_returns_server_not_found);
  ADD(tc, core_connect_for_process_puts_pid_in_word_1_and_sid_in_words_2_to_5);
  ADD(tc, core_disconnect_puts_the_cid_in_word_1);

  tc = new_tcase(s, "messages");
  ADD(tc, core_send_message_puts_cid_kind_and_id_in_words_1_to_3);
  ADD(tc, core_send_message_puts_arg1_to_arg4_in_words_4_to_7_for_scalars);
  ADD(tc,
      core_send_message_puts_addr_len_offset_valid_in_words_4_to_7_for_memory);
  ADD(tc, core_send_message_gives_the_raw_result_to_the_caller);
  ADD(tc, core_send_message_returns_the_error_and_still_fills_the_result);
  ADD(tc,
      core_send_message_rejects_a_bad_kind_or_no_message_without_a_syscall);
  ADD(tc, core_try_send_message_uses_number_24_with_the_same_words);
  ADD(tc, core_try_send_message_returns_server_queue_full);
  ADD(tc, core_receive_message_puts_the_sid_in_words_1_to_4_and_decodes_it);
  ADD(tc, core_receive_message_returns_the_error_of_an_error_result);
  ADD(tc, core_try_receive_message_reports_none_as_not_received);
  ADD(tc, core_try_receive_message_reports_an_envelope_as_received);
  ADD(tc, core_try_receive_message_reports_an_error_as_not_received);
  ADD(tc,
      core_return_memory_puts_sender_addr_len_offset_valid_in_words_1_to_5);
  ADD(tc, core_return_scalar1_puts_sender_and_value_in_words_1_and_2);
  ADD(tc, core_return_scalar2_puts_sender_and_values_in_words_1_to_3);
  ADD(tc, core_return_scalar5_puts_sender_and_values_in_words_1_to_6);

  tc = new_tcase(s, "reply_and_receive_next");
  ADD(tc, core_reply_and_receive_next_answers_one_word_in_a3_with_type_1);
  ADD(tc, core_reply_and_receive_next_answers_two_words_in_a3_a4_with_type_2);
  ADD(tc,
      core_reply_and_receive_next_answers_five_words_in_a2_to_a6_with_type_5);
  ADD(tc,
      core_reply_and_receive_next_rejects_other_word_counts_without_a_syscall);
  ADD(tc, core_reply_and_receive_next_answers_a_lend_with_memory_words);
  ADD(tc, core_reply_and_receive_next_only_receives_after_a_scalar_or_a_send);
  ADD(tc, core_reply_and_receive_next_only_receives_when_the_sender_is_0);
  ADD(tc, core_reply_and_receive_next_clears_the_envelope_after_an_error);
  ADD(tc, core_reply_and_receive_next_rejects_a_null_envelope);

  tc = new_tcase(s, "threads");
  ADD(tc, core_create_thread_puts_entry_stack_and_arg_in_words_1_to_4);
  ADD(tc, core_create_thread_asks_for_128_kib_when_stack_size_is_0);
  ADD(tc, core_create_thread_returns_the_stack_error_without_a_syscall);
  ADD(tc, core_create_thread_unmaps_a_mapped_stack_when_the_syscall_fails);
  ADD(tc, core_create_thread_unmaps_nothing_when_the_backend_gave_no_stack);
  ADD(tc, core_create_thread_rejects_a_null_entry);
  ADD(tc,
      core_join_thread_puts_the_tid_in_word_1_and_returns_the_scalar1_value);
  ADD(tc, core_join_thread_returns_thread_not_available_for_its_own_tid);
  ADD(tc, core_get_thread_id_returns_word_1_of_thread_id_or_0);
  ADD(tc, core_get_process_id_returns_word_1_of_process_id_or_0);
  ADD(tc, core_yield_is_ok_when_its_own_words_come_back);
  ADD(tc, core_wait_event_is_ok_when_its_own_words_come_back);
  if (forking)
    tcase_add_exit_test(
        tc, core_terminate_process_puts_the_code_in_word_1_and_never_returns,
        42);
  ADD(tc, core_shutdown_uses_number_23);
  ADD(tc, core_claim_interrupt_puts_irq_handler_arg_in_words_1_to_3);
  ADD(tc, core_free_interrupt_puts_irq_in_word_1);
  ADD(tc, core_adjust_process_limit_returns_the_value_in_force_from_word_2);

  tc = new_tcase(s, "system");
  ADD(tc, core_return_to_parent_puts_pid_and_cpu_in_words_1_and_2);
  ADD(tc, core_switch_to_puts_pid_and_context_in_words_1_and_2);
  ADD(tc, core_ready_threads_puts_pid_in_word_1);
  ADD(tc, core_set_mem_region_puts_pid_type_addr_size_in_words_1_to_4);
  ADD(tc,
      core_create_process_puts_the_six_init_words_in_1_to_6_and_reads_pid_cid);
  ADD(tc, core_set_exception_handler_puts_pc_and_sp_in_words_1_and_2);
  ADD(tc, core_virt_to_phys_puts_virt_in_word_1_and_reads_scalar1);
  ADD(tc, core_virt_to_phys_pid_puts_pid_and_virt_in_words_1_and_2);
  ADD(tc, core_platform_specific_puts_its_seven_words_in_1_to_7);

  tc = new_tcase(s, "helpers");
  ADD(tc, core_scalar_sends_a_scalar_message);
  ADD(tc, core_blocking_scalar_fills_ret_from_scalar1_and_zeros_the_rest);
  ADD(tc, core_blocking_scalar_fills_ret_from_scalar2_and_zeros_the_rest);
  ADD(tc, core_blocking_scalar_fills_ret_from_scalar5);
  ADD(tc, core_blocking_scalar_zeros_ret_on_error);
  ADD(tc, core_blocking_scalar_treats_a_non_scalar_reply_as_an_internal_error);
  ADD(tc, core_lend_sends_a_lendable_buffer_as_it_is);
  ADD(tc, core_lend_rejects_a_zero_length_without_a_syscall);
  ADD(tc,
      core_lend_treats_a_reply_that_is_not_memory_returned_as_internal_error);
  ADD(tc, core_lend_bounces_a_non_lendable_buffer_and_unmaps_it_after);
  ADD(tc, core_lend_bounces_a_page_aligned_buffer_of_an_odd_length);
  ADD(tc, core_lend_rounds_the_bounce_up_to_whole_pages);
  ADD(tc, core_lend_returns_the_map_error_without_sending);
  ADD(tc,
      core_lend_mut_copies_the_server_writes_back_into_a_non_lendable_buffer);
  ADD(tc, core_lend_mut_leaves_the_buffer_alone_when_the_lend_fails);
  ADD(tc, core_lend_mut_lends_a_lendable_buffer_in_place);
  ADD(tc, core_send_moves_a_lendable_buffer_as_it_is);
  ADD(tc, core_send_keeps_the_bounce_pages_mapped_after_a_successful_send);
  ADD(tc, core_send_unmaps_the_bounce_pages_after_a_failed_send);

  return s;
}

int
main(void)
{
  SRunner *sr = srunner_create(NULL);
  srunner_add_suite(sr, core_suite(srunner_fork_status(sr) != CK_NOFORK));
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
