/* Terminal helpers of the pddb command: passwords and a progress bar. */
#ifndef PDDB_TOOL_TERM_H
#define PDDB_TOOL_TERM_H

#include <stddef.h>
#include <stdint.h>

/* Reads one password line from fd (fd >= 0) or from the terminal without
 * echo, prompting with prompt. Returns its length, or -1. */
int term_password(int fd, const char *prompt, char *buf, size_t size);
/* Draws done/total as a bar on stderr when it is a terminal. */
void term_progress(uint32_t done, uint32_t total, void *label);

#endif /* PDDB_TOOL_TERM_H */
