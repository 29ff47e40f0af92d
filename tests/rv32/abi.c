/*
 * The rv32 program of the ABI conformance test (tests/check_emu.c): it
 * makes every syscall of the Xous ABI table once, through the portable
 * API where there is one, with argument values the test recognises, and
 * checks nothing itself. xous-emu, run with XOUS_EMU_TRACE, writes the
 * eight words of every ecall, in and out; the test compares them with
 * the table of ABI.md. The values below are repeated in the test's
 * table: change both.
 *
 * With the argument "shutdown" it makes only the Shutdown call, which
 * ends the broker.
 */
#include <string.h>

#include <xous.h>

/* "abi-conformance!": 16 bytes, so that the SID words are the name's
 * four little-endian groups. */
#define ABI_NAME "abi-conformance!"
#define ABI_STACK 0x4000u
#define ABI_THREAD_ARG 0x5eedu
#define ABI_THREAD_RESULT 0x77u

static xous_sid_t sid;
static char lent[3 * XOUS_PAGE_SIZE] __attribute__((aligned(XOUS_PAGE_SIZE)));

static void
on_irq(unsigned irq, void *arg)
{
  (void)irq;
  (void)arg;
}

/* The server side: answers each kind of message its own way. */
static void *
serve(void *arg)
{
  xous_envelope_t env;
  xous_word_t reply[5] = { 0 };

  (void)arg;
  for (;;) {
    if (xous_receive_message(sid, &env) != XOUS_OK)
      return (void *)1;
  again:
    switch (env.body.kind == XOUS_MSG_SCALAR ||
                    env.body.kind == XOUS_MSG_BLOCKING_SCALAR
                ? env.body.scalar.id
                : env.body.memory.id) {
    case 0x102:
      (void)xous_return_scalar1(env.sender, 26);
      break;
    case 0x103:
      (void)xous_return_scalar2(env.sender, 11, 12);
      break;
    case 0x104:
      (void)xous_return_scalar5(env.sender, 1, 2, 3, 4, 5);
      break;
    case 0x105:
      (void)xous_return_memory(env.sender, env.body.memory.buf, 3, 4);
      break;
    case 0x106:
      /* Written, then answered and the next message taken in one call. */
      memcpy(env.body.memory.buf.addr, "ok", 2);
      reply[0] = 5;
      reply[1] = 6;
      if (xous_reply_and_receive_next(sid, &env, reply, 2) != XOUS_OK)
        return (void *)2;
      goto again;
    case 0x107:
      reply[0] = 77;
      if (xous_reply_and_receive_next(sid, &env, reply, 1) != XOUS_OK)
        return (void *)3;
      goto again;
    case 0x108:
      (void)xous_unmap_memory(env.body.memory.buf);
      break;
    case 0x109:
      return (void *)ABI_THREAD_RESULT;
    default:
      break;
    }
  }
}

int
main(int argc, char **argv)
{
  xous_range_t r, heap;
  xous_sid_t other, id_only;
  xous_cid_t cid, cid2, cid3, other_cid;
  xous_tid_t tid;
  xous_word_t words[5];
  xous_message_t m;
  xous_envelope_t env;
  xous_result_t res;
  size_t off, valid;
  bool got;
  void *joined;
  xous_pid_t pid;

  if (argc >= 2 && strcmp(argv[1], "shutdown") == 0)
    return xous_shutdown() == XOUS_OK ? 0 : 1;

  pid = xous_get_process_id();
  (void)xous_get_thread_id();

  /* Memory. */
  (void)xous_map_memory(0, 0x61000000u, 0x2000, XOUS_MEM_R | XOUS_MEM_W, &r);
  (void)xous_update_memory_flags(r, XOUS_MEM_R, 0);
  (void)xous_unmap_memory(r);
  (void)xous_increase_heap(0x2000, XOUS_MEM_R | XOUS_MEM_W, &heap);
  (void)xous_decrease_heap(0x1000, &heap);

  /* Servers and connections. */
  sid = xous_sid_from_name(ABI_NAME);
  (void)xous_create_server_with_address(sid, &cid);
  (void)xous_create_server(&other, &other_cid);
  (void)xous_try_receive_message(other, &env, &got);
  (void)xous_destroy_server(other);
  (void)xous_create_server_id(&id_only);
  (void)xous_try_connect(sid, &cid2);
  (void)xous_connect(sid, &cid3);
  (void)xous_connect_for_process(pid, sid, &cid3);

  /* Messages, to a server thread of our own. */
  (void)xous_create_thread(serve, (void *)ABI_THREAD_ARG, ABI_STACK, &tid);
  (void)xous_scalar(cid, 0x101, 1, 2, 3, 4);
  (void)xous_blocking_scalar(cid, 0x102, 5, 6, 7, 8, words);
  (void)xous_blocking_scalar(cid, 0x103, 5, 6, 7, 8, words);
  (void)xous_blocking_scalar(cid, 0x104, 5, 6, 7, 8, words);
  (void)xous_lend(cid, 0x105, lent, XOUS_PAGE_SIZE, 7, 9, &off, &valid);
  (void)xous_lend_mut(cid, 0x106, lent + XOUS_PAGE_SIZE, XOUS_PAGE_SIZE, 0, 5,
                      &off, &valid);
  (void)xous_blocking_scalar(cid, 0x107, 5, 6, 7, 8, words);
  (void)xous_send(cid, 0x108, lent + 2 * XOUS_PAGE_SIZE, XOUS_PAGE_SIZE, 0, 0);
  m = (xous_message_t){ .kind = XOUS_MSG_SCALAR };
  m.scalar.id = 0x109;
  (void)xous_try_send_message(cid, &m, &res);
  (void)xous_join_thread(tid, &joined);
  (void)xous_disconnect(cid3);

  /* Threads, events, interrupts, limits. */
  (void)xous_yield();
  (void)xous_wait_event();
  (void)xous_claim_interrupt(8, on_irq, (void *)0x1234);
  (void)xous_free_interrupt(8);
  (void)xous_adjust_process_limit(XOUS_LIMIT_HEAP_MAX, 0, 0, words);

  /* The system programs' calls: the desktop handles none of them. */
  {
    const xous_process_init_t init = { 0x1000, 0x2000, 0x3000,
                                       0x4000, 0x5000, 0x6000 };
    const xous_word_t op[7] = { 2, 0x61000000u };
    xous_word_t phys;
    xous_cid_t child_cid;
    xous_pid_t child;

    (void)xous_return_to_parent(1, 0);
    (void)xous_switch_to(pid, 0x11);
    (void)xous_ready_threads(pid);
    (void)xous_set_mem_region(pid, 2, 0x40000000u, 0x3000);
    (void)xous_create_process(&init, &child, &child_cid);
    (void)xous_set_exception_handler(0x7000, 0x8000);
    (void)xous_virt_to_phys(0x61000000u, &phys);
    (void)xous_virt_to_phys_pid(pid, 0x61000000u, &phys);
    (void)xous_platform_specific(op, &res);
  }
  return 42; /* TerminateProcess(42) */
}
