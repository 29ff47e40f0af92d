/* Terminal helpers of the pddb command (term.h). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

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
  struct termios old, quiet;
  int tty, n;

  if (fd >= 0)
    return read_line(fd, buf, size);
  tty = open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (tty < 0) {
    fprintf(stderr, "pddb: no terminal to read the password from; "
                    "use --password-fd\n");
    return -1;
  }
  (void)!write(tty, prompt, strlen(prompt));
  if (tcgetattr(tty, &old) == 0) {
    quiet = old;
    quiet.c_lflag &= (tcflag_t) ~(ECHO | ECHONL);
    quiet.c_lflag |= ICANON;
    (void)tcsetattr(tty, TCSAFLUSH, &quiet);
  }
  n = read_line(tty, buf, size);
  (void)tcsetattr(tty, TCSAFLUSH, &old);
  (void)!write(tty, "\n", 1);
  close(tty);
  return n;
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
