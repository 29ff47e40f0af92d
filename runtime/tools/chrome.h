/*
 * Recording xousd's trace stream in the Chrome trace-event JSON format, as
 * Perfetto and chrome://tracing open it: one track per Xous process and
 * thread, a slice per blocking call and per message handled, and flow
 * arrows from send to receive to reply.
 */
#ifndef XOUS_TOOLS_CHROME_H
#define XOUS_TOOLS_CHROME_H

struct chrome;

/* Creates path and writes the file's opening; NULL with errno on failure. */
struct chrome *chrome_open(const char *path);
/* Names the processes of a `ps` answer (process_name metadata). */
void chrome_processes(struct chrome *ch, const char *ps_json);
/* Adds one trace event (the broker's JSON text). */
void chrome_event(struct chrome *ch, const char *json);
/* Ends the calls still open at the last time seen, closes the JSON and the
 * file, and frees ch. Returns 0, or -1 with errno when writing failed. */
int chrome_close(struct chrome *ch);

#endif /* XOUS_TOOLS_CHROME_H */
