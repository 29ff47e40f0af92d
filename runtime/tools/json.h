/*
 * The host tools' JSON, through jansson: the broker's answers and trace
 * events are parsed whole, and these helpers read their members with the
 * fallbacks the tools want (a missing or mistyped member is a default,
 * never a crash).
 */
#ifndef XOUS_TOOLS_JSON_H
#define XOUS_TOOLS_JSON_H

#include <stdbool.h>

#include <jansson.h>

/* The value text holds, or NULL when it is not one JSON value. */
json_t *xous__json_parse(const char *text);
/* Member key of object o as an unsigned number (an integer of at least 0,
 * or the decimal string the broker gives for one past 2^63), else
 * fallback. */
unsigned long long xous__json_u(const json_t *o, const char *key,
                                unsigned long long fallback);
/* Member key of o as a string, or NULL. */
const char *xous__json_s(const json_t *o, const char *key);
/* Whether member key of o is true. */
bool xous__json_true(const json_t *o, const char *key);
/* v as JSON: an integer, or past jansson's signed 64-bit integers its
 * decimal string (as the broker writes such a value). */
json_t *xous__json_u64(unsigned long long v);

#endif /* XOUS_TOOLS_JSON_H */
