/*
 * pddb(1): the PDDB from the shell, directly on an image file (--image) or
 * through a running xous-pddb server (the default).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xous.h>
#include <xous/pddb.h>

#include "../engine.h"
#include "term.h"

#define CHUNK (256u * 1024u)
#define LIST_BYTES (1024u * 1024u)

static struct pddb_engine *eng; /* image mode */
static xous_pddb_t db;          /* server mode */
static int password_fd = -1;
static int json;

static int
usage(void)
{
  fprintf(stderr,
          "usage: pddb format IMAGE [--size BYTES] [--kdf-ops N] "
          "[--kdf-mem-kib N]\n"
          "       pddb [--image IMAGE] [--unlock BASIS]... [--password-fd N] "
          "[--json] COMMAND\n"
          "commands: create-basis NAME | delete-basis NAME | unlock NAME |\n"
          "          lock NAME | bases | ls [[BASIS:]DICT] |\n"
          "          get [BASIS:]DICT KEY [FILE] | put [BASIS:]DICT KEY [FILE] |\n"
          "          rm [BASIS:]DICT [KEY] | stat [[BASIS:]DICT KEY] | sync\n");
  return 2;
}

static int
report(const char *what, xous_error_t err)
{
  if (err == XOUS_OK)
    return 0;
  fprintf(stderr, "pddb: %s: %s\n", what,
          err == XOUS_NOT_FOUND ? "not found" : xous_strerror(err));
  return 1;
}

/* Splits "basis:dict" (the basis part may be absent). */
static void
split(char *arg, char **basis, char **dict)
{
  char *colon = strchr(arg, ':');

  if (colon == NULL) {
    *basis = NULL;
    *dict = arg;
  } else {
    *colon = '\0';
    *basis = arg[0] ? arg : NULL;
    *dict = colon + 1;
  }
}

/* Room for the longest password, its NUL and one byte more to tell a
 * longer one. */
#define PW_BYTES (XOUS_PDDB_MAX_PASSWORD + 2u)

/* Reads the password of basis name into pw (PW_BYTES of secret memory);
 * twice on a terminal when it is a new one. */
static int
ask(const char *name, bool twice, char *pw)
{
  char prompt[160], *again;
  int n;

  snprintf(prompt, sizeof prompt, "Password for basis %s: ", name);
  n = term_password(password_fd, prompt, pw, PW_BYTES);
  if (n < 0) {
    fprintf(stderr, "pddb: no password\n");
    return -1;
  }
  if (twice && password_fd < 0) {
    bool same;

    if ((again = pddb_secure_alloc(PW_BYTES)) == NULL) {
      fprintf(stderr, "pddb: no memory for the password\n");
      return -1;
    }
    same = term_password(-1, "Again: ", again, PW_BYTES) >= 0 &&
           strcmp(again, pw) == 0;
    pddb_secure_free(again, PW_BYTES);
    if (!same) {
      fprintf(stderr, "pddb: the passwords differ\n");
      return -1;
    }
  }
  return n;
}

/* ---- listings ------------------------------------------------------------------- */

static void
json_string(const char *s)
{
  putchar('"');
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;

    if (c == '"' || c == '\\')
      printf("\\%c", c);
    else if (c < 0x20)
      printf("\\u%04x", c);
    else
      putchar(c);
  }
  putchar('"');
}

static int listed;

static void
print_name(const char *name, uint64_t len, const char *basis, void *ctx)
{
  bool keys = ctx != NULL;

  if (json) {
    printf("%s", listed ? ",\n " : "[");
    if (keys) {
      printf("{\"name\":");
      json_string(name);
      printf(",\"len\":%llu,\"basis\":", (unsigned long long)len);
      json_string(basis ? basis : "");
      printf("}");
    } else {
      json_string(name);
    }
  } else if (keys) {
    printf("%s\t%llu\t%s\n", name, (unsigned long long)len,
           basis ? basis : "");
  } else {
    printf("%s\n", name);
  }
  listed++;
}

static void
end_list(void)
{
  if (json)
    printf(listed ? "]\n" : "[]\n");
}

/* Prints a server listing: NUL-separated names. */
static void
print_names(const char *buf, size_t count)
{
  size_t i;

  for (i = 0; i < count; i++) {
    print_name(buf, 0, NULL, NULL);
    buf += strlen(buf) + 1;
  }
}

