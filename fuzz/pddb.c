/*
 * Fuzz target: the PDDB server's request handling (pddb/server.c):
 * pddb__handle() on envelopes built from the input, with the header checks and
 * serve() on a real engine (pddb/engine.c, the SQLite store and the
 * libsodium crypto) over a 64-page image in a temporary directory, and
 * the kernel's answers to the server's own calls (ReturnMemory,
 * UnmapMemory, ReturnScalar, ConnectForProcess) also from the input.
 *
 * The image is formatted once per process with the lowest Argon2 cost and
 * kept in memory; every input starts from a copy of it, and from the same
 * random numbers (libsodium's generator is replaced by one seeded anew for
 * each input), so that an input replays the same way.
 *
 * Input: a split byte (where the kernel's answers begin, /256), then up to
 * 64 of: a step byte, an envelope (support/kernel.c), and for a memory
 * message a u16 count and that many data bytes placed at
 * XOUS_PDDB_DATA_OFFSET of the lent buffer (the envelope's own fill is
 * the header). Step bits: 0x01 sync first when dirty (what the server
 * loop does when its queue is empty), 0x02 close and reopen the image
 * first (a restart; what was written must open again), 0x04 fill the
 * handle table first, once per input (so that an open reclaims the
 * handles of ended processes).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include <xous/pddb.h>

#include "../pddb/engine.h"
#include "../pddb/server.h"
#include "support/kernel.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define IMAGE_PAGES 64u

static struct pddb_engine *engine;
static xous_sid_t server_sid;
static char dir[64], image[96], journal[112];
static uint8_t *pristine;
static size_t pristine_len;

/* ---- random numbers that replay ---------------------------------------- */

static uint64_t rng_state;

static uint32_t
rng_next(void)
{
  /* splitmix64: the engine needs unpredictable bytes, the fuzzer needs the
   * same bytes for the same input. */
  uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);

  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return (uint32_t)((z ^ (z >> 31)) >> 32);
}

static const char *
rng_name(void)
{
  return "fuzz";
}

static void
rng_buf(void *const buf, const size_t size)
{
  uint8_t *p = buf;
  size_t i;

  for (i = 0; i < size; i++)
    p[i] = (uint8_t)rng_next();
}

static randombytes_implementation rng = {
  .implementation_name = rng_name,
  .random = rng_next,
  .buf = rng_buf,
};

/* ---- the image ------------------------------------------------------------ */

static void
fail(const char *what)
{
  fprintf(stderr, "fuzz-pddb: %s: %s\n", what, strerror(errno));
  abort();
}

static void
remove_dir(void)
{
  (void)unlink(journal);
  (void)unlink(image);
  (void)rmdir(dir);
}

/* Puts the pristine image back: every input starts from the same state. */
static void
reset_image(void)
{
  int fd = open(image, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  size_t done = 0;

  if (fd < 0)
    fail("open image");
  while (done < pristine_len) {
    ssize_t n = write(fd, pristine + done, pristine_len - done);

    if (n <= 0)
      fail("write image");
    done += (size_t)n;
  }
  close(fd);
  (void)unlink(journal);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
  const char *tmp = getenv("TMPDIR");
  struct stat st;
  int fd;

  (void)argc;
  (void)argv;
  /* Before sodium_init(), which pddb/hosted/crypto.c calls on first use. */
  if (randombytes_set_implementation(&rng) != 0 || sodium_init() < 0)
    abort();
  /* tmpfs when there is one: the store syncs on every commit. */
  if (tmp == NULL || *tmp == '\0')
    tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
  snprintf(dir, sizeof dir, "%.40s/fuzz-pddb.XXXXXX", tmp);
  if (mkdtemp(dir) == NULL)
    fail("mkdtemp");
  snprintf(image, sizeof image, "%s/image", dir);
  snprintf(journal, sizeof journal, "%s-journal", image);
  atexit(remove_dir);
  if (pddb_format(image, IMAGE_PAGES, 1, 8, NULL, NULL) != XOUS_OK)
    fail("pddb_format");
  if ((fd = open(image, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) != 0)
    fail("open image");
  pristine_len = (size_t)st.st_size;
  if ((pristine = malloc(pristine_len)) == NULL ||
      read(fd, pristine, pristine_len) != (ssize_t)pristine_len)
    fail("read image");
  close(fd);
  return 0;
}

/* ---- the run ---------------------------------------------------------------- */

static void
open_engine(void)
{
  xous_error_t err = pddb_open(image, &engine);

  if (err != XOUS_OK) {
    fprintf(stderr, "fuzz-pddb: the image does not open again: %s\n",
            xous_error_name(err));
    abort();
  }
  memset(server_sid.w, 0x5a, sizeof server_sid.w);
  pddb__serve_on(engine, server_sid);
}

/* Opens handles for owners 2..9 until the table is full (an open fails).
 * Each open searches the table from its start, so this costs a quarter
 * of a million steps: once per input at most. */
static void
fill_handles(void)
{
  uint32_t i, h;

  for (i = 0; i < 4096; i++)
    if (pddb_key_open(engine, NULL, "fill", "k", XOUS_PDDB_CREATE, 2 + i % 8,
                      &h) != XOUS_OK)
      break;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct fk_run run;
  int fds = fz_open_fds();
  bool filled = false;

  fk_begin(&run, data, size);
  rng_state = 0x5844;
  reset_image();
  open_engine();
  for (int i = 0; i < 64 && fz_left(&run.msgs) > 0; i++) {
    uint8_t step = fz_u8(&run.msgs);
    xous_envelope_t env;

    if ((step & 1) && pddb_dirty(engine))
      (void)pddb_sync(engine);
    if (step & 2) {
      (void)pddb_close(engine);
      open_engine();
    }
    if ((step & 4) && !filled) {
      fill_handles();
      filled = true;
    }
    fk_envelope(&run.msgs, &env, fk_pages());
    if (env.body.kind != XOUS_MSG_SCALAR &&
        env.body.kind != XOUS_MSG_BLOCKING_SCALAR) {
      size_t n = fz_u16(&run.msgs) % (FK_MAX_PAGES * XOUS_PAGE_SIZE + 1);

      if (n > env.body.memory.buf.len - XOUS_PDDB_DATA_OFFSET)
        n = env.body.memory.buf.len - XOUS_PDDB_DATA_OFFSET;
      fz_bytes(&run.msgs, fk_pages() + XOUS_PDDB_DATA_OFFSET, n);
    }
    if (!pddb__handle(&env))
      break;
  }
  fk_end(&run);
  /* As the server does on a stop: what is cached goes to the image. */
  (void)pddb_close(engine);
  engine = NULL;
  fz_check_fds(fds, "fuzz-pddb");
  return 0;
}
