/*
 * What /proc says of a process, for the desktop's benchmarks and soak
 * tests: its resident memory and its descriptors, to see what a broker
 * holds before, during and after a load.
 */
#ifndef XOUS_TOOLS_PROCFS_H
#define XOUS_TOOLS_PROCFS_H

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

/* VmRSS of pid in KiB, or -1. */
static inline long
proc_rss_kb(pid_t pid)
{
  char path[64], line[256];
  long kb = -1;
  FILE *f;

  snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
  f = fopen(path, "r");
  while (f != NULL && fgets(line, sizeof line, f) != NULL)
    if (sscanf(line, "VmRSS: %ld", &kb) == 1)
      break;
  if (f != NULL)
    fclose(f);
  return kb;
}

/* The descriptors pid holds, or -1; with memfds, also how many of them
 * are memory objects (memfd or /dev/shm). */
static inline int
proc_fds(pid_t pid, int *memfds)
{
  char path[64], link[PATH_MAX + 64], target[PATH_MAX];
  struct dirent *e;
  DIR *d;
  int n = 0;

  if (memfds != NULL)
    *memfds = 0;
  snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
  d = opendir(path);
  if (d == NULL)
    return -1;
  while ((e = readdir(d)) != NULL) {
    ssize_t len;

    if (e->d_name[0] == '.')
      continue;
    n++;
    if (memfds == NULL)
      continue;
    snprintf(link, sizeof link, "%s/%s", path, e->d_name);
    len = readlink(link, target, sizeof target - 1);
    if (len > 0) {
      target[len] = '\0';
      if (strstr(target, "memfd:") != NULL || strstr(target, "/dev/shm/"))
        (*memfds)++;
    }
  }
  closedir(d);
  return n;
}

#endif /* XOUS_TOOLS_PROCFS_H */
