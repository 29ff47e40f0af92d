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
  xous_pid_t pid; /* 0: any */
  uint32_t syscall;
  uint32_t nth;  /* 1 based; 0: every call */
  uint32_t seen; /* matching calls since the rule was set */
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
  /* A rule names a call the ABI lists and fails it with an error the ABI
   * lists: any other would never match, or reach its caller as another. */
  if (pid > 255 || xous_syscall_name(syscall) == NULL || nth > UINT32_MAX ||
      err == 0 || err >= XOUS_ERROR_COUNT)
    return XOUS_INVALID_ARGUMENT;
  for (unsigned i = 0; i < MAX_FAULTS; i++) {
    struct fault *f = &faults[i];

    if (f->used)
      continue;
    *f = (struct fault){
      true, (xous_pid_t)pid,  (uint32_t)syscall, (uint32_t)nth, 0,
      0,    (xous_error_t)err
    };
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

static void answer_rules_clear(void);

void
xd_fault_clear(void)
{
  memset(faults, 0, sizeof faults);
  nfaults = 0;
  answer_rules_clear();
  xd_direct_faults_update();
}

json_t *
xd_fault_list(void)
{
  json_t *list = json_array();

  for (unsigned i = 0; i < MAX_FAULTS && list != NULL; i++) {
    const struct fault *f = &faults[i];
    json_t *rule;

    if (!f->used)
      continue;
    rule = json_pack("{s:i,s:i,s:I,s:i,s:s,s:I,s:I}", "pid", (int)f->pid,
                     "syscall", (int)f->syscall, "nth", (json_int_t)f->nth,
                     "error", (int)f->err, "error_name",
                     xous_error_name(f->err), "seen", (json_int_t)f->seen,
                     "fired", (json_int_t)f->fired);
    if (rule == NULL || json_array_append_new(list, rule) != 0) {
      json_decref(list);
      list = NULL;
    }
  }
  return list;
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
  if (xd_trace_on())
    xd_trace("{s:s,s:i,s:i,s:o,s:i,s:s}", "ev", "fault", "pid",
             (int)t->proc->pid, "tid", (int)t->tid, "syscall", xd_json_u64(nr),
             "error", (int)err, "error_name", xous_error_name(err));
  xd_reply_error(t, err);
  /* A spent rule for sends lets messages go straight again. */
  if (sends_before && !xd_fault_sends())
    xd_direct_faults_update();
  return true;
}

/* ==== answers held back: a slow or lossy server ============================ */

#define MAX_ANSWER_RULES 16
#define MAX_HELD 256

struct answer_rule {
  bool used;
  xous_pid_t pid; /* the servers of this process */
  bool drop;
  uint64_t ms; /* the delay, when not dropped */
};

/* An answer given by a server, waiting for its time. */
struct held {
  bool used;
  uint8_t index; /* the server, */
  uint32_t gen;  /* which must still be this one, */
  unsigned n;    /* and its slot, */
  uint16_t sgen; /* still for this message */
  struct xous__answer ans;
  uint64_t due; /* uv_now() time */
};

static struct answer_rule answer_rules[MAX_ANSWER_RULES];
static struct held held[MAX_HELD];
static uv_timer_t held_timer;
static bool held_timer_ready;

static void
answer_rules_clear(void)
{
  memset(answer_rules, 0, sizeof answer_rules);
}

static const struct answer_rule *
answer_rule_of(const struct xd_server *s)
{
  for (unsigned i = 0; i < MAX_ANSWER_RULES; i++)
    if (answer_rules[i].used && s->owner != NULL &&
        answer_rules[i].pid == s->owner->pid)
      return &answer_rules[i];
  return NULL;
}

bool
xd_fault_relay(const struct xd_server *s)
{
  return xd_fault_sends() || answer_rule_of(s) != NULL;
}

xous_error_t
xd_fault_answers(unsigned pid, bool drop, uint64_t ms)
{
  struct answer_rule *free_rule = NULL;

  if (pid == 0 || pid > 255 || ms > 24u * 3600u * 1000u)
    return XOUS_INVALID_ARGUMENT;
  for (unsigned i = 0; i < MAX_ANSWER_RULES; i++) {
    if (answer_rules[i].used && answer_rules[i].pid == pid)
      answer_rules[i].used = false;
    if (!answer_rules[i].used && free_rule == NULL)
      free_rule = &answer_rules[i];
  }
  if (drop || ms > 0) {
    if (free_rule == NULL)
      return XOUS_OUT_OF_MEMORY;
    *free_rule = (struct answer_rule){ true, (xous_pid_t)pid, drop, ms };
    xd_log(1, "fault: the answers of process %u are %s", pid,
           drop ? "dropped" : "delayed");
  }
  xd_direct_faults_update();
  return XOUS_OK;
}

/* Delivers every held answer that is due; an answer whose server or
 * message has gone meanwhile is forgotten (the client was told then). */
static void
deliver_due(uv_timer_t *timer)
{
  uint64_t now = uv_now(xd.loop), next = UINT64_MAX;

  (void)timer;
  for (unsigned i = 0; i < MAX_HELD; i++) {
    struct held *h = &held[i];
    struct xd_server *s;

    if (!h->used)
      continue;
    s = &xd.servers[h->index];
    if (!s->used || s->gen != h->gen ||
        s->slots[h->n].state != XD_SLOT_ANSWERED ||
        s->slots[h->n].gen != h->sgen) {
      h->used = false;
      continue;
    }
    if (h->due > now) {
      if (h->due < next)
        next = h->due;
      continue;
    }
    h->used = false;
    xd_answer_deliver(s, h->n, &h->ans);
  }
  if (next != UINT64_MAX)
    uv_timer_start(&held_timer, deliver_due, next - now, 0);
}

bool
xd_fault_hold_answer(struct xd_server *s, unsigned n,
                     const struct xous__answer *ans)
{
  const struct answer_rule *r;
  struct held *h = NULL;

  if (s->owner == NULL || (r = answer_rule_of(s)) == NULL)
    return false;
  if (r->drop) {
    /* The client waits as if the server had never answered, until the
     * server goes: then it gets ServerNotFound. */
    s->slots[n].state = XD_SLOT_ANSWERED;
    xd_trace("{s:s,s:i,s:i}", "ev", "drop", "server", (int)s->index, "to",
             (int)s->slots[n].client_pid);
    return true;
  }
  for (unsigned i = 0; i < MAX_HELD && h == NULL; i++)
    if (!held[i].used)
      h = &held[i];
  if (h == NULL)
    return false; /* too many held: this one goes at once */
  if (!held_timer_ready) {
    uv_timer_init(xd.loop, &held_timer);
    uv_unref((uv_handle_t *)&held_timer);
    held_timer_ready = true;
  }
  *h = (struct held){
    true, s->index, s->gen, n, s->slots[n].gen, *ans, uv_now(xd.loop) + r->ms
  };
  s->slots[n].state = XD_SLOT_ANSWERED;
  if (xd_trace_on())
    xd_trace("{s:s,s:i,s:i,s:o}", "ev", "delay", "server", (int)s->index, "to",
             (int)s->slots[n].client_pid, "ms", xd_json_u64(r->ms));
  if (!uv_is_active((uv_handle_t *)&held_timer) ||
      uv_timer_get_due_in(&held_timer) > r->ms)
    uv_timer_start(&held_timer, deliver_due, r->ms, 0);
  return true;
}
