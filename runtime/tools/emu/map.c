/*
 * The table of guest memory: which guest pages show which host pages.
 * Shared by every guest thread (each has its own CPU), hence the lock; a
 * CPU compares the generation to learn that it must remap. The generation
 * is also an atomic, changed under the lock and read without it, since a
 * CPU reads it after every ecall.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "emu/emu.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct emu_region *table;
static size_t used, cap;
static atomic_uint generation = 1;

static int
overlaps(uint32_t guest, size_t len)
{
  size_t i;

  for (i = 0; i < used; i++)
    if ((uint64_t)guest < (uint64_t)table[i].guest + table[i].len &&
        (uint64_t)table[i].guest < (uint64_t)guest + len)
      return 1;
  return 0;
}

/* Caller holds lock. */
static int
push(uint32_t guest, uint8_t *host, size_t len, uint32_t perms, int device)
{
  if (used == cap) {
    size_t ncap = cap ? cap * 2 : 32;
    struct emu_region *t = realloc(table, ncap * sizeof(*t));

    if (t == NULL)
      return -1;
    table = t;
    cap = ncap;
  }
  table[used++] = (struct emu_region){ guest, host, len, perms, device };
  generation++;
  return 0;
}

/* A region the guest did not have: whole pages, within the user range,
 * overlapping none of the table's. */
static int
add(uint32_t guest, uint8_t *host, size_t len, uint32_t perms, int device)
{
  int rc = -1;

  if (len == 0 || guest % XOUS_PAGE_SIZE != 0 || len % XOUS_PAGE_SIZE != 0 ||
      (uint64_t)guest + len > EMU_USER_END)
    return -1;
  pthread_mutex_lock(&lock);
  if (!overlaps(guest, len))
    rc = push(guest, host, len, perms, device);
  pthread_mutex_unlock(&lock);
  return rc;
}

int
emu_map_add(uint32_t guest, void *host, size_t len, uint32_t perms)
{
  return add(guest, host, len, perms, 0);
}

int
emu_map_add_device(uint32_t guest, size_t len, int device)
{
  return add(guest, NULL, len, UC_PROT_READ | UC_PROT_WRITE, device);
}

void
emu_map_remove(uint32_t guest, size_t len)
{
  uint64_t lo = guest, hi = (uint64_t)guest + len;
  size_t i = 0;

  pthread_mutex_lock(&lock);
  while (i < used) {
    struct emu_region r = table[i];
    uint64_t rlo = r.guest, rhi = (uint64_t)r.guest + r.len;

    if (hi <= rlo || rhi <= lo) {
      i++;
      continue;
    }
    /* Drop the entry, then put back what lies outside [lo, hi). */
    table[i] = table[--used];
    generation++;
    if (rlo < lo)
      (void)push(r.guest, r.host, (size_t)(lo - rlo), r.perms, r.device);
    if (hi < rhi)
      (void)push((uint32_t)hi, r.host ? r.host + (hi - rlo) : NULL,
                 (size_t)(rhi - hi), r.perms, r.device);
  }
  pthread_mutex_unlock(&lock);
}

void *
emu_to_host(uint32_t guest, size_t len)
{
  void *host = NULL;
  size_t i;

  pthread_mutex_lock(&lock);
  for (i = 0; i < used; i++)
    if (table[i].device == 0 && guest >= table[i].guest &&
        (uint64_t)guest + len <= (uint64_t)table[i].guest + table[i].len) {
      host = table[i].host + (guest - table[i].guest);
      break;
    }
  pthread_mutex_unlock(&lock);
  return host;
}

uint32_t
emu_map_find_free(uint32_t base, size_t len)
{
  uint64_t g;
  uint32_t found = 0;

  pthread_mutex_lock(&lock);
  for (g = base; g + len <= EMU_USER_END; g += XOUS_PAGE_SIZE)
    if (!overlaps((uint32_t)g, len)) {
      found = (uint32_t)g;
      break;
    }
  pthread_mutex_unlock(&lock);
  return found;
}

/* Acquire: a CPU that sees a new generation goes on to take the lock and
 * the table (emu_map_snapshot) anyway; one that sees the old one while
 * another thread changes the table remaps at its next ecall or fault, as
 * it would have with the lock. */
unsigned
emu_map_generation(void)
{
  return atomic_load_explicit(&generation, memory_order_acquire);
}

/* A CPU maps from a copy, so that it does not hold the lock meanwhile. */
size_t
emu_map_snapshot(struct emu_region **out, unsigned *gen)
{
  size_t n;

  pthread_mutex_lock(&lock);
  n = used;
  *out = malloc((n ? n : 1) * sizeof(**out));
  if (*out != NULL) {
    for (size_t i = 0; i < n; i++)
      (*out)[i] = table[i];
  } else {
    n = 0;
  }
  *gen = atomic_load_explicit(&generation, memory_order_relaxed);
  pthread_mutex_unlock(&lock);
  return n;
}
