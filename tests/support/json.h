/*
 * A small JSON reader for the tests: enough of RFC 8259 to reject anything
 * malformed, and a tree of the values, so that a document (a Chrome trace,
 * xousctl --json) can be looked at field by field. Parsed by jansson;
 * strings are decoded UTF-8.
 */
#ifndef XOUS_TEST_JSON_H
#define XOUS_TEST_JSON_H

#include <stdbool.h>
#include <stddef.h>

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jval {
  enum jtype type;
  const char *s; /* J_STR: the bytes between the quotes */
  size_t len;
  double num;
  size_t count; /* J_ARR, J_OBJ */
  struct jval *items;
  struct jval *keys; /* J_OBJ: strings, one per item */
  void *doc;         /* the root: the parsed document the strings live in */
};

/* True when all of text is one JSON value; *root is its tree, to be freed
 * with jfree() either way. */
bool jvalid(const char *text, struct jval *root);
void jfree(struct jval *v);
/* The member key of object v, or NULL. */
const struct jval *jget(const struct jval *v, const char *key);
/* Whether v is the string s, or starts with prefix. */
bool jis(const struct jval *v, const char *s);
bool jstarts(const struct jval *v, const char *prefix);
/* v's number, or -1 when v is not a number. */
long jnum(const struct jval *v);

#endif /* XOUS_TEST_JSON_H */
