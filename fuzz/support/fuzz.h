/*
 * What every fuzz target shares: a reader that takes typed values from
 * the input (zeros once it runs out, so every input is a whole run), and
 * a count of open file descriptors to catch descriptor leaks, which
 * LeakSanitizer cannot see.
 */
#ifndef XOUS_FUZZ_H
#define XOUS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

struct fz_reader {
  const uint8_t *p;
  size_t n;
};

static inline size_t
fz_left(const struct fz_reader *r)
{
  return r->n;
}

/* Copies up to len bytes into dst, zero-filling what the input lacks;
 * returns how many came from the input. */
size_t fz_bytes(struct fz_reader *r, void *dst, size_t len);
/* The next size (1 to 8) bytes as a little-endian number, 0 where the
 * input lacks them; fz_u8() to fz_u64() take as many as their type. */
uint64_t fz_uint(struct fz_reader *r, size_t size);

#define fz_u8(r) ((uint8_t)fz_uint((r), 1))
#define fz_u16(r) ((uint16_t)fz_uint((r), 2))
#define fz_u32(r) ((uint32_t)fz_uint((r), 4))
#define fz_u64(r) fz_uint((r), 8)

/* Sends len bytes of buf on socket s (sendmsg flags: MSG_NOSIGNAL and
 * these), with a fresh memory object of pages pages attached when pages
 * > 0; our copy of the object is closed either way. */
void fz_send_pages(int s, const void *buf, size_t len, unsigned pages,
                   int flags);

/* The number of open file descriptors of this process. */
int fz_open_fds(void);
/* Aborts (a finding) when the count is not what it was before a run. */
void fz_check_fds(int before, const char *target);

#endif /* XOUS_FUZZ_H */
