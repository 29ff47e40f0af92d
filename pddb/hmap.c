/* The hash map of hmap.h: linear probing with tombstones. */
#include "hmap.h"
#include "platform.h"

static size_t
hash(uint8_t tag, uint64_t objid, uint32_t index)
{
  uint64_t h = objid * 0x9e3779b97f4a7c15ull ^ ((uint64_t)index << 8 | tag);

  h ^= h >> 29;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 32;
  return (size_t)h;
}

static struct hmap_slot *
find(const struct hmap *m, uint8_t tag, uint64_t objid, uint32_t index)
{
  size_t i;

  if (m->cap == 0)
    return NULL;
  for (i = hash(tag, objid, index) & (m->cap - 1);;
       i = (i + 1) & (m->cap - 1)) {
    struct hmap_slot *s = &m->slots[i];

    if (s->state == 0)
      return NULL;
    if (s->state == 1 && s->objid == objid && s->index == index &&
        s->tag == tag)
      return s;
  }
}

bool
hmap_get(const struct hmap *m, uint8_t tag, uint64_t objid, uint32_t index,
         uint64_t *value)
{
  struct hmap_slot *s = find(m, tag, objid, index);

  if (s == NULL)
    return false;
  if (value != NULL)
    *value = s->value;
  return true;
}

static bool
grow(struct hmap *m)
{
  size_t cap = m->cap ? m->cap * 2 : 64, i;
  struct hmap_slot *old = m->slots, *slots;
  size_t oldcap = m->cap;

  if (m->used * 2 < m->cap)
    cap = m->cap; /* only tombstones: rebuild at the same size */
  slots = pddb_alloc(cap * sizeof *slots);
  if (slots == NULL)
    return false;
  m->slots = slots;
  m->cap = cap;
  m->used = m->deleted = 0;
  for (i = 0; i < oldcap; i++)
    if (old[i].state == 1)
      (void)hmap_put(m, old[i].tag, old[i].objid, old[i].index, old[i].value);
  pddb_free(old);
  return true;
}

bool
hmap_put(struct hmap *m, uint8_t tag, uint64_t objid, uint32_t index,
         uint64_t value)
{
  struct hmap_slot *s = find(m, tag, objid, index);
  size_t i;

  if (s != NULL) {
    s->value = value;
    return true;
  }
  if ((m->used + m->deleted + 1) * 10 > m->cap * 7 && !grow(m))
    return false;
  for (i = hash(tag, objid, index) & (m->cap - 1);;
       i = (i + 1) & (m->cap - 1)) {
    s = &m->slots[i];
    if (s->state != 1) {
      if (s->state == 2)
        m->deleted--;
      s->state = 1;
      s->tag = tag;
      s->objid = objid;
      s->index = index;
      s->value = value;
      m->used++;
      return true;
    }
  }
}

bool
hmap_del(struct hmap *m, uint8_t tag, uint64_t objid, uint32_t index,
         uint64_t *value)
{
  struct hmap_slot *s = find(m, tag, objid, index);

  if (s == NULL)
    return false;
  if (value != NULL)
    *value = s->value;
  s->state = 2;
  m->used--;
  m->deleted++;
  return true;
}

void
hmap_free(struct hmap *m)
{
  pddb_free(m->slots);
  m->slots = NULL;
  m->cap = m->used = m->deleted = 0;
}
