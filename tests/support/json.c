/*
 * The tests' JSON reader (json.h), on jansson: the document is parsed
 * strictly (one value, no duplicate keys, valid UTF-8) and turned into
 * the tree the tests walk.
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "json.h"

static void
jbuild(const json_t *j, struct jval *v)
{
  memset(v, 0, sizeof *v);
  switch (json_typeof(j)) {
  case JSON_OBJECT: {
    const char *key;
    json_t *item;
    size_t i = 0;

    v->type = J_OBJ;
    v->count = json_object_size(j);
    v->items = calloc(v->count + 1, sizeof *v->items);
    v->keys = calloc(v->count + 1, sizeof *v->keys);
    ck_assert(v->items != NULL && v->keys != NULL);
    /* Members in the document's order (jansson keeps it). */
    json_object_foreach((json_t *)j, key, item)
    {
      v->keys[i].type = J_STR;
      v->keys[i].s = key;
      v->keys[i].len = strlen(key);
      jbuild(item, &v->items[i++]);
    }
    break;
  }
  case JSON_ARRAY:
    v->type = J_ARR;
    v->count = json_array_size(j);
    v->items = calloc(v->count + 1, sizeof *v->items);
    ck_assert_ptr_nonnull(v->items);
    for (size_t i = 0; i < v->count; i++)
      jbuild(json_array_get(j, i), &v->items[i]);
    break;
  case JSON_STRING:
    v->type = J_STR;
    v->s = json_string_value(j);
    v->len = json_string_length(j);
    break;
  case JSON_INTEGER:
    v->type = J_NUM;
    v->num = (double)json_integer_value(j);
    break;
  case JSON_REAL:
    v->type = J_NUM;
    v->num = json_real_value(j);
    break;
  case JSON_TRUE:
    v->type = J_BOOL;
    v->num = 1;
    break;
  case JSON_FALSE:
    v->type = J_BOOL;
    break;
  case JSON_NULL:
    v->type = J_NULL;
    break;
  }
}

static void
jfree_items(struct jval *v)
{
  for (size_t i = 0; i < v->count; i++)
    jfree_items(&v->items[i]);
  free(v->items);
  free(v->keys);
}

void
jfree(struct jval *v)
{
  jfree_items(v);
  json_decref(v->doc);
  memset(v, 0, sizeof *v);
}

const struct jval *
jget(const struct jval *v, const char *key)
{
  if (v == NULL || v->type != J_OBJ)
    return NULL;
  for (size_t i = 0; i < v->count; i++)
    if (strcmp(v->keys[i].s, key) == 0)
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
  json_error_t error;
  json_t *doc = json_loads(text, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES,
                           &error);

  memset(root, 0, sizeof *root);
  if (doc == NULL)
    return false;
  jbuild(doc, root);
  root->doc = doc;
  return true;
}
