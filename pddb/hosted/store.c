/*
 * The PDDB page store on SQLite (device counterpart: the SPI flash).
 *
 * One table of fixed-size blobs, one row per page, rows never added or
 * removed after format: an update rewrites a row in place, so the file's
 * structure depends only on the page count. The pragmas are explained in
 * pddb(7): rollback journal (DELETE), synchronous FULL, secure_delete ON,
 * one row per 8 KiB SQLite page (a row of 4 KiB and its header cannot
 * share one, so the file takes 8 KiB and a little more per page).
 *
 * Reads share one read transaction, begun by the first read after a
 * write and ended by the next write's begin: a read alone would be a
 * transaction of its own, whose locking and change check (three fcntl
 * locks, a stat of the file and of the journal, a read of the header)
 * cost more than the read. Holding the shared lock keeps out no one:
 * lock_image() keeps every other process out of the image already, and
 * the only writer is this connection, whose cache its writes keep
 * current.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "../platform.h"

/* The SQLite page, and what one PDDB page costs in the file: its own
 * SQLite page and about 10 bytes of the table's interior pages. */
#define SQL_PAGE 8192u
#define FILE_BYTES_PER_PAGE (SQL_PAGE + 10u)
/* The schema's page, the table's root and the journal's rounding. */
#define FILE_FIXED_BYTES (3u * SQL_PAGE)

static char why[160];
static const char *why_set;

/* Records why an open failed; returns err. */
static xous_error_t
failed(xous_error_t err, const char *fmt, const char *arg1, long long a,
       long long b)
{
  snprintf(why, sizeof why, fmt, arg1, a, b);
  why_set = why;
  return err;
}

const char *
pddb_store_error(void)
{
  return why_set;
}

uint32_t
pddb_store_pages_for(uint64_t bytes)
{
  uint64_t n = bytes > FILE_FIXED_BYTES
                   ? (bytes - FILE_FIXED_BYTES) / FILE_BYTES_PER_PAGE
                   : 0;

  return n > 0xffffffffu ? 0xffffffffu : (uint32_t)n;
}

uint64_t
pddb_store_bytes_for(uint32_t pages)
{
  return FILE_FIXED_BYTES + (uint64_t)pages * FILE_BYTES_PER_PAGE;
}

struct pddb_store {
  sqlite3 *db;
  int lock_fd;
  uint32_t pages;
  sqlite3_stmt *read, *update, *insert;
};

static xous_error_t
exec(sqlite3 *db, const char *sql)
{
  return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK
             ? XOUS_OK
             : XOUS_STORAGE_ERROR;
}

static xous_error_t
prepare(struct pddb_store *s)
{
  if (sqlite3_prepare_v2(s->db, "SELECT data FROM pages WHERE id = ?1", -1,
                         &s->read, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(s->db, "UPDATE pages SET data = ?2 WHERE id = ?1", -1,
                         &s->update, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(s->db, "INSERT INTO pages (id, data) VALUES (?1, ?2)",
                         -1, &s->insert, NULL) != SQLITE_OK)
    return XOUS_STORAGE_ERROR;
  return XOUS_OK;
}

/* One process at a time: a second opener would work from stale state.
 * flock() is separate from SQLite's own fcntl() locks. */
static xous_error_t
lock_image(struct pddb_store *s, const char *path)
{
  s->lock_fd = open(path, O_RDONLY | O_CLOEXEC);
  if (s->lock_fd < 0)
    return failed(XOUS_NOT_FOUND, "%s", strerror(errno), 0, 0);
  if (flock(s->lock_fd, LOCK_EX | LOCK_NB) != 0)
    return failed(XOUS_ACCESS_DENIED, "in use by another process%s", "", 0, 0);
  return XOUS_OK;
}

static xous_error_t
open_db(const char *path, int flags, struct pddb_store **out)
{
  struct pddb_store *s = calloc(1, sizeof *s);
  xous_error_t err;

  if (s == NULL)
    return XOUS_OUT_OF_MEMORY;
  s->lock_fd = -1;
  if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
    err = failed((flags & SQLITE_OPEN_CREATE) ? XOUS_STORAGE_ERROR
                                              : XOUS_NOT_FOUND,
                 "SQLite cannot open it: %s",
                 s->db ? sqlite3_errmsg(s->db) : "no memory", 0, 0);
    pddb_store_close(s);
    return err;
  }
  sqlite3_busy_timeout(s->db, 5000);
  err = exec(s->db, "PRAGMA page_size = 8192;"
                    "PRAGMA journal_mode = DELETE;"
                    "PRAGMA synchronous = FULL;"
                    "PRAGMA secure_delete = ON;");
  if (err != XOUS_OK) {
    pddb_store_close(s);
    return err;
  }
  *out = s;
  return XOUS_OK;
}

xous_error_t
pddb_store_create(const char *path, struct pddb_store **out)
{
  struct pddb_store *s;
  xous_error_t err;

  why_set = NULL;
  if (access(path, F_OK) == 0)
    return failed(XOUS_SERVER_EXISTS,
                  "exists already; remove it first, or "
                  "use it%s",
                  "", 0, 0);
  err = open_db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &s);
  if (err != XOUS_OK)
    return err;
  if ((err = lock_image(s, path)) != XOUS_OK ||
      (err = exec(s->db, "CREATE TABLE pages (id INTEGER PRIMARY KEY, "
                         "data BLOB NOT NULL)")) != XOUS_OK ||
      (err = prepare(s)) != XOUS_OK) {
    pddb_store_close(s);
    return err;
  }
  *out = s;
  return XOUS_OK;
}

