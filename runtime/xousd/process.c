/*
 * Processes and threads: Xous PIDs, names, and what happens at death.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xousd/broker.h"
#include "xousd/hosted_listen.h"

struct xd_process *
xd_process_by_pid(unsigned pid)
{
  return pid < XOUSD_MAX_PIDS ? xd.procs[pid] : NULL;
}

/* The length of the well-formed UTF-8 sequence of a non-ASCII character
 * at s (at most avail bytes), or 0: no overlong forms, no surrogates,
 * nothing past U+10FFFF. */
static size_t
utf8_length(const unsigned char *s, size_t avail)
{
  unsigned c = s[0];
  size_t n = c >= 0xc2 && c <= 0xdf   ? 2
             : c >= 0xe0 && c <= 0xef ? 3
             : c >= 0xf0 && c <= 0xf4 ? 4
                                      : 0;

  if (n == 0 || n > avail)
    return 0;
  for (size_t i = 1; i < n; i++)
    if ((s[i] & 0xc0) != 0x80)
      return 0;
  if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f) ||
      (c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] > 0x8f))
    return 0;
  return n;
}

/* SAFETY: the name came from the peer. It is kept as UTF-8 where it is
 * well formed; a control character, a quote, a backslash or a byte that
 * is no part of a character becomes '?', so that the name goes into JSON
 * and logs as it is. Always terminated. */
static void
copy_name(char *out, size_t size, const char *name)
{
  const unsigned char *s = (const unsigned char *)name;
  size_t len = 0, o = 0;

  while (len + 1 < size && s[len] != '\0')
    len++;
  for (size_t i = 0; i < len;) {
    size_t n = s[i] >= 0x80 ? utf8_length(s + i, len - i) : 1;

    if (n > 1) {
      memcpy(out + o, s + i, n);
      o += n;
      i += n;
      continue;
    }
    out[o++] = (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' && s[i] != '\\')
                   ? (char)s[i]
                   : '?';
    i++;
  }
  out[o] = '\0';
}

struct xd_process *
xd_process_new(struct xd_peer *peer, const char *name, xous_error_t *err)
{
  struct xd_process *proc;
  unsigned pid;

  /* The lowest free PID, as small numbers are what the device hands out;
   * 1 is the kernel. */
  for (pid = 2; pid < 2 + xd.opt.max_processes && xd.procs[pid] != NULL; pid++)
    ;
  if (pid == 2 + xd.opt.max_processes) {
    if (xd.opt.max_processes == XOUS_MAX_PROCESSES)
      xd_log(0,
             "refused a process: no free PID (%u processes are "
             "running, all of PIDs 2..%u: the device's limit; xousd "
             "--max-processes raises it up to %d)",
             xd.opt.max_processes, 1 + xd.opt.max_processes,
             XOUSD_MAX_PIDS - 2);
    else
      xd_log(0,
             "refused a process: no free PID (%u processes are "
             "running, all of PIDs 2..%u, as xousd --max-processes "
             "says)",
             xd.opt.max_processes, 1 + xd.opt.max_processes);
    *err = XOUS_OUT_OF_MEMORY;
    return NULL;
  }
  proc = calloc(1, sizeof *proc);
  if (proc == NULL) {
    *err = XOUS_OUT_OF_MEMORY;
    return NULL;
  }
  proc->pid = (xous_pid_t)pid;
  /* No peer yet: a PID reserved for a hosted-mode program. */
  proc->os_pid = peer != NULL ? peer->os_pid : 0;
  proc->peer = peer;
  proc->start_ms = uv_now(xd.loop);
  proc->stamp = ++xd.stamps;
  proc->max_servers = xd.opt.process_servers;
  proc->max_conns = xd.opt.max_connections;
  copy_name(proc->name, sizeof proc->name, name);
  if (proc->name[0] == '\0')
    snprintf(proc->name, sizeof proc->name, "pid%u", pid);
  xd_list_init(&proc->threads);
  xd.procs[pid] = proc;
  xd_log(1, "process %u (%s, os pid %d) joined", pid, proc->name,
         (int)proc->os_pid);
  xd_trace("{s:s,s:i,s:s}", "ev", "process", "pid", (int)pid, "name",
           proc->name);
  return proc;
}

struct xd_thread *
xd_thread_new(struct xd_peer *peer, struct xd_process *proc, uint32_t tid)
{
  struct xd_thread *t = calloc(1, sizeof *t);

  if (t == NULL)
    return NULL;
  t->peer = peer;
  t->proc = proc;
  t->tid = tid;
  t->held_fd = -1;
  xd_list_init(&t->wait_link);
  xd_list_add_tail(&proc->threads, &t->proc_link);
  return t;
}

/* Takes a thread out of everything it waits in. Its memory goes with its
 * peer (listen.c), once no callback can hold it any more. */
void
xd_thread_gone(struct xd_thread *t)
{
  if (t->wait != XD_WAIT_NONE)
    xd_forget_client(t);
  xd_list_del(&t->wait_link);
  xd_list_del(&t->proc_link);
  if (t->held_fd >= 0) {
    close(t->held_fd);
    t->held_fd = -1;
  }
  t->wait = XD_WAIT_NONE;
  t->proc = NULL;
}

void
xd_process_kill(struct xd_process *proc)
{
  unsigned i;

  if (xd.procs[proc->pid] != proc)
    return;
  xd_log(1, "process %u (%s) ended", proc->pid, proc->name);
  xd_trace("{s:s,s:i}", "ev", "exit", "pid", (int)proc->pid);
  xd.procs[proc->pid] = NULL;
  if (proc->hosted)
    xd_hosted_gone(proc);

  /* Its threads first: nothing may be answered to them any more. */
  while (!xd_list_empty(&proc->threads)) {
    struct xd_thread *t = xd_container_of(proc->threads.next, struct xd_thread,
                                          proc_link);
    struct xd_peer *tp = t->peer;

    xd_thread_gone(t);
    if (tp != NULL) {
      tp->thread = t; /* so that the close finds nothing more to undo */
      tp->role = XD_PEER_THREAD;
      xd_peer_close(tp);
    }
  }
  /* Then its servers: every client waiting on them gets its error. */
  for (i = 0; i < XOUSD_MAX_SERVERS; i++)
    if (xd.servers[i].used && xd.servers[i].owner == proc)
      xd_server_destroy(&xd.servers[i]);
  /* Its rings to other servers: their servers drop them. */
  xd_direct_client_gone(proc);
  /* Threads of other processes waiting in ConnectForProcess for it. */
  for (struct xd_link *l = xd.connecting.next; l != &xd.connecting;) {
    struct xd_thread *t = xd_container_of(l, struct xd_thread, wait_link);

    l = l->next;
    if (t->for_proc == proc) {
      xd_list_del(&t->wait_link);
      t->wait = XD_WAIT_NONE;
      xd_reply_error(t, XOUS_PROCESS_NOT_FOUND);
    }
  }
  if (proc->peer != NULL)
    proc->peer->proc = NULL;
  free(proc);
}
