/*
 * The PDDB page store on SQLite (device counterpart: the SPI flash).
 *
 * One table of fixed-size blobs, one row per page, rows never added or
 * removed after format: an update rewrites a row in place, so the file's
 * structure depends only on the page count. The pragmas are explained in
 * pddb(7): rollback journal (DELETE), synchronous FULL, secure_delete ON,
 * one row per 8 KiB SQLite page.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <sqlite3.h>

#include "../platform.h"

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
      sqlite3_prepare_v2(s->db, "UPDATE pages SET data = ?2 WHERE id = ?1",
                         -1, &s->update, NULL) != SQLITE_OK ||
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
    return XOUS_NOT_FOUND;
  if (flock(s->lock_fd, LOCK_EX | LOCK_NB) != 0)
    return XOUS_ACCESS_DENIED;
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
    pddb_store_close(s);
    return (flags & SQLITE_OPEN_CREATE) ? XOUS_STORAGE_ERROR : XOUS_NOT_FOUND;
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

  if (access(path, F_OK) == 0)
    return XOUS_SERVER_EXISTS;
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

xous_error_t
pddb_store_open(const char *path, struct pddb_store **out)
{
  struct pddb_store *s;
  sqlite3_stmt *st;
  xous_error_t err;

  err = open_db(path, SQLITE_OPEN_READWRITE, &s);
  if (err != XOUS_OK)
    return err;
  if ((err = lock_image(s, path)) != XOUS_OK ||
      (err = prepare(s)) != XOUS_OK) {
    pddb_store_close(s);
    return err == XOUS_STORAGE_ERROR ? XOUS_INVALID_CODING : err;
  }
  if (sqlite3_prepare_v2(s->db,
                         "SELECT count(*), coalesce(max(id), -1), "
                         "coalesce(min(length(data)), 0), "
                         "coalesce(max(length(data)), 0) FROM pages",
                         -1, &st, NULL) != SQLITE_OK ||
      sqlite3_step(st) != SQLITE_ROW) {
    sqlite3_finalize(st);
    pddb_store_close(s);
    return XOUS_INVALID_CODING;
  }
  s->pages = (uint32_t)sqlite3_column_int64(st, 0);
  if (sqlite3_column_int64(st, 1) != (sqlite3_int64)s->pages - 1 ||
      sqlite3_column_int64(st, 2) != PDDB_PAGE_SIZE ||
      sqlite3_column_int64(st, 3) != PDDB_PAGE_SIZE || s->pages == 0)
    err = XOUS_INVALID_CODING;
  sqlite3_finalize(st);
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

xous_error_t
pddb_store_read(struct pddb_store *s, uint32_t nr, uint8_t *buf)
{
  xous_error_t err = XOUS_STORAGE_ERROR;

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
