/*
 * The benchmarks' results files through jansson (results.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "results.h"

json_t *
bench_targets_json(const struct bench_target *t, size_t n)
{
  json_t *a = json_array();

  for (size_t i = 0; a != NULL && i < n; i++)
    json_array_append_new(a,
                          json_pack("{s:s, s:f, s:s, s:s, s:f, s:f, s:o, s:s}",
                                    "figure", t[i].figure, "ours", t[i].ours,
                                    "unit", t[i].ours_unit, "compared_with",
                                    t[i].limit_name, "limit", t[i].limit,
                                    "ratio", t[i].ratio, "target",
                                    t[i].goal != NULL ? json_string(t[i].goal)
                                                      : json_null(),
                                    "result", bench_target_result(&t[i])));
  return a;
}

json_t *
bench_json_read(const char *path)
{
  return json_load_file(path, 0, NULL);
}

bool
bench_json_write(const char *path, json_t *o)
{
  int rc;

  if (o == NULL) {
    fprintf(stderr, "bench: %s: out of memory\n", path);
    return false;
  }
  errno = 0;
  rc = json_dump_file(o, path, JSON_INDENT(2) | JSON_REAL_PRECISION(9));
  json_decref(o);
  if (rc != 0)
    fprintf(stderr, "bench: cannot write %s: %s\n", path,
            errno != 0 ? strerror(errno) : "jansson refused it");
  return rc == 0;
}

bool
bench_json_set_member(const char *path, const char *key, json_t *value)
{
  json_t *o = bench_json_read(path);

  if (!json_is_object(o)) {
    json_decref(o);
    o = json_object();
  }
  if (o != NULL)
    json_object_set_new(o, key, value);
  else
    json_decref(value);
  return bench_json_write(path, o);
}
