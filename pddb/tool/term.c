/* Terminal helpers of the pddb command (term.h). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bsd/readpassphrase.h>

#include "term.h"

/* Reads a line byte by byte, so that the next password stays in the fd. */
static int
read_line(int fd, char *buf, size_t size)
{
  size_t n = 0;
  char c;
  ssize_t r;

  while ((r = read(fd, &c, 1)) == 1 && c != '\n') {
    if (n + 1 >= size)
      return -1;
    buf[n++] = c;
  }
  if (r < 0 || (r == 0 && n == 0))
    return -1;
  if (n > 0 && buf[n - 1] == '\r')
    n--;
  buf[n] = '\0';
  return (int)n;
}

int
term_password(int fd, const char *prompt, char *buf, size_t size)
{
  if (fd >= 0)
    return read_line(fd, buf, size);
  /* readpassphrase(3) turns echo off on /dev/tty and puts the terminal
   * back on every way out, signals included (SIGINT, SIGTERM, SIGTSTP...,
   * which it then raises again). */
  if (readpassphrase(prompt, buf, size, RPP_REQUIRE_TTY) == NULL) {
    fprintf(stderr, "pddb: no terminal to read the password from; "
                    "use --password-fd\n");
    return -1;
  }
  return (int)strlen(buf);
}

void
term_progress(uint32_t done, uint32_t total, void *label)
{
  enum { WIDTH = 40 };
  char bar[WIDTH + 1];
  unsigned fill, i;

  if (!isatty(2) || total == 0)
    return;
  fill = (unsigned)((uint64_t)done * WIDTH / total);
  for (i = 0; i < WIDTH; i++)
    bar[i] = i < fill ? '#' : ' ';
  bar[WIDTH] = '\0';
  fprintf(stderr, "\r%s [%s] %3u%%", (const char *)label, bar,
          (unsigned)((uint64_t)done * 100 / total));
  if (done >= total)
    fputc('\n', stderr);
  fflush(stderr);
}
