/*
 * Just enough JSON for the host tools (see json.h). The broker's texts are
 * flat, so a scan that respects string quoting is all that is needed.
 */
#include <stdlib.h>
#include <string.h>

#include "tools/json.h"

/* Skips a string literal starting at its opening quote; returns the
 * character after the closing quote, or end. */
static const char *
skip_string(const char *p, const char *end)
{
  for (p++; p < end; p++) {
    if (*p == '\\' && p + 1 < end)
      p++;
    else if (*p == '"')
      return p + 1;
  }
  return end;
}

bool
json_next_object(const char **pos, struct json_obj *obj)
{
  const char *p = *pos, *end = p + strlen(p);
  int depth = 0;

  while (p < end && *p != '{')
    p = *p == '"' ? skip_string(p, end) : p + 1;
  if (p >= end)
    return false;
  obj->begin = p;
  while (p < end) {
    if (*p == '"') {
      p = skip_string(p, end);
      continue;
    }
    if (*p == '{')
      depth++;
    else if (*p == '}' && --depth == 0) {
      obj->end = p + 1;
      *pos = p + 1;
      return true;
    }
    p++;
  }
  return false;
}

bool
json_get(const struct json_obj *obj, const char *key, char *out, size_t size)
{
  size_t klen = strlen(key);
  const char *p = obj->begin + 1;
  int depth = 0;

  while (p < obj->end) {
    if (*p == '{' || *p == '[') {
      depth++;
      p++;
      continue;
    }
    if (*p == '}' || *p == ']') {
      depth--;
      p++;
      continue;
    }
    if (*p != '"') {
      p++;
      continue;
    }
    /* A string at depth 0 followed by ':' is a key. */
    const char *s = p + 1, *after = skip_string(p, obj->end);
    const char *q = after;

    while (q < obj->end && (*q == ' ' || *q == '\t' || *q == '\n'))
      q++;
    if (depth != 0 || q >= obj->end || *q != ':' ||
        (size_t)(after - 1 - s) != klen || memcmp(s, key, klen) != 0) {
      p = after;
      continue;
    }
    for (q++; q < obj->end && (*q == ' ' || *q == '\t' || *q == '\n'); q++)
      ;
    size_t n = 0;

    if (q < obj->end && *q == '"') {
      for (q++; q < obj->end && *q != '"'; q++) {
        if (*q == '\\' && q + 1 < obj->end)
          q++;
        if (n + 1 < size)
          out[n++] = *q;
      }
    } else {
      for (; q < obj->end && *q != ',' && *q != '}' && *q != ' '; q++)
        if (n + 1 < size)
          out[n++] = *q;
    }
    if (size > 0)
      out[n] = '\0';
    return true;
  }
  return false;
}

unsigned long long
json_get_u(const struct json_obj *obj, const char *key,
           unsigned long long fallback)
{
  char buf[32], *end;
  unsigned long long v;

  if (!json_get(obj, key, buf, sizeof buf) || buf[0] < '0' || buf[0] > '9')
    return fallback;
  v = strtoull(buf, &end, 10);
  return *end == '\0' ? v : fallback;
}

void
json_put_string(FILE *out, const char *s)
{
  fputc('"', out);
  for (; *s != '\0'; s++) {
    unsigned char c = (unsigned char)*s;

    if (c == '"' || c == '\\')
      fprintf(out, "\\%c", c);
    else if (c < 0x20)
      fprintf(out, "\\u%04x", c);
    else
      fputc(c, out);
  }
  fputc('"', out);
}
