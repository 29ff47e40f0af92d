/*
 * The server and connection syscalls: CreateServerWithAddress,
 * CreateServer, CreateServerId, DestroyServer, Connect, TryConnect,
 * ConnectForProcess, Disconnect. A SID travels as four words, one per
 * uint32_t of xous_sid_t.w[].
 */
#include "abi.h"
#include "internal.h"

static xous_error_t
cid_result(const xous_word_t r[8], xous_cid_t *cid)
{
  xous_error_t err = xous__expect(r, XOUS_RESULT_CONNECTION_ID);
  if (err == XOUS_OK && cid != NULL)
    *cid = (xous_cid_t)xous__result_word1(r);
  return err;
}

static xous_error_t
new_server_result(const xous_word_t r[8], xous_sid_t *sid, xous_cid_t *cid)
{
  xous_error_t err = xous__expect(r, XOUS_RESULT_NEW_SERVER_ID);
  if (err != XOUS_OK)
    return err;
  if (sid != NULL)
    *sid = xous__result_sid(r);
  if (cid != NULL)
    *cid = (xous_cid_t)xous__result_new_server_cid(r);
  return XOUS_OK;
}

/* Connect and TryConnect: the SID, answered with a CID. */
static xous_error_t
connect_to(xous_word_t nr, xous_sid_t sid, xous_cid_t *cid)
{
  xous_word_t r[8];

  xous__call_sid(nr, sid, r);
  return cid_result(r, cid);
}

xous_error_t
xous_create_server_with_address(xous_sid_t sid, xous_cid_t *cid)
{
  xous_word_t r[8];

  xous__call_sid(XOUS_SYSCALL_CREATE_SERVER_WITH_ADDRESS, sid, r);
  return new_server_result(r, NULL, cid);
}

xous_error_t
xous_create_server(xous_sid_t *sid, xous_cid_t *cid)
{
  const xous_word_t a[8] = { XOUS_SYSCALL_CREATE_SERVER };
  xous_word_t r[8] = { 0 };

  xous_syscall(a, r);
  return new_server_result(r, sid, cid);
}

xous_error_t
xous_create_server_id(xous_sid_t *sid)
{
  const xous_word_t a[8] = { XOUS_SYSCALL_CREATE_SERVER_ID };
  xous_word_t r[8];
  xous_error_t err = xous__call(a, XOUS_RESULT_SERVER_ID, r);

  if (err == XOUS_OK && sid != NULL)
    *sid = xous__result_sid(r);
  return err;
}

xous_error_t
xous_destroy_server(xous_sid_t sid)
{
  xous_word_t r[8];

  xous__call_sid(XOUS_SYSCALL_DESTROY_SERVER, sid, r);
  return xous__expect(r, XOUS_RESULT_OK);
}

xous_error_t
xous_connect(xous_sid_t sid, xous_cid_t *cid)
{
  return connect_to(XOUS_SYSCALL_CONNECT, sid, cid);
}

xous_error_t
xous_try_connect(xous_sid_t sid, xous_cid_t *cid)
{
  return connect_to(XOUS_SYSCALL_TRY_CONNECT, sid, cid);
}

xous_error_t
xous_connect_for_process(xous_pid_t pid, xous_sid_t sid, xous_cid_t *cid)
{
  const xous_word_t a[8] = { XOUS_SYSCALL_CONNECT_FOR_PROCESS,
                             pid,
                             sid.w[0],
                             sid.w[1],
                             sid.w[2],
                             sid.w[3] };
  xous_word_t r[8] = { 0 };

  xous_syscall(a, r);
  return cid_result(r, cid);
}

xous_error_t
xous_disconnect(xous_cid_t cid)
{
  const xous_word_t a[8] = { XOUS_SYSCALL_DISCONNECT, cid };

  return xous__call(a, XOUS_RESULT_OK, NULL);
}
