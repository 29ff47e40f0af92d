/*
 * notes: a small notes app that keeps its notes in a secret basis of the
 * PDDB, through <xous/pddb.h>. Run it under xous-run with xous-pddb.
 *
 *   notes PASSWORD add TITLE TEXT | list | show TITLE | rm TITLE
 *
 * The basis "notes" is made on first use; it is locked again on exit, so
 * the notes vanish from the server as soon as the app is done.
 */
#include <stdio.h>
#include <string.h>

#include <xous.h>
#include <xous/pddb.h>

#define BASIS "notes"
#define DICT "notes"

static int
fail(const char *what, xous_error_t err)
{
  printf("notes: %s: %s\n", what, xous_strerror(err));
  return 1;
}

static int
run(xous_pddb_t *db, int argc, char **argv)
{
  static char buf[65536];
  xous_error_t err;
  uint32_t h;
  size_t n, i;
  char *p;

  if (argc == 3 && strcmp(argv[0], "add") == 0) {
    err = xous_pddb_open(db, BASIS, DICT, argv[1],
                         XOUS_PDDB_CREATE | XOUS_PDDB_TRUNCATE, &h);
    if (err == XOUS_OK)
      err = xous_pddb_write(db, h, 0, argv[2], strlen(argv[2]));
    if (err == XOUS_OK)
      err = xous_pddb_close(db, h);
    if (err == XOUS_OK)
      err = xous_pddb_sync(db);
    return err == XOUS_OK ? 0 : fail("add", err);
  }
  if (argc == 1 && strcmp(argv[0], "list") == 0) {
    err = xous_pddb_list_keys(db, BASIS, DICT, buf, sizeof buf, &n);
    if (err == XOUS_NOT_FOUND)
      return 0;
    if (err != XOUS_OK)
      return fail("list", err);
    for (i = 0, p = buf; i < n; i++, p += strlen(p) + 1)
      printf("%s\n", p);
    return 0;
  }
  if (argc == 2 && strcmp(argv[0], "show") == 0) {
    err = xous_pddb_open(db, BASIS, DICT, argv[1], 0, &h);
    if (err == XOUS_OK)
      err = xous_pddb_read(db, h, 0, buf, sizeof buf - 1, &n);
    if (err != XOUS_OK)
      return fail(argv[1], err);
    buf[n] = '\0';
    printf("%s\n", buf);
    return 0;
  }
  if (argc == 2 && strcmp(argv[0], "rm") == 0) {
    err = xous_pddb_delete_key(db, BASIS, DICT, argv[1]);
    return err == XOUS_OK ? 0 : fail(argv[1], err);
  }
  printf("usage: notes PASSWORD add TITLE TEXT | list | show TITLE | "
         "rm TITLE\n");
  return 2;
}

int
main(int argc, char **argv)
{
  xous_pddb_t db;
  xous_error_t err;
  int rc;

  if (argc < 3) {
    printf("usage: notes PASSWORD add TITLE TEXT | list | show TITLE | "
           "rm TITLE\n");
    return 2;
  }
  if ((err = xous_pddb_connect(&db)) != XOUS_OK)
    return fail("connect", err);
  err = xous_pddb_unlock_basis(&db, BASIS, argv[1]);
  if (err == XOUS_NOT_FOUND)
    err = xous_pddb_create_basis(&db, BASIS, argv[1]);
  if (err != XOUS_OK) {
    xous_pddb_disconnect(&db);
    return fail("unlock", err);
  }
  rc = run(&db, argc - 2, argv + 2);
  (void)xous_pddb_lock_basis(&db, BASIS);
  xous_pddb_disconnect(&db);
  return rc;
}
