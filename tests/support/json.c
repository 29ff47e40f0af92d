/*
 * The tests' JSON reader (json.h).
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "json.h"

static const char *jparse(const char *p, struct jval *v, int depth);

static const char *
jws(const char *p)
{
  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
    p++;
  return p;
}

static const char *
jstring(const char *p, struct jval *v)
{
  if (*p++ != '"')
    return NULL;
  v->type = J_STR;
  v->s = p;
  while (*p != '"') {
    if ((unsigned char)*p < 0x20)
      return NULL;
    if (*p == '\\') {
      p++;
      if (*p == 'u') {
        for (int i = 1; i <= 4; i++)
          if (p[i] == '\0' || strchr("0123456789abcdefABCDEF", p[i]) == NULL)
            return NULL;
        p += 4;
      } else if (*p == '\0' || strchr("\"\\/bfnrt", *p) == NULL) {
        return NULL;
      }
    }
    p++;
  }
  v->len = (size_t)(p - v->s);
  return p + 1;
}

static const char *
jnumber(const char *p, struct jval *v)
{
  const char *start = p, *d;
  char *end;

  if (*p == '-')
    p++;
  if (*p == '0')
    p++;
  else if (*p >= '1' && *p <= '9')
    while (*p >= '0' && *p <= '9')
      p++;
  else
    return NULL;
  if (*p == '.') {
    d = ++p;
    while (*p >= '0' && *p <= '9')
      p++;
    if (p == d)
      return NULL;
  }
  if (*p == 'e' || *p == 'E') {
    p++;
    if (*p == '+' || *p == '-')
      p++;
    d = p;
    while (*p >= '0' && *p <= '9')
      p++;
    if (p == d)
      return NULL;
  }
  v->type = J_NUM;
  v->num = strtod(start, &end);
  return end == p ? p : NULL;
}

/* Appends one item (and for an object its key) to v. */
static void
jpush(struct jval *v, const struct jval *key, const struct jval *item)
{
  v->items = realloc(v->items, (v->count + 1) * sizeof *v->items);
  ck_assert_ptr_nonnull(v->items);
  v->items[v->count] = *item;
  if (key != NULL) {
    v->keys = realloc(v->keys, (v->count + 1) * sizeof *v->keys);
    ck_assert_ptr_nonnull(v->keys);
    v->keys[v->count] = *key;
  }
  v->count++;
}

static const char *
jcontainer(const char *p, struct jval *v, char close, int depth)
{
  v->type = close == '}' ? J_OBJ : J_ARR;
  p = jws(p + 1);
  if (*p == close)
    return p + 1;
  for (;;) {
    struct jval key = { 0 }, item = { 0 };

    if (close == '}') {
      if ((p = jstring(p, &key)) == NULL)
        return NULL;
      p = jws(p);
      if (*p++ != ':')
        return NULL;
    }
    p = jparse(jws(p), &item, depth + 1);
    if (p == NULL)
      return NULL;
    jpush(v, close == '}' ? &key : NULL, &item);
    p = jws(p);
    if (*p == close)
      return p + 1;
    if (*p++ != ',')
      return NULL;
    p = jws(p);
  }
}

static const char *
jparse(const char *p, struct jval *v, int depth)
{
  memset(v, 0, sizeof *v);
  if (depth > 64)
    return NULL;
  switch (*p) {
  case '{':
    return jcontainer(p, v, '}', depth);
  case '[':
    return jcontainer(p, v, ']', depth);
  case '"':
    return jstring(p, v);
  case 't':
    v->type = J_BOOL;
    v->num = 1; /* true */
    return strncmp(p, "true", 4) == 0 ? p + 4 : NULL;
  case 'f':
    v->type = J_BOOL;
    return strncmp(p, "false", 5) == 0 ? p + 5 : NULL;
  case 'n':
    return strncmp(p, "null", 4) == 0 ? p + 4 : NULL;
  default:
    return jnumber(p, v);
  }
}

void
jfree(struct jval *v)
{
  for (size_t i = 0; i < v->count; i++)
    jfree(&v->items[i]);
  free(v->items);
  free(v->keys);
}

const struct jval *
jget(const struct jval *v, const char *key)
{
  if (v == NULL || v->type != J_OBJ)
    return NULL;
  for (size_t i = 0; i < v->count; i++)
    if (v->keys[i].len == strlen(key) &&
        memcmp(v->keys[i].s, key, v->keys[i].len) == 0)
      return &v->items[i];
  return NULL;
}

bool
jis(const struct jval *v, const char *s)
{
  return v != NULL && v->type == J_STR && v->len == strlen(s) &&
         memcmp(v->s, s, v->len) == 0;
}

bool
jstarts(const struct jval *v, const char *prefix)
{
  return v != NULL && v->type == J_STR && v->len >= strlen(prefix) &&
         memcmp(v->s, prefix, strlen(prefix)) == 0;
}

long
jnum(const struct jval *v)
{
  return v != NULL && v->type == J_NUM ? (long)v->num : -1;
}

bool
jvalid(const char *text, struct jval *root)
{
  const char *end = jparse(jws(text), root, 0);

  return end != NULL && *jws(end) == '\0';
}
