/*
 * The host tools' JSON helpers (see json.h).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "tools/json.h"

json_t *
xous__json_parse(const char *text)
{
  json_error_t error;

  return json_loads(text, JSON_DECODE_ANY, &error);
}

unsigned long long
xous__json_u(const json_t *o, const char *key, unsigned long long fallback)
{
  const json_t *v = json_object_get(o, key);
  const char *s;
  char *end;
  unsigned long long n;

  if (json_is_integer(v))
    return json_integer_value(v) >= 0
               ? (unsigned long long)json_integer_value(v)
               : fallback;
  if (!json_is_string(v))
    return fallback;
  s = json_string_value(v);
  if (s[0] < '0' || s[0] > '9')
    return fallback;
  errno = 0;
  n = strtoull(s, &end, 10);
  return errno == 0 && *end == '\0' ? n : fallback;
}

const char *
xous__json_s(const json_t *o, const char *key)
{
  return json_string_value(json_object_get(o, key));
}

json_t *
xous__json_u64(unsigned long long v)
{
  char text[24];

  if (v <= (unsigned long long)INT64_MAX)
    return json_integer((json_int_t)v);
  snprintf(text, sizeof text, "%llu", v);
  return json_string(text);
}

bool
xous__json_true(const json_t *o, const char *key)
{
  return json_is_true(json_object_get(o, key));
}
