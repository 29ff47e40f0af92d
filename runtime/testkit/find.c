/*
 * Where libxous-test finds xousd and the standard servers: a list the
 * user gives, the build tree (make check), beside the installed library,
 * then the configured directories. The order is in <xous/test.h>.
 */
#include <dlfcn.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testkit/internal.h"

#ifndef XOUS_TEST_LIBEXECDIR
#define XOUS_TEST_LIBEXECDIR "/usr/local/libexec/xous-posix"
#endif
#ifndef XOUS_TEST_BINDIR
#define XOUS_TEST_BINDIR "/usr/local/bin"
#endif

static bool
try_path(char *out, size_t size, const char *dir, const char *name)
{
  if (dir == NULL || dir[0] == '\0')
    return false;
  if ((size_t)snprintf(out, size, "%s/%s", dir, name) >= size)
    return false;
  return access(out, X_OK) == 0;
}

/* The directory this library was loaded from, or "". */
static void
library_dir(char *out, size_t size)
{
  Dl_info info;
  char copy[PATH_MAX];

  out[0] = '\0';
  if (dladdr((void *)xous__test_find, &info) == 0 || info.dli_fname == NULL)
    return;
  if (realpath(info.dli_fname, copy) == NULL)
    return;
  snprintf(out, size, "%s", dirname(copy));
}

bool
xous__test_find(const char *name, const char *rel, char *out, size_t size)
{
  const char *list = getenv("XOUS_TEST_PROGRAMS");
  const char *build = getenv("XOUS_BUILDDIR");
  char lib[PATH_MAX], dir[PATH_MAX + 32];

  if (list != NULL && list[0] != '\0') {
    char copy[4096], *save = NULL;

    snprintf(copy, sizeof copy, "%s", list);
    for (char *d = strtok_r(copy, ":", &save); d != NULL;
         d = strtok_r(NULL, ":", &save))
      if (try_path(out, size, d, name))
        return true;
  }
  if (try_path(out, size, build, rel) || try_path(out, size, build, name))
    return true;
  library_dir(lib, sizeof lib);
  if (lib[0] != '\0') {
    /* Installed: <prefix>/lib -> <prefix>/libexec/xous-posix, bin. */
    snprintf(dir, sizeof dir, "%s/../libexec/xous-posix", lib);
    if (try_path(out, size, dir, name))
      return true;
    snprintf(dir, sizeof dir, "%s/../bin", lib);
    if (try_path(out, size, dir, name))
      return true;
    /* The build tree: <build>/.libs -> <build>. */
    snprintf(dir, sizeof dir, "%s/..", lib);
    if (try_path(out, size, dir, rel) || try_path(out, size, dir, name))
      return true;
  }
  return try_path(out, size, XOUS_TEST_LIBEXECDIR, name) ||
         try_path(out, size, XOUS_TEST_BINDIR, name);
}
