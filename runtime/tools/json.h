/*
 * Just enough JSON for the host tools: walking the broker's answers, which
 * are arrays of flat objects (strings, numbers, booleans), and writing
 * strings back out safely.
 */
#ifndef XOUS_TOOLS_JSON_H
#define XOUS_TOOLS_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* A flat object inside a text: [begin, end) spans "{...}". */
struct json_obj {
  const char *begin, *end;
};

/* Finds the next top-level object at or after *pos inside an array (or the
 * object itself when the text is one object); advances *pos past it.
 * Returns false when there is none. */
bool json_next_object(const char **pos, struct json_obj *obj);
/* Copies the value of key (a string without its quotes, or the raw token)
 * into out (NUL terminated, cut to size). Returns false when absent. */
bool json_get(const struct json_obj *obj, const char *key, char *out,
              size_t size);
/* The value of key as an unsigned number, or fallback. */
unsigned long long json_get_u(const struct json_obj *obj, const char *key,
                              unsigned long long fallback);
/* Writes s as a JSON string literal, quotes included. */
void json_put_string(FILE *out, const char *s);

#endif /* XOUS_TOOLS_JSON_H */
