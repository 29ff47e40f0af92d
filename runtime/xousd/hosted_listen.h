/*
 * The hosted-mode listener (hosted_listen.c), as the rest of xousd calls
 * it: Rust Xous programs joining over loopback TCP.
 */
#ifndef XOUSD_HOSTED_LISTEN_H
#define XOUSD_HOSTED_LISTEN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct xd_process;

/* Listens on spec ("127.0.0.1:0": loopback only, port 0 picks one).
 * Returns 0, or -1 after saying why. */
int xd_hosted_listen(const char *spec);
bool xd_hosted_listening(void);
/* "host:port" as a client dials it, or NULL when not listening. */
const char *xd_hosted_address(void);
/* Stops listening and drops connections still showing their keys. */
void xd_hosted_stop(void);
/* Reserves a PID and a fresh key for a program called name: the JSON
 * answer of the control request. */
json_t *xd_hosted_env(const char *name);
/* Whether proc is reserved for a hosted-mode program that has not
 * connected yet. */
bool xd_hosted_starting(const struct xd_process *proc);
/* The reserved process a bridge of os_pid joins as, or NULL. */
struct xd_process *xd_hosted_claim(pid_t os_pid);
/* A process ends: its reservation, if any, goes with it. */
void xd_hosted_gone(struct xd_process *proc);

#endif /* XOUSD_HOSTED_LISTEN_H */