static uint32_t
be(const uint8_t *p, unsigned n)
{
  uint32_t v = 0;

  while (n-- > 0)
    v = v << 8 | *p++;
  return v;
}

/* Checks what SQLite would not say clearly: that path is a readable and
 * writable file holding a whole SQLite database. */
static xous_error_t
check_file(const char *path)
{
  uint8_t head[100];
  struct stat st;
  uint64_t pagesize, want;
  ssize_t n;
  int fd;

  if (stat(path, &st) != 0)
    return failed(errno == ENOENT ? XOUS_NOT_FOUND : XOUS_ACCESS_DENIED, "%s",
                  errno == ENOENT ? "no such file" : strerror(errno), 0, 0);
  if (!S_ISREG(st.st_mode))
    return failed(XOUS_INVALID_CODING, "not a regular file%s", "", 0, 0);
  if ((fd = open(path, O_RDWR | O_CLOEXEC)) < 0)
    return failed(XOUS_ACCESS_DENIED,
                  "cannot be opened to read and write: "
                  "%s",
                  strerror(errno), 0, 0);
  n = read(fd, head, sizeof head);
  close(fd);
  if (st.st_size == 0)
    return failed(XOUS_INVALID_CODING, "empty: not a PDDB image%s", "", 0, 0);
  if (n != (ssize_t)sizeof head || memcmp(head, "SQLite format 3", 16) != 0)
    return failed(XOUS_INVALID_CODING,
                  "not a PDDB image (not an SQLite "
                  "database)%s",
                  "", 0, 0);
  pagesize = be(head + 16, 2) == 1 ? 65536u : be(head + 16, 2);
  want = pagesize * be(head + 28, 4);
  if (want > (uint64_t)st.st_size)
    return failed(XOUS_INVALID_CODING,
                  "truncated: %s%lld bytes of the "
                  "%lld its header counts",
                  "", (long long)st.st_size, (long long)want);
  return XOUS_OK;
}

xous_error_t
pddb_store_open(const char *path, struct pddb_store **out)
{
  struct pddb_store *s;
  sqlite3_stmt *st;
  xous_error_t err;

  why_set = NULL;
  if ((err = check_file(path)) != XOUS_OK)
    return err;
  err = open_db(path, SQLITE_OPEN_READWRITE, &s);
  if (err != XOUS_OK)
    return err;
  if ((err = lock_image(s, path)) != XOUS_OK)
    goto out;
  if (prepare(s) != XOUS_OK) {
    err = failed(XOUS_INVALID_CODING, "not a PDDB image (SQLite: %s)",
                 sqlite3_errmsg(s->db), 0, 0);
    goto out;
  }
  if (sqlite3_prepare_v2(s->db,
                         "SELECT count(*), coalesce(max(id), -1), "
                         "coalesce(min(length(data)), 0), "
                         "coalesce(max(length(data)), 0) FROM pages",
                         -1, &st, NULL) != SQLITE_OK ||
      sqlite3_step(st) != SQLITE_ROW) {
    err = failed(XOUS_INVALID_CODING, "damaged (SQLite: %s)",
                 sqlite3_errmsg(s->db), 0, 0);
    sqlite3_finalize(st);
    goto out;
  }
  s->pages = (uint32_t)sqlite3_column_int64(st, 0);
  if (s->pages == 0)
    err = failed(XOUS_INVALID_CODING, "not a PDDB image (no pages)%s", "", 0,
                 0);
  else if (sqlite3_column_int64(st, 1) != (sqlite3_int64)s->pages - 1)
    err = failed(XOUS_INVALID_CODING,
                 "damaged: %s%lld pages numbered up "
                 "to %lld",
                 "", (long long)s->pages,
                 (long long)sqlite3_column_int64(st, 1));
  else if (sqlite3_column_int64(st, 2) != PDDB_PAGE_SIZE ||
           sqlite3_column_int64(st, 3) != PDDB_PAGE_SIZE)
    err = failed(XOUS_INVALID_CODING,
                 "not a PDDB image: %spages of %lld "
                 "to %lld bytes, not 4096",
                 "", (long long)sqlite3_column_int64(st, 2),
                 (long long)sqlite3_column_int64(st, 3));
  sqlite3_finalize(st);
out:
  if (err != XOUS_OK) {
    pddb_store_close(s);
    return err;
  }
  *out = s;
  return XOUS_OK;
}