static int
cmd_ls(int argc, char **argv)
{
  char *basis = NULL, *dict = NULL;
  xous_error_t err;

  if (argc > 1)
    return usage();
  if (argc == 1)
    split(argv[0], &basis, &dict);
  if (eng != NULL) {
    if (dict == NULL || dict[0] == '\0')
      err = pddb_list_dicts(eng, basis, print_name, NULL);
    else
      err = pddb_list_keys(eng, basis, dict, print_name, (void *)1);
  } else {
    char *buf = malloc(LIST_BYTES);
    size_t count = 0;

    if (buf == NULL)
      return report("ls", XOUS_OUT_OF_MEMORY);
    if (dict == NULL || dict[0] == '\0') {
      err = xous_pddb_list_dicts(&db, basis, buf, LIST_BYTES, &count);
      if (err == XOUS_OK)
        print_names(buf, count);
    } else {
      size_t i;
      char *p;

      err = xous_pddb_list_keys(&db, basis, dict, buf, LIST_BYTES, &count);
      for (i = 0, p = buf; err == XOUS_OK && i < count;
           i++, p += strlen(p) + 1) {
        uint32_t h;
        xous_pddb_stat_t st = { 0 };

        if (xous_pddb_open(&db, basis, dict, p, 0, &h) == XOUS_OK) {
          (void)xous_pddb_stat(&db, h, &st);
          (void)xous_pddb_close(&db, h);
        }
        print_name(p, st.len, st.basis, (void *)1);
      }
    }
    free(buf);
  }
  if (err == XOUS_OK)
    end_list();
  return report("ls", err);
}

static int
cmd_bases(int argc, char **argv)
{
  xous_error_t err;

  (void)argv;
  if (argc != 0)
    return usage();
  if (eng != NULL) {
    err = pddb_list_bases(eng, print_name, NULL);
  } else {
    char buf[XOUS_PDDB_MAX_OPEN_BASES * (XOUS_PDDB_MAX_BASIS_NAME + 1)];
    size_t count;

    err = xous_pddb_list_bases(&db, buf, sizeof buf, &count);
    if (err == XOUS_OK)
      print_names(buf, count);
  }
  if (err == XOUS_OK)
    end_list();
  return report("bases", err);
}

/* ---- keys ----------------------------------------------------------------------- */

static xous_error_t
key_open(const char *basis, const char *dict, const char *key, unsigned flags,
         uint32_t *h)
{
  if (eng != NULL)
    return pddb_key_open(eng, basis, dict, key, flags, 0, h);
  return xous_pddb_open(&db, basis, dict, key, flags, h);
}

static xous_error_t
key_read(uint32_t h, uint64_t off, void *buf, size_t len, size_t *got)
{
  if (eng != NULL)
    return pddb_key_read(eng, 0, h, off, buf, len, got);
  return xous_pddb_read(&db, h, off, buf, len, got);
}

static xous_error_t
key_write(uint32_t h, uint64_t off, const void *buf, size_t len)
{
  if (eng != NULL)
    return pddb_key_write(eng, 0, h, off, buf, len);
  return xous_pddb_write(&db, h, off, buf, len);
}

static void
key_close(uint32_t h)
{
  if (eng != NULL)
    (void)pddb_key_close(eng, 0, h);
  else
    (void)xous_pddb_close(&db, h);
}

static xous_error_t
sync_all(void)
{
  return eng != NULL ? pddb_sync(eng) : xous_pddb_sync(&db);
}

