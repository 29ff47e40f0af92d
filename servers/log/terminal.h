/*
 * Where the log server writes: the terminal on the desktop
 * (hosted/terminal.c), the console UART on the device.
 */
#ifndef LOG_TERMINAL_H
#define LOG_TERMINAL_H

#include <xous.h>
#include <xous/log.h>

#include "record.h"

/* Prepares the output (colour or not). */
void log_term_open(void);
/* Prints e from process pid: "[LEVEL pid module] text", one such line
 * for each line of text, control characters shown as '?'. */
void log_term_entry(const struct log_entry *e, xous_pid_t pid);
/* Writes n raw bytes to the standard output (err = false) or error. */
void log_term_raw(bool err, const void *bytes, size_t n);
/* Reports a usage error and the synopsis on the standard error. */
void log_term_usage(const char *what);
/* The usage, where --help shows it (standard output on the desktop). */
void log_term_help(void);
/* Reports a fatal error of the server. */
void log_term_fatal(const char *what, xous_error_t err);

#endif /* LOG_TERMINAL_H */