void
pddb_store_close(struct pddb_store *s)
{
  if (s == NULL)
    return;
  sqlite3_finalize(s->read);
  sqlite3_finalize(s->update);
  sqlite3_finalize(s->insert);
  sqlite3_close(s->db);
  if (s->lock_fd >= 0)
    close(s->lock_fd);
  free(s);
}

uint32_t
pddb_store_pages(const struct pddb_store *s)
{
  return s->pages;
}

/* Begins the read transaction that reads share, when none is open (a
 * write's own serves its reads too). Should it fail, the read is a
 * transaction of its own, as without it. */
static void
hold_reads(struct pddb_store *s)
{
  if (sqlite3_get_autocommit(s->db))
    (void)exec(s->db, "BEGIN DEFERRED");
}

xous_error_t
pddb_store_read(struct pddb_store *s, uint32_t nr, uint8_t *buf)
{
  xous_error_t err = XOUS_STORAGE_ERROR;

  hold_reads(s);
  sqlite3_bind_int64(s->read, 1, nr);
  if (sqlite3_step(s->read) == SQLITE_ROW &&
      sqlite3_column_bytes(s->read, 0) == PDDB_PAGE_SIZE) {
    memcpy(buf, sqlite3_column_blob(s->read, 0), PDDB_PAGE_SIZE);
    err = XOUS_OK;
  }
  sqlite3_reset(s->read);
  return err;
}

xous_error_t
pddb_store_scan(struct pddb_store *s, size_t head,
                bool (*fn)(uint32_t nr, const uint8_t *bytes, void *ctx),
                void *ctx)
{
  sqlite3_stmt *st;
  xous_error_t err = XOUS_OK;
  int rc;

  hold_reads(s);
  if (sqlite3_prepare_v2(s->db,
                         "SELECT id, substr(data, 1, ?1) FROM pages "
                         "ORDER BY id",
                         -1, &st, NULL) != SQLITE_OK)
    return XOUS_STORAGE_ERROR;
  sqlite3_bind_int64(st, 1, (sqlite3_int64)head);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if ((size_t)sqlite3_column_bytes(st, 1) != head) {
      err = XOUS_STORAGE_ERROR;
      break;
    }
    if (!fn((uint32_t)sqlite3_column_int64(st, 0), sqlite3_column_blob(st, 1),
            ctx))
      break;
  }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    err = XOUS_STORAGE_ERROR;
  sqlite3_finalize(st);
  return err;
}

xous_error_t
pddb_store_begin(struct pddb_store *s)
{
  /* The reads' transaction ends first: it holds only a shared lock. */
  if (!sqlite3_get_autocommit(s->db) && exec(s->db, "COMMIT") != XOUS_OK)
    return XOUS_STORAGE_ERROR;
  return exec(s->db, "BEGIN IMMEDIATE");
}

xous_error_t
pddb_store_commit(struct pddb_store *s)
{
  return exec(s->db, "COMMIT");
}

void
pddb_store_rollback(struct pddb_store *s)
{
  (void)exec(s->db, "ROLLBACK");
}

static xous_error_t
put(sqlite3_stmt *st, uint32_t nr, const uint8_t *buf)
{
  int rc;

  sqlite3_bind_int64(st, 1, nr);
  sqlite3_bind_blob(st, 2, buf, PDDB_PAGE_SIZE, SQLITE_STATIC);
  rc = sqlite3_step(st);
  sqlite3_reset(st);
  return rc == SQLITE_DONE ? XOUS_OK : XOUS_STORAGE_ERROR;
}

xous_error_t
pddb_store_append(struct pddb_store *s, const uint8_t *buf)
{
  xous_error_t err = put(s->insert, s->pages, buf);

  if (err == XOUS_OK)
    s->pages++;
  return err;
}

xous_error_t
pddb_store_write(struct pddb_store *s, uint32_t nr, const uint8_t *buf)
{
  if (nr >= s->pages)
    return XOUS_INVALID_ARGUMENT;
  return put(s->update, nr, buf);
}
