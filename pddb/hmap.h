/*
 * A small open-addressing hash map from (objid, index, tag) to a 64-bit
 * value: the page map of a basis and the cache of dirty pages.
 */
#ifndef PDDB_HMAP_H
#define PDDB_HMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hmap_slot {
  uint64_t objid;
  uint32_t index;
  uint8_t tag;
  uint8_t state; /* 0 empty, 1 used, 2 deleted */
  uint64_t value;
};

struct hmap {
  struct hmap_slot *slots;
  size_t cap, used, deleted;
};

bool hmap_get(const struct hmap *m, uint8_t tag, uint64_t objid,
              uint32_t index, uint64_t *value);
/* Sets or replaces; false when out of memory. */
bool hmap_put(struct hmap *m, uint8_t tag, uint64_t objid, uint32_t index,
              uint64_t value);
bool hmap_del(struct hmap *m, uint8_t tag, uint64_t objid, uint32_t index,
              uint64_t *value);
void hmap_free(struct hmap *m);

#endif /* PDDB_HMAP_H */