static int
cmd_get(int argc, char **argv)
{
  char *basis, *dict, *buf;
  uint64_t off = 0;
  uint32_t h;
  size_t got;
  int fd = 1;
  xous_error_t err;

  if (argc < 2 || argc > 3)
    return usage();
  split(argv[0], &basis, &dict);
  if (argc == 3 &&
      (fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0) {
    perror(argv[2]);
    return 1;
  }
  if ((err = key_open(basis, dict, argv[1], 0, &h)) != XOUS_OK)
    return report(argv[1], err);
  buf = malloc(CHUNK);
  while (buf != NULL && (err = key_read(h, off, buf, CHUNK, &got)) == XOUS_OK &&
         got > 0) {
    if (write(fd, buf, got) != (ssize_t)got) {
      perror("write");
      err = XOUS_STORAGE_ERROR;
      break;
    }
    off += got;
  }
  free(buf);
  key_close(h);
  if (fd != 1)
    close(fd);
  return report(argv[1], buf == NULL ? XOUS_OUT_OF_MEMORY : err);
}

static int
cmd_put(int argc, char **argv)
{
  char *basis, *dict, *buf;
  uint64_t off = 0;
  uint32_t h;
  ssize_t n;
  int fd = 0;
  xous_error_t err;

  if (argc < 2 || argc > 3)
    return usage();
  split(argv[0], &basis, &dict);
  if (argc == 3 && (fd = open(argv[2], O_RDONLY | O_CLOEXEC)) < 0) {
    perror(argv[2]);
    return 1;
  }
  err = key_open(basis, dict, argv[1], XOUS_PDDB_CREATE | XOUS_PDDB_TRUNCATE,
                 &h);
  if (err != XOUS_OK)
    return report(argv[1], err);
  buf = malloc(CHUNK);
  while (buf != NULL && (n = read(fd, buf, CHUNK)) > 0) {
    if ((err = key_write(h, off, buf, (size_t)n)) != XOUS_OK)
      break;
    off += (uint64_t)n;
  }
  free(buf);
  key_close(h);
  if (fd != 0)
    close(fd);
  if (err == XOUS_OK)
    err = sync_all();
  return report(argv[1], buf == NULL ? XOUS_OUT_OF_MEMORY : err);
}

static int
cmd_rm(int argc, char **argv)
{
  char *basis, *dict;
  xous_error_t err;

  if (argc < 1 || argc > 2)
    return usage();
  split(argv[0], &basis, &dict);
  if (eng != NULL)
    err = argc == 2 ? pddb_key_delete(eng, basis, dict, argv[1])
                    : pddb_dict_delete(eng, basis, dict);
  else
    err = argc == 2 ? xous_pddb_delete_key(&db, basis, dict, argv[1])
                    : xous_pddb_delete_dict(&db, basis, dict);
  return report("rm", err);
}

static int
cmd_stat(int argc, char **argv)
{
  char *basis, *dict;
  uint32_t h;
  uint64_t len = 0;
  const char *in = "";
  xous_pddb_stat_t st;
  xous_error_t err;

  if (argc == 0) {
    if (eng == NULL)
      return report("stat", XOUS_INVALID_ARGUMENT);
    if (json)
      printf("{\"pages\":%u,\"page_size\":%u,\"free_pages\":%u}\n",
             pddb_page_count(eng), PDDB_PAGE_SIZE, pddb_free_pages(eng));
    else
      printf("pages\t%u\npage_size\t%u\nfree_pages\t%u\n",
             pddb_page_count(eng), PDDB_PAGE_SIZE, pddb_free_pages(eng));
    return 0;
  }
  if (argc != 2)
    return usage();
  split(argv[0], &basis, &dict);
  if ((err = key_open(basis, dict, argv[1], 0, &h)) != XOUS_OK)
    return report(argv[1], err);
  if (eng != NULL) {
    err = pddb_key_stat(eng, 0, h, &len, &in);
  } else {
    err = xous_pddb_stat(&db, h, &st);
    len = st.len;
    in = st.basis;
  }
  key_close(h);
  if (err != XOUS_OK)
    return report(argv[1], err);
  if (json) {
    printf("{\"name\":");
    json_string(argv[1]);
    printf(",\"dict\":");
    json_string(dict);
    printf(",\"len\":%llu,\"basis\":", (unsigned long long)len);
    json_string(in);
    printf("}\n");
  } else {
    printf("%s\t%llu\t%s\n", argv[1], (unsigned long long)len, in);
  }
  return 0;
}

/* ---- bases ---------------------------------------------------------------------- */

static int
cmd_basis(const char *cmd, int argc, char **argv)
{
  char *pw;
  int n = 0;
  xous_error_t err;

  if (argc != 1)
    return usage();
  /* The password lives in secret memory only, wiped when freed. */
  if ((pw = pddb_secure_alloc(PW_BYTES)) == NULL)
    return report(argv[0], XOUS_OUT_OF_MEMORY);
  if (strcmp(cmd, "create-basis") == 0 || strcmp(cmd, "unlock") == 0) {
    if ((n = ask(argv[0], cmd[0] == 'c', pw)) < 0) {
      pddb_secure_free(pw, PW_BYTES);
      return 1;
    }
  }
  if (strcmp(cmd, "create-basis") == 0)
    err = eng ? pddb_basis_create(eng, argv[0], pw, (size_t)n)
              : xous_pddb_create_basis(&db, argv[0], pw);
  else if (strcmp(cmd, "unlock") == 0)
    err = eng ? pddb_basis_unlock(eng, argv[0], pw, (size_t)n)
              : xous_pddb_unlock_basis(&db, argv[0], pw);
  else if (strcmp(cmd, "lock") == 0)
    err = eng ? pddb_basis_lock(eng, argv[0])
              : xous_pddb_lock_basis(&db, argv[0]);
  else
    err = eng ? pddb_basis_delete(eng, argv[0])
              : xous_pddb_delete_basis(&db, argv[0]);
  pddb_secure_free(pw, PW_BYTES);
  return report(argv[0], err);
}

static uint64_t
parse_size(const char *s)
{
  char *end;
  unsigned long long v = strtoull(s, &end, 10);

  if (*end == 'K' || *end == 'k')
    v <<= 10, end++;
  else if (*end == 'M' || *end == 'm')
    v <<= 20, end++;
  else if (*end == 'G' || *end == 'g')
    v <<= 30, end++;
  return *end == '\0' ? v : 0;
}

static int
cmd_format(int argc, char **argv)
{
  static const struct option opts[] = {
    { "size", required_argument, NULL, 's' },
    { "kdf-ops", required_argument, NULL, 'o' },
    { "kdf-mem-kib", required_argument, NULL, 'm' },
    { NULL, 0, NULL, 0 },
  };
  uint64_t size = 16u << 20;
  uint32_t ops = 0, mem = 0;
  int c;

  optind = 1;
  while ((c = getopt_long(argc, argv, "s:", opts, NULL)) != -1) {
    switch (c) {
    case 's':
      size = parse_size(optarg);
      break;
    case 'o':
      ops = (uint32_t)strtoul(optarg, NULL, 10);
      break;
    case 'm':
      mem = (uint32_t)strtoul(optarg, NULL, 10);
      break;
    default:
      return usage();
    }
  }
  if (optind + 1 != argc)
    return usage();
  if (size / PDDB_PAGE_SIZE < PDDB_MIN_PAGES ||
      size / PDDB_PAGE_SIZE > PDDB_MAX_PAGES) {
    fprintf(stderr, "pddb: the size must be %u KiB to %u MiB\n",
            PDDB_MIN_PAGES * 4, PDDB_MAX_PAGES / 256);
    return 2;
  }
  return report(argv[optind],
                pddb_format(argv[optind], (uint32_t)(size / PDDB_PAGE_SIZE),
                            ops, mem, term_progress, "format"));
}

int
main(int argc, char **argv)
{
  static const struct option opts[] = {
    { "image", required_argument, NULL, 'i' },
    { "unlock", required_argument, NULL, 'u' },
    { "password-fd", required_argument, NULL, 'p' },
    { "json", no_argument, NULL, 'j' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  const char *image = getenv("PDDB_IMAGE");
  char *unlocks[XOUS_PDDB_MAX_OPEN_BASES];
  int nunlock = 0, c, i, rc;
  const char *cmd;
  xous_error_t err;

  pddb_protect_process();
  if (argc > 1 && strcmp(argv[1], "format") == 0)
    return cmd_format(argc - 1, argv + 1);
  while ((c = getopt_long(argc, argv, "+i:u:p:jh", opts, NULL)) != -1) {
    switch (c) {
    case 'i':
      image = optarg;
      break;
    case 'u':
      if (nunlock == XOUS_PDDB_MAX_OPEN_BASES - 1)
        return usage();
      unlocks[nunlock++] = optarg;
      break;
    case 'p':
      password_fd = atoi(optarg);
      break;
    case 'j':
      json = 1;
      break;
    default:
      return usage();
    }
  }
  if (optind >= argc)
    return usage();
  cmd = argv[optind++];
  argc -= optind;
  argv += optind;
  if (image != NULL && image[0] != '\0') {
    if ((err = pddb_open(image, &eng)) != XOUS_OK) {
      fprintf(stderr, "pddb: %s: %s\n", image,
              err == XOUS_INVALID_CODING ? "not a PDDB image"
              : err == XOUS_ACCESS_DENIED ? "in use by another process"
                                          : xous_strerror(err));
      return 1;
    }
    pddb_set_progress(eng, term_progress, "scan");
  } else if ((err = xous_pddb_try_connect(&db)) != XOUS_OK) {
    fprintf(stderr, "pddb: no image given and no PDDB server: %s\n",
            xous_strerror(err));
    return 1;
  }
  rc = 0;
  for (i = 0; i < nunlock && rc == 0; i++) {
    char *one[1] = { unlocks[i] };

    rc = cmd_basis("unlock", 1, one);
  }
  if (rc != 0)
    ;
  else if (strcmp(cmd, "ls") == 0)
    rc = cmd_ls(argc, argv);
  else if (strcmp(cmd, "bases") == 0)
    rc = cmd_bases(argc, argv);
  else if (strcmp(cmd, "get") == 0)
    rc = cmd_get(argc, argv);
  else if (strcmp(cmd, "put") == 0)
    rc = cmd_put(argc, argv);
  else if (strcmp(cmd, "rm") == 0)
    rc = cmd_rm(argc, argv);
  else if (strcmp(cmd, "stat") == 0)
    rc = cmd_stat(argc, argv);
  else if (strcmp(cmd, "sync") == 0)
    rc = report("sync", sync_all());
  else if (strcmp(cmd, "create-basis") == 0 ||
           strcmp(cmd, "delete-basis") == 0 || strcmp(cmd, "unlock") == 0 ||
           strcmp(cmd, "lock") == 0)
    rc = cmd_basis(cmd, argc, argv);
  else
    rc = usage();
  if (eng != NULL) {
    err = pddb_close(eng);
    if (rc == 0)
      rc = report("close", err);
  } else {
    xous_pddb_disconnect(&db);
  }
  return rc;
}
