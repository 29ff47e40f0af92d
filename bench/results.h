/*
 * The benchmarks' results files, through jansson: each benchmark builds
 * its figures as a JSON object and writes it whole; the ones that add
 * to another's file (bench_servers, bench_table) read that file as JSON,
 * set their member and write it back, so no file is ever spliced as text.
 */
#ifndef XOUS_BENCH_RESULTS_H
#define XOUS_BENCH_RESULTS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "bench.h"

/* The targets as a JSON array of objects {figure, ours, unit,
 * compared_with, limit, ratio, target, result}. */
json_t *bench_targets_json(const struct bench_target *t, size_t n);
/* The JSON value the file at path holds, or NULL (no file, or not JSON). */
json_t *bench_json_read(const char *path);
/* Writes o to path, indented, and drops the caller's reference to it.
 * Returns false, said on stderr, when the file cannot be written. */
bool bench_json_write(const char *path, json_t *o);
/* Sets member key of the object in path to value (the reference is
 * taken), keeping its other members; a missing file, or one that is not
 * an object, starts a new object. As bench_json_write(). */
bool bench_json_set_member(const char *path, const char *key, json_t *value);

#endif /* XOUS_BENCH_RESULTS_H */
