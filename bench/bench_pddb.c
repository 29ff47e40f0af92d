/*
 * bench_pddb: PDDB engine figures beside the raw costs they are built
 * from, in the same run: SQLite blob writes and reads (same pragmas, one
 * transaction per sync) and libsodium XChaCha20-Poly1305. Prints each
 * figure and the ratio PDDB / (raw SQLite + raw AEAD); the target is at
 * most 2. A missed target is a figure, not a failure. Then the same
 * figures through the server (a real xousd, xous-names and xous-pddb
 * from $XOUS_BUILDDIR, driven with the client API: lends over IPC)
 * beside the engine in this process on an image alike, their rounds
 * taken in turn so that the machine's load weighs on both, and the
 * medians compared; the target is at most 1.5.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include <xous.h>
#include <xous/buffer.h>
#include <xous/pddb.h>

#include "../pddb/engine.h"
#include "../pddb/senres.h"
#include "tools/monotonic.h"

/* In libxous (runtime/hosted/broker.c): leaves the broker on purpose. */
void xous__hosted_leave(void);

/* Every image's pages, and the rounds of each engine figure. */
enum { PAGES = 8192, ROUNDS = 20 };

static double
now(void)
{
  return (double)monotonic_ns() / 1e9;
}

static sqlite3 *raw;
static sqlite3_stmt *up, *rd;

static void
raw_open(const char *path, unsigned pages)
{
  unsigned i;
  static unsigned char page[4096];
  sqlite3_stmt *ins;

  sqlite3_open(path, &raw);
  sqlite3_exec(raw,
               "PRAGMA page_size=8192; PRAGMA journal_mode=DELETE;"
               "PRAGMA synchronous=FULL; PRAGMA secure_delete=ON;"
               "CREATE TABLE pages (id INTEGER PRIMARY KEY, data BLOB);"
               "BEGIN",
               NULL, NULL, NULL);
  sqlite3_prepare_v2(raw, "INSERT INTO pages VALUES (?1, ?2)", -1, &ins, NULL);
  for (i = 0; i < pages; i++) {
    randombytes_buf(page, sizeof page);
    sqlite3_bind_int(ins, 1, (int)i);
    sqlite3_bind_blob(ins, 2, page, 4096, SQLITE_STATIC);
    sqlite3_step(ins);
    sqlite3_reset(ins);
  }
  sqlite3_finalize(ins);
  sqlite3_exec(raw, "COMMIT", NULL, NULL, NULL);
  sqlite3_prepare_v2(raw, "UPDATE pages SET data=?2 WHERE id=?1", -1, &up,
                     NULL);
  sqlite3_prepare_v2(raw, "SELECT data FROM pages WHERE id=?1", -1, &rd, NULL);
}

/* Seconds for one transaction writing n random-position blobs. */
static double
raw_write(unsigned n, unsigned pages)
{
  static unsigned char page[4096];
  double t0 = now();
  unsigned i;

  sqlite3_exec(raw, "BEGIN", NULL, NULL, NULL);
  for (i = 0; i < n; i++) {
    sqlite3_bind_int(up, 1, (int)randombytes_uniform(pages));
    sqlite3_bind_blob(up, 2, page, 4096, SQLITE_STATIC);
    sqlite3_step(up);
    sqlite3_reset(up);
  }
  sqlite3_exec(raw, "COMMIT", NULL, NULL, NULL);
  return now() - t0;
}

static double
raw_read(unsigned n, unsigned pages)
{
  static unsigned char page[4096];
  double t0 = now();
  unsigned i;

  for (i = 0; i < n; i++) {
    sqlite3_bind_int(rd, 1, (int)randombytes_uniform(pages));
    if (sqlite3_step(rd) == SQLITE_ROW)
      memcpy(page, sqlite3_column_blob(rd, 0), 4096);
    sqlite3_reset(rd);
  }
  return now() - t0;
}

