/*
 * names-peer: a process for tests/check_names that uses the name server
 * through <xous/names.h>. It prints one line per result, so that the test
 * can follow it:
 *
 *   names-peer server NAME LIMIT   registers NAME, prints "sid W0 W1 W2 W3"
 *                                  (hex; for the secrecy test only) and
 *                                  "ready", then serves: opcode 1
 *                                  (BlockingScalar) answers a1 + 1, opcode 2
 *                                  unregisters its SID and answers the error,
 *                                  opcode 3 ends
 *   names-peer connect NAME        blocking lookup, then opcode 1 with 41;
 *                                  prints "reply 42"
 *   names-peer try NAME            non-blocking lookup; prints the error
 *   names-peer token NAME          non-blocking lookup with a token; prints
 *                                  the error and the token's words (hex)
 *   names-peer hold NAME           as token, then keeps running (and its
 *                                  place) until it is killed
 *   names-peer disconnect NAME W0 W1 W2 W3
 *                                  gives the token back; prints the error
 *   names-peer register-only NAME  sends Register and ends without creating
 *                                  the server; prints "sid" or the answer
 *   names-peer unregister W0 W1 W2 W3
 *                                  unregisters by a SID (hex); prints the
 *                                  error
 *
 * Errors print as the kernel's names ("AccessDenied"). The exit status is
 * 0 when the peer did what it was asked, whatever the answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xous.h>
#include <xous/names.h>

#include "../../servers/names/wire.h"
#include "../support/peer.h"

const char *const peer_prog = "names-peer";

static int
serve(const char *name, unsigned limit)
{
  xous_envelope_t env;
  xous_sid_t sid;
  xous_error_t err;

  err = xous_names_register(name, limit, &sid);
  if (err != XOUS_OK) {
    printf("register %s\n", xous_error_name(err));
    return 1;
  }
  printf("sid %08x %08x %08x %08x\nready\n", (unsigned)sid.w[0],
         (unsigned)sid.w[1], (unsigned)sid.w[2], (unsigned)sid.w[3]);
  fflush(stdout);
  for (;;) {
    const xous_scalar_msg_t *m = &env.body.scalar;

    peer_receive(sid, &env);
    if (env.body.kind != XOUS_MSG_BLOCKING_SCALAR)
      continue;
    switch (m->id) {
    case 1:
      xous_return_scalar1(env.sender, m->arg1 + 1);
      break;
    case 2:
      xous_return_scalar1(env.sender, xous_names_unregister(sid));
      break;
    case 3:
      xous_return_scalar1(env.sender, 0);
      return 0;
    default:
      xous_return_scalar1(env.sender, 0);
      break;
    }
  }
}

static int
connect_and_call(const char *name)
{
  xous_word_t ret[5];
  xous_cid_t cid;
  xous_error_t err;

  err = xous_names_connect(name, &cid);
  printf("connect %s\n", xous_error_name(err));
  fflush(stdout);
  if (err != XOUS_OK)
    return 0;
  err = xous_blocking_scalar(cid, 1, 41, 0, 0, 0, ret);
  if (err != XOUS_OK)
    printf("call %s\n", xous_error_name(err));
  else
    printf("reply %lu\n", (unsigned long)ret[0]);
  return 0;
}

/* The first half of xous_names_register(): the name server makes a SID,
 * and this process ends before it creates the server. */
static int
register_only(const char *name)
{
  struct xous__names_return ret;
  size_t used = 0, off = 0, valid = 0;
  xous_range_t page;
  xous_cid_t cid;

  if (xous_connect(xous_sid_from_name(XOUS_NAMES_SERVER_NAME), &cid) !=
          XOUS_OK ||
      xous_map_memory(0, 0, XOUS_PAGE_SIZE, XOUS_MEM_R | XOUS_MEM_W, &page) !=
          XOUS_OK ||
      xous__names_write_registration(page.addr, page.len,
                                     (const uint8_t *)name, strlen(name),
                                     false, 0, &used) != XOUS_OK ||
      xous_lend_mut(cid, XOUS_NAMES_OP_REGISTER, page.addr, page.len, used,
                    page.len, &off, &valid) != XOUS_OK ||
      xous__names_read_return(page.addr, off, &ret) != XOUS_OK) {
    printf("register-only failed\n");
    return 1;
  }
  printf(ret.tag == XOUS_NAMES_RETURN_SID ? "sid\n" : "answer %u\n",
         (unsigned)ret.tag);
  return 0;
}

int
main(int argc, char **argv)
{
  const char *role = argc > 1 ? argv[1] : "";
  const char *name = argc > 2 ? argv[2] : "";
  xous_names_token_t t;
  xous_error_t err;

  setvbuf(stdout, NULL, _IOLBF, 0);
  if (strcmp(role, "server") == 0 && argc == 4)
    return serve(name, (unsigned)strtoul(argv[3], NULL, 0));
  if (strcmp(role, "connect") == 0 && argc == 3)
    return connect_and_call(name);
  if (strcmp(role, "register-only") == 0 && argc == 3)
    return register_only(name);
  if (strcmp(role, "try") == 0 && argc == 3) {
    printf("%s\n", xous_error_name(xous_names_try_connect(name, NULL)));
    return 0;
  }
  if ((strcmp(role, "token") == 0 || strcmp(role, "hold") == 0) && argc == 3) {
    memset(&t, 0, sizeof t);
    err = xous_names_try_connect_token(name, NULL, &t);
    printf("%s %08x %08x %08x %08x\n", xous_error_name(err), (unsigned)t.w[0],
           (unsigned)t.w[1], (unsigned)t.w[2], (unsigned)t.w[3]);
    fflush(stdout);
    if (strcmp(role, "hold") == 0) {
      /* A server of its own that nobody sends to: a wait until killed. */
      xous_envelope_t env;
      xous_sid_t own;

      if (xous_create_server(&own, NULL) == XOUS_OK)
        while (xous_receive_message(own, &env) == XOUS_OK)
          ;
      return 1;
    }
    return 0;
  }
  if (strcmp(role, "disconnect") == 0 && argc == 7) {
    for (int i = 0; i < 4; i++)
      t.w[i] = (uint32_t)strtoul(argv[3 + i], NULL, 16);
    printf("%s\n", xous_error_name(xous_names_disconnect(name, t)));
    return 0;
  }
  if (strcmp(role, "unregister") == 0 && argc == 6) {
    xous_sid_t sid;

    for (int i = 0; i < 4; i++)
      sid.w[i] = (uint32_t)strtoul(argv[2 + i], NULL, 16);
    printf("%s\n", xous_error_name(xous_names_unregister(sid)));
    return 0;
  }
  fprintf(stderr, "usage: names-peer server|connect|try|token|disconnect|"
                  "unregister NAME ...\n");
  return 2;
}
