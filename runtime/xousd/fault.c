/*
 * Fault injection, for tests (xous_test_fail_call(3), xousctl fail): rules
 * that make the nth call of a syscall by a process fail with a chosen
 * error. The broker checks them on every syscall it is given; while a
 * rule for SendMessage or TrySendMessage exists, the server pages tell
 * every library to send through the broker, so that messages that would
 * go straight to a server are seen too. An empty table costs one test.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "xousd/broker.h"

#define MAX_FAULTS 64

struct fault {
  bool used;
  xous_pid_t pid;      /* 0: any */
  uint32_t syscall;
  uint32_t nth;        /* 1 based; 0: every call */
  uint32_t seen;       /* matching calls since the rule was set */
  uint32_t fired;
  xous_error_t err;
};

static struct fault faults[MAX_FAULTS];
static unsigned nfaults;

static bool
is_send(uint32_t syscall)
{
  return syscall == XOUS_SYSCALL_SEND_MESSAGE ||
         syscall == XOUS_SYSCALL_TRY_SEND_MESSAGE;
}

bool
xd_fault_sends(void)
{
  for (unsigned i = 0; i < MAX_FAULTS; i++)
    if (faults[i].used && is_send(faults[i].syscall) &&
        (faults[i].nth == 0 || faults[i].seen < faults[i].nth))
      return true;
  return false;
}

xous_error_t
xd_fault_add(unsigned pid, uint64_t syscall, uint64_t nth, uint64_t err)
{
  if (pid > 255 || syscall > 0xffff || nth > UINT32_MAX || err == 0 ||
      err > 0xffff)
    return XOUS_INVALID_ARGUMENT;
  for (unsigned i = 0; i < MAX_FAULTS; i++) {
    struct fault *f = &faults[i];

    if (f->used)
      continue;
    *f = (struct fault){ true, (xous_pid_t)pid, (uint32_t)syscall,
                         (uint32_t)nth, 0, 0, (xous_error_t)err };
    nfaults++;
    xd_log(1, "fault: call %llu of syscall %llu by %s%u fails with %s",
           (unsigned long long)nth, (unsigned long long)syscall,
           pid == 0 ? "any process " : "process ", pid,
           xous_error_name((xous_error_t)err));
    xd_direct_faults_update();
    return XOUS_OK;
  }
  return XOUS_OUT_OF_MEMORY;
}

void
xd_fault_clear(void)
{
  memset(faults, 0, sizeof faults);
  nfaults = 0;
  xd_direct_faults_update();
}

size_t
xd_fault_list(char *buf, size_t size)
{
  size_t len = 0;
  int n;

  n = snprintf(buf, size, "[");
  for (unsigned i = 0; n >= 0 && (size_t)n < size - len && i < MAX_FAULTS;
       i++) {
    const struct fault *f = &faults[i];

    len += (size_t)n;
    n = 0;
    if (!f->used)
      continue;
    n = snprintf(buf + len, size - len,
                 "%s{\"pid\":%u,\"syscall\":%u,\"nth\":%u,\"error\":%u,"
                 "\"error_name\":\"%s\",\"seen\":%u,\"fired\":%u}",
                 len > 1 ? "," : "", f->pid, f->syscall, f->nth,
                 (unsigned)f->err, xous_error_name(f->err), f->seen,
                 f->fired);
  }
  if (n >= 0 && (size_t)n < size - len)
    len += (size_t)n;
  if (len + 2 > size)
    return 0;
  buf[len++] = ']';
  buf[len] = '\0';
  return len;
}

bool
xd_fault_check(struct xd_thread *t, xous_word_t nr)
{
  bool sends_before;
  xous_error_t err = XOUS_OK;

  if (nfaults == 0)
    return false;
  sends_before = xd_fault_sends();
  for (unsigned i = 0; i < MAX_FAULTS && err == XOUS_OK; i++) {
    struct fault *f = &faults[i];

    if (!f->used || f->syscall != nr ||
        (f->pid != 0 && f->pid != t->proc->pid))
      continue;
    if (f->nth != 0 && f->seen >= f->nth)
      continue; /* spent */
    f->seen++;
    if (f->nth == 0 || f->seen == f->nth) {
      f->fired++;
      err = f->err;
    }
  }
  if (err == XOUS_OK)
    return false;
  xd_log(1, "fault: syscall %llu of process %u fails with %s",
         (unsigned long long)nr, t->proc->pid, xous_error_name(err));
  xd_trace("{\"ev\":\"fault\",\"pid\":%u,\"tid\":%u,\"syscall\":%llu,"
           "\"error\":%u,\"error_name\":\"%s\"}",
           t->proc->pid, t->tid, (unsigned long long)nr, (unsigned)err,
           xous_error_name(err));
  xd_reply_error(t, err);
  /* A spent rule for sends lets messages go straight again. */
  if (sends_before && !xd_fault_sends())
    xd_direct_faults_update();
  return true;
}