/* Seconds to seal (or open) bytes in 4 KiB pages. */
static double
aead(size_t bytes, int open_)
{
  static unsigned char in[4096 + 16], out[4096 + 16], key[32], nonce[24];
  unsigned long long len;
  double t0 = now();
  size_t done;

  crypto_aead_xchacha20poly1305_ietf_encrypt(in, &len, out, 4080, NULL, 0,
                                             NULL, nonce, key);
  for (done = 0; done < bytes; done += 4080) {
    if (open_)
      (void)!crypto_aead_xchacha20poly1305_ietf_decrypt(out, &len, NULL, in,
                                                        4080 + 16, NULL, 0,
                                                        nonce, key);
    else
      crypto_aead_xchacha20poly1305_ietf_encrypt(out, &len, in, 4080, NULL, 0,
                                                 NULL, nonce, key);
  }
  return now() - t0;
}

static void
line(const char *what, double pddb_s, double raw_s, double bytes)
{
  printf("%-28s %10.2f ms  %8.1f MB/s   raw %9.2f ms  ratio %.2f%s\n", what,
         pddb_s * 1e3, bytes / pddb_s / 1e6, raw_s * 1e3, pddb_s / raw_s,
         pddb_s / raw_s <= 2.0 ? "" : "  (over the 2x target)");
}

static pid_t
spawn(const char *prog, const char *a1, const char *a2, const char *a3)
{
  const char *bd = getenv("XOUS_BUILDDIR");
  char path[512];
  pid_t pid;

  snprintf(path, sizeof path, "%s/%s", bd != NULL ? bd : ".", prog);
  pid = fork();
  if (pid == 0) {
    execl(path, path, a1, a2, a3, (char *)NULL);
    _exit(127);
  }
  return pid;
}

static void
stop(pid_t pid)
{
  if (pid <= 0)
    return;
  kill(pid, SIGTERM);
  while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
    ;
}

/* Whether pid has ended (and is reaped, *pid then -1). */
static bool
ended(pid_t *pid)
{
  if (*pid > 0 && waitpid(*pid, NULL, WNOHANG) == 0)
    return false;
  *pid = -1;
  return true;
}

/* Waits, at most 30 s, for the broker's socket and then the server's
 * name, while both processes live: a plain connect would wait for the
 * name for ever if the server never came up. */
static bool
server_up(const char *sock, pid_t *broker, pid_t *server, xous_pddb_t *db)
{
  struct stat st;

  for (int i = 0; i < 3000; i++) {
    if (ended(broker) || ended(server))
      return false;
    if (stat(sock, &st) == 0 && xous_pddb_try_connect(db) == XOUS_OK)
      return true;
    usleep(10000);
  }
  return false;
}

/* One side of a comparison: the engine in this process, or the server
 * through the client API. */
struct side {
  struct pddb_engine *e; /* NULL: the server, through db */
  xous_pddb_t *db;
};

/* Seconds to make (or replace) a key with len bytes and sync. */
static double
put_sync(const struct side *s, const char *key, const void *buf, size_t len)
{
  double t = now();
  uint32_t h;

  if (s->e != NULL) {
    pddb_key_open(s->e, "bench", "d", key, XOUS_PDDB_CREATE, 0, &h);
    pddb_key_write(s->e, 0, h, 0, buf, len);
    pddb_sync(s->e);
    pddb_key_close(s->e, 0, h);
  } else {
    xous_pddb_open(s->db, "bench", "d", key, XOUS_PDDB_CREATE, &h);
    xous_pddb_write(s->db, h, 0, buf, len);
    xous_pddb_sync(s->db);
    xous_pddb_close(s->db, h);
  }
  return now() - t;
}

