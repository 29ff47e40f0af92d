/*
 * Readers of /proc (procfs.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <check.h>

#include "procfs.h"
#include "tools/procfs.h"

int
procfs_fd_count(pid_t pid)
{
  int n = proc_fds(pid == 0 ? getpid() : pid, NULL);

  ck_assert_msg(n >= 0, "cannot read the descriptors of process %d", (int)pid);
  /* The directory's own descriptor, when it is ours. */
  return pid == 0 ? n - 1 : n;
}

const char *
procfs_prot_at(const void *addr)
{
  static char prot[4];
  FILE *f = fopen("/proc/self/maps", "r");
  char line[512];

  prot[0] = '\0';
  while (f != NULL && fgets(line, sizeof line, f) != NULL) {
    unsigned long lo, hi;
    char p[5];

    if (sscanf(line, "%lx-%lx %4s", &lo, &hi, p) == 3 &&
        (uintptr_t)addr >= lo && (uintptr_t)addr < hi) {
      memcpy(prot, p, 3);
      prot[3] = '\0';
      break;
    }
  }
  if (f != NULL)
    fclose(f);
  return prot;
}

char
procfs_state(pid_t pid)
{
  char path[64], buf[512], *close_paren;
  FILE *f;
  size_t n;

  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  if ((f = fopen(path, "r")) == NULL)
    return 0;
  n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  /* The name in parentheses may hold anything; the state follows the
   * last closing one. */
  close_paren = strrchr(buf, ')');
  return close_paren != NULL && close_paren[1] == ' ' ? close_paren[2] : 0;
}
