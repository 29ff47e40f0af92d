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

struct xd_process *
xd_process_new(struct xd_peer *peer, const char *name, xous_error_t *err)
{
  struct xd_process *proc;
  unsigned pid;

  /* The lowest free PID, as small numbers are what the device hands out;
   * 1 is the kernel. */
  for (pid = 2; pid < 2 + xd.opt.max_processes && xd.procs[pid] != NULL;
       pid++)
    ;
  if (pid == 2 + xd.opt.max_processes) {
    if (xd.opt.max_processes == XOUS_MAX_PROCESSES)
      xd_log(0, "refused a process: no free PID (%u processes are "
                "running, all of PIDs 2..%u: the device's limit; xousd "
                "--max-processes raises it up to %d)",
             xd.opt.max_processes, 1 + xd.opt.max_processes,
             XOUSD_MAX_PIDS - 2);
    else
      xd_log(0, "refused a process: no free PID (%u processes are "
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
  proc->max_servers = xd.opt.process_servers;
  proc->max_conns = xd.opt.max_connections;
  /* SAFETY: the name came from the peer; keep printable bytes only and
   * always terminate it. */
  for (size_t i = 0; i + 1 < sizeof proc->name && name[i] != '\0'; i++)
    proc->name[i] = (name[i] >= 0x20 && name[i] < 0x7f && name[i] != '"' &&
                     name[i] != '\\') ? name[i] : '?';
  if (proc->name[0] == '\0')
    snprintf(proc->name, sizeof proc->name, "pid%u", pid);
  xd_list_init(&proc->threads);
  xd.procs[pid] = proc;
  xd_log(1, "process %u (%s, os pid %d) joined", pid, proc->name,
         (int)proc->os_pid);
  xd_trace("{\"ev\":\"process\",\"pid\":%u,\"name\":\"%s\"}", pid,
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
  xd_trace("{\"ev\":\"exit\",\"pid\":%u}", proc->pid);
  xd.procs[proc->pid] = NULL;
  if (proc->hosted)
    xd_hosted_gone(proc);

  /* Its threads first: nothing may be answered to them any more. */
  while (!xd_list_empty(&proc->threads)) {
    struct xd_thread *t =
        xd_container_of(proc->threads.next, struct xd_thread, proc_link);
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