/* Seconds to open a key, read len bytes and close it. */
static double
get(const struct side *s, const char *key, void *buf, size_t len)
{
  double t = now();
  uint32_t h;
  size_t got;

  if (s->e != NULL) {
    pddb_key_open(s->e, "bench", "d", key, 0, 0, &h);
    pddb_key_read(s->e, 0, h, 0, buf, len, &got);
    pddb_key_close(s->e, 0, h);
  } else {
    xous_pddb_open(s->db, "bench", "d", key, 0, &h);
    xous_pddb_read(s->db, h, 0, buf, len, &got);
    xous_pddb_close(s->db, h);
  }
  return now() - t;
}

static int
by_value(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return x < y ? -1 : x > y;
}

static double
median(double *v, int n)
{
  qsort(v, (size_t)n, sizeof *v, by_value);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#define MAX_ROUNDS 400

/* The server's CPU clock, to count its CPU time beside ours. */
static clockid_t server_clock;

static double
cpu(clockid_t c)
{
  struct timespec ts;

  if (clock_gettime(c, &ts) != 0)
    return 0;
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* How many times this process has slept (voluntary context switches):
 * a wait of the client that did not catch its answer polling. */
static long
sleeps(void)
{
  struct rusage ru;

  return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_nvcsw : 0;
}

/* One figure: rounds of the engine and the server taken in turn (so that
 * the machine's load weighs on both alike), medians compared; and the CPU
 * time of a round, ours for the engine, ours and the server's for the
 * server, which the machine's load does not stretch. */
static void
compare(const char *what, const struct side *eng, const struct side *srv,
        int rounds, size_t len, bool write, unsigned char *buf)
{
  static double te[MAX_ROUNDS], ts[MAX_ROUNDS];
  double me, ms, ce = 0, cs = 0, c0, s0;
  long slept = 0, n0;
  char key[16];
  int i;

  for (i = 0; i < rounds; i++) {
    snprintf(key, sizeof key, "%c%d", len > 4096 ? 'm' : 'k', i % 8);
    c0 = cpu(CLOCK_PROCESS_CPUTIME_ID);
    te[i] = write ? put_sync(eng, key, buf, len) : get(eng, key, buf, len);
    ce += cpu(CLOCK_PROCESS_CPUTIME_ID) - c0;
    c0 = cpu(CLOCK_PROCESS_CPUTIME_ID);
    s0 = cpu(server_clock);
    n0 = sleeps();
    ts[i] = write ? put_sync(srv, key, buf, len) : get(srv, key, buf, len);
    slept += sleeps() - n0;
    cs += cpu(CLOCK_PROCESS_CPUTIME_ID) - c0 + cpu(server_clock) - s0;
  }
  me = median(te, rounds);
  ms = median(ts, rounds);
  printf("%-17s engine %8.3f ms  server %8.3f ms  ratio %.2f%s\n", what,
         me * 1e3, ms * 1e3, ms / me,
         ms / me <= 1.5 ? "" : "  (over the 1.5x target)");
  printf("%-17s   cpu  %8.3f ms     cpu %8.3f ms  ratio %.2f\n", "",
         ce / rounds * 1e3, cs / rounds * 1e3, cs / ce);
  printf("%-17s   the client slept %.2f times a round of the server\n", "",
         (double)slept / rounds);
}

/* The three messages of a 4 KiB read with no engine work behind them:
 * an open of a key that is not there, a read and a close on a descriptor
 * that is not open; the median of rounds, wall and CPU as compare(). Each
 * round follows a 4 KiB read of the engine in this process, as a round
 * of the server does in compare(): the server waits for the next open
 * as long there, and its wait (poll or sleep) is part of what a round
 * costs. */
static void
messages_alone(xous_pddb_t *db, const struct side *eng, int rounds,
               unsigned char *buf)
{
  static double t[MAX_ROUNDS];
  struct xous__senres_writer w;
  xous_buffer_t page;
  xous_word_t ret[5];
  size_t off, valid;
  double c = 0, c0, s0, t0;
  long slept = 0, n0;
  char key[16];
  int i;

  if (xous_buffer_new(4096, &page) != XOUS_OK)
    return;
  for (i = 0; i < rounds; i++) {
    snprintf(key, sizeof key, "k%d", i % 8);
    (void)get(eng, key, buf, 4096);
    memset(page.page, 0, page.len);
    xous__senres_write_begin(&w, page.page, page.len, "KyOQ");
    xous__senres_put_str(&w, ":bench:d:none", 13);
    c0 = cpu(CLOCK_PROCESS_CPUTIME_ID);
    s0 = cpu(server_clock);
    n0 = sleeps();
    t0 = now();
    (void)xous_lend_mut(db->cid, XOUS_PDDB_OPEN_KEY_STD, page.page, page.len,
                        0, 0, &off, &valid);
    (void)xous_lend_mut(db->cid, XOUS_PDDB_READ_KEY_STD | 999u << 16,
                        page.page, page.len, 0, 4096, &off, &valid);
    (void)xous_blocking_scalar(db->cid, XOUS_PDDB_CLOSE_KEY_STD | 999u << 16,
                               0, 0, 0, 0, ret);
    t[i] = now() - t0;
    slept += sleeps() - n0;
    c += cpu(CLOCK_PROCESS_CPUTIME_ID) - c0 + cpu(server_clock) - s0;
  }
  printf("%-17s    the three messages of a read alone: %.3f ms, cpu %.3f "
         "ms, %.2f sleeps\n",
         "", median(t, rounds) * 1e3, c / rounds * 1e3,
         (double)slept / rounds);
  (void)xous_buffer_free(&page);
}

/* The figures through xous-pddb beside the engine in this process, on
 * images alike. */
static void
server_figures(const char *dir, unsigned char *big, size_t bigsz)
{
  char sock[160], img[160], eimg[160];
  pid_t broker, names, server;
  struct pddb_engine *e = NULL;
  xous_pddb_t db;
  struct side eng, srv;
  double t;

  snprintf(sock, sizeof sock, "%s/xousd.sock", dir);
  snprintf(img, sizeof img, "%s/srv.img", dir);
  snprintf(eimg, sizeof eimg, "%s/eng.img", dir);
  if (pddb_format(img, PAGES, 0, 0, NULL, NULL) != XOUS_OK ||
      pddb_format(eimg, PAGES, 0, 0, NULL, NULL) != XOUS_OK ||
      pddb_open(eimg, &e) != XOUS_OK ||
      pddb_basis_create(e, "bench", "pw", 2) != XOUS_OK)
    return;
  setenv("XOUS_SOCKET", sock, 1);
  broker = spawn("xousd", "--foreground", "--socket", sock);
  names = spawn("xous-names", NULL, NULL, NULL);
  server = spawn("xous-pddb", img, NULL, NULL);
  if (server <= 0 || clock_getcpuclockid(server, &server_clock) != 0)
    server_clock = CLOCK_PROCESS_CPUTIME_ID;
  if (!server_up(sock, &broker, &server, &db)) {
    printf("server figures: the broker or xous-pddb did not start "
           "(XOUS_BUILDDIR=%s)\n",
           getenv("XOUS_BUILDDIR") != NULL ? getenv("XOUS_BUILDDIR") : ".");
    goto out;
  }
  printf("through xous-pddb (client API over IPC) beside the engine in "
         "process,\nrounds in turn, medians; target: server <= 1.5x "
         "engine; then the CPU\ntime of a round (for the server: the "
         "client's and the server's):\n");
  xous_pddb_create_basis(&db, "bench", "pw");
  xous_pddb_lock_basis(&db, "bench");
  t = now();
  xous_pddb_unlock_basis(&db, "bench", "pw");
  printf("%-17s %10.2f ms\n", "basis unlock", (now() - t) * 1e3);
  eng = (struct side){ e, NULL };
  srv = (struct side){ NULL, &db };
  compare("4 KiB write+sync", &eng, &srv, 40, 4096, true, big);
  compare("1 MiB write+sync", &eng, &srv, 20, bigsz, true, big);
  compare("4 KiB read", &eng, &srv, 400, 4096, false, big);
  messages_alone(&db, &eng, 400, big);
  compare("1 MiB read", &eng, &srv, 40, bigsz, false, big);
  xous_pddb_disconnect(&db);
out:
  stop(server);
  stop(names);
  /* Left first: a broker that ends under a connected process is, to
   * that process, a lost connection, and its runtime says so. */
  xous__hosted_leave();
  stop(broker);
  pddb_close(e);
  unlink(img);
  unlink(eimg);
}

/* An engine figure beside the raw work of one of its rounds: raw_pages
 * SQLite blobs written in one transaction (or read) and raw_aead bytes
 * sealed (or opened). Round i is on key i % keys of its size. */
struct figure {
  const char *what;
  size_t len;
  bool write;
  int keys;
  unsigned raw_pages;
  size_t raw_aead;
};

static const struct figure figures[] = {
  /* A 4 KiB write: the data page and the catalog. */
  { "4 KiB write+sync", 4096, true, ROUNDS, 2, 8192 },
  { "1 MiB write+sync", 1 << 20, true, 4, 264, 1 << 20 },
  { "4 KiB read", 4096, false, ROUNDS, 1, 4096 },
  { "1 MiB read", 1 << 20, false, 4, 264, 1 << 20 },
};

static void
engine_figure(const struct figure *f, const struct side *eng,
              unsigned char *buf)
{
  double sum_p = 0, sum_r = 0;
  char key[16];
  int i;

  for (i = 0; i < ROUNDS; i++) {
    snprintf(key, sizeof key, "%c%d", f->len > 4096 ? 'm' : 'k', i % f->keys);
    sum_p += f->write ? put_sync(eng, key, buf, f->len)
                      : get(eng, key, buf, f->len);
    sum_r += (f->write ? raw_write(f->raw_pages, PAGES)
                       : raw_read(f->raw_pages, PAGES)) +
             aead(f->raw_aead, !f->write);
  }
  line(f->what, sum_p / ROUNDS, sum_r / ROUNDS, (double)f->len);
}

int
main(void)
{
  char dir[] = "/tmp/bench-pddb-XXXXXX", img[128], rawp[128];
  static unsigned char big[1 << 20];
  struct pddb_engine *e;
  struct side eng;
  double t;
  size_t i;

  if (sodium_init() < 0 || mkdtemp(dir) == NULL)
    return 1;
  snprintf(img, sizeof img, "%s/img", dir);
  snprintf(rawp, sizeof rawp, "%s/raw", dir);
  randombytes_buf(big, sizeof big);
  pddb_format(img, PAGES, 0, 0, NULL, NULL);
  raw_open(rawp, PAGES);
  printf("bench_pddb: %u pages of 4 KiB, %d rounds each\n", PAGES, ROUNDS);

  if (pddb_open(img, &e) != XOUS_OK)
    return 1;
  t = now();
  if (pddb_basis_create(e, "bench", "pw", 2) != XOUS_OK)
    return 1;
  printf("%-28s %10.2f ms (Argon2id interactive cost + scan)\n",
         "basis create", (now() - t) * 1e3);
  pddb_basis_lock(e, "bench");
  t = now();
  pddb_basis_unlock(e, "bench", "pw", 2);
  printf("%-28s %10.2f ms\n", "basis unlock", (now() - t) * 1e3);
  eng = (struct side){ e, NULL };
  for (i = 0; i < sizeof figures / sizeof figures[0]; i++)
    engine_figure(&figures[i], &eng, big);
  t = now();
  aead(64u << 20, 0);
  printf("%-28s %10.1f MB/s\n", "raw AEAD seal",
         64.0 * 1048576 / (now() - t) / 1e6);
  pddb_close(e);
  server_figures(dir, big, sizeof big);
  sqlite3_finalize(up);
  sqlite3_finalize(rd);
  sqlite3_close(raw);
  unlink(img);
  unlink(rawp);
  rmdir(dir);
  return 0;
}
