/*
 * pddb(1): the PDDB from the shell, directly on an image file (--image) or
 * through a running xous-pddb server (the default).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xous.h>
#include <xous/names.h>
#include <xous/pddb.h>

#include "../engine.h"
#include "term.h"
#include "tools/cli.h"
#include "tools/monotonic.h"

#define CHUNK (256u * 1024u)
#define LIST_BYTES (1024u * 1024u)

static struct pddb_engine *eng; /* image mode */
static xous_pddb_t db;          /* server mode */
static int password_fd = -1;
static bool json;
static bool put_failed; /* image mode: close without syncing */

static void
print_usage(FILE *f)
{
  fprintf(
      f,
      "usage: pddb format IMAGE [--size BYTES] [--kdf-ops N] "
      "[--kdf-mem-kib N]\n"
      "       pddb [-i|--image IMAGE] [-u|--unlock BASIS]... "
      "[-p|--password-fd N] [-j|--json] COMMAND\n"
      "       pddb -h|--help | -V|--version\n"
      "commands: create-basis NAME | delete-basis NAME | unlock NAME |\n"
      "          lock NAME | bases | ls [[BASIS:]DICT] |\n"
      "          get [BASIS:]DICT KEY [FILE] | put [BASIS:]DICT KEY [FILE] |\n"
      "          rm [BASIS:]DICT [KEY] | stat [[BASIS:]DICT KEY] | sync\n");
  fputs("Without --image (or PDDB_IMAGE), the command goes to the running "
        "xous-pddb server.\nSee pddb(1).\n",
        f);
}

/* A usage error: what was wrong, then the usage. */
static int __attribute__((format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
  va_list ap;

  fputs("pddb: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  print_usage(stderr);
  return 2;
}

static int
report(const char *what, xous_error_t err)
{
  if (err == XOUS_OK)
    return 0;
  fprintf(stderr, "pddb: %s: %s\n", what,
          err == XOUS_NOT_FOUND       ? "not found"
          : err == XOUS_STORAGE_ERROR ? "storage error (a page of the image "
                                        "is damaged, or a write failed)"
                                      : xous_strerror(err));
  return 1;
}

/* Room for "key K in BASIS:DICT" with the longest names (arguments are
 * cut there; longer ones are refused as names anyway). */
#define KEY_NAME_BYTES 512

/* Names a key for a message: "key K in BASIS:DICT". */
static const char *
key_name(const char *dictarg, const char *key)
{
  static char buf[KEY_NAME_BYTES];

  snprintf(buf, sizeof buf, "key %s in %s", key, dictarg);
  return buf;
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
  char *basis = NULL, *dict = NULL, what[KEY_NAME_BYTES];
  xous_error_t err;

  snprintf(what, sizeof what, "%s", argc == 1 ? argv[0] : "ls");
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
  return report(what, err);
}

static int
cmd_bases(int argc, char **argv)
{
  xous_error_t err;

  (void)argc;
  (void)argv;
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

  const char *what = key_name(argv[0], argv[1]);

  split(argv[0], &basis, &dict);
  if ((err = key_open(basis, dict, argv[1], 0, &h)) != XOUS_OK)
    return report(what, err);
  /* The file is made only for a key that exists. */
  if (argc == 3 &&
      (fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) <
          0) {
    fprintf(stderr, "pddb: %s: %s\n", argv[2], strerror(errno));
    key_close(h);
    return 1;
  }
  buf = malloc(CHUNK);
  while (buf != NULL &&
         (err = key_read(h, off, buf, CHUNK, &got)) == XOUS_OK && got > 0) {
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
  return report(what, buf == NULL ? XOUS_OUT_OF_MEMORY : err);
}

/* Reads all of fd into *out (malloc()ed), at most XOUS_PDDB_MAX_VALUE
 * bytes: InvalidArgument for more, before anything is stored. */
static xous_error_t
slurp(int fd, uint8_t **out, size_t *len)
{
  size_t cap = 64u * 1024u, n = 0;
  uint8_t *buf = malloc(cap), *p;
  ssize_t r;

  while (buf != NULL) {
    if (n == cap) {
      /* One byte past the limit is enough to know it is too much. */
      cap = cap * 2 > XOUS_PDDB_MAX_VALUE + 1u ? XOUS_PDDB_MAX_VALUE + 1u
                                               : cap * 2;
      if (n == cap || (p = realloc(buf, cap)) == NULL) {
        free(buf);
        return n == cap ? XOUS_INVALID_ARGUMENT : XOUS_OUT_OF_MEMORY;
      }
      buf = p;
    }
    r = read(fd, buf + n, cap - n);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      free(buf);
      return XOUS_STORAGE_ERROR;
    }
    if (r == 0)
      break;
    n += (size_t)r;
  }
  if (buf == NULL)
    return XOUS_OUT_OF_MEMORY;
  if (n > XOUS_PDDB_MAX_VALUE) {
    free(buf);
    return XOUS_INVALID_ARGUMENT;
  }
  *out = buf;
  *len = n;
  return XOUS_OK;
}

static int
cmd_put(int argc, char **argv)
{
  const char *what = key_name(argv[0], argv[1]);
  char *basis, *dict;
  uint8_t *value;
  size_t len;
  uint32_t h;
  int fd = 0;
  xous_error_t err;

  split(argv[0], &basis, &dict);
  if (argc == 3 && (fd = open(argv[2], O_RDONLY | O_CLOEXEC)) < 0) {
    fprintf(stderr, "pddb: %s: %s\n", argv[2], strerror(errno));
    return 1;
  }
  /* The whole value first: one too large, or a read that fails, is
   * refused before the key is touched. */
  err = slurp(fd, &value, &len);
  if (fd != 0)
    close(fd);
  if (err == XOUS_INVALID_ARGUMENT) {
    fprintf(stderr,
            "pddb: %s: the value is larger than %u bytes (8 MiB); "
            "nothing was stored\n",
            what, XOUS_PDDB_MAX_VALUE);
    return 1;
  }
  if (err == XOUS_STORAGE_ERROR) {
    fprintf(stderr, "pddb: %s: reading %s: %s\n", what,
            argc == 3 ? argv[2] : "standard input", strerror(errno));
    return 1;
  }
  if (err != XOUS_OK)
    return report(what, err);
  /* Opened, emptied and written in one go: the write lands whole or not
   * at all (the engine and the server replace the old value in one
   * transaction). */
  err = key_open(basis, dict, argv[1], XOUS_PDDB_CREATE | XOUS_PDDB_TRUNCATE,
                 &h);
  if (err == XOUS_OK) {
    err = key_write(h, 0, value, len);
    key_close(h);
  }
  free(value);
  if (err == XOUS_OK)
    err = sync_all();
  else
    put_failed = true;
  return report(what, err);
}

static int
cmd_rm(int argc, char **argv)
{
  char *basis, *dict, what[KEY_NAME_BYTES];
  xous_error_t err;

  snprintf(what, sizeof what, "%s",
           argc == 2 ? key_name(argv[0], argv[1]) : argv[0]);
  split(argv[0], &basis, &dict);
  if (eng != NULL)
    err = argc == 2 ? pddb_key_delete(eng, basis, dict, argv[1])
                    : pddb_dict_delete(eng, basis, dict);
  else
    err = argc == 2 ? xous_pddb_delete_key(&db, basis, dict, argv[1])
                    : xous_pddb_delete_dict(&db, basis, dict);
  return report(what, err);
}

static int
cmd_stat(int argc, char **argv)
{
  char *basis, *dict;
  uint32_t h;
  uint64_t len = 0;
  const char *in = "", *what;
  xous_pddb_stat_t st;
  xous_error_t err;

  if (argc == 0) {
    if (eng == NULL) {
      fprintf(stderr, "pddb: stat of the image needs --image IMAGE (the "
                      "server does not say)\n");
      return 1;
    }
    if (json)
      printf("{\"pages\":%u,\"page_size\":%u,\"free_pages\":%u}\n",
             pddb_page_count(eng), PDDB_PAGE_SIZE, pddb_free_pages(eng));
    else
      printf("pages\t%u\npage_size\t%u\nfree_pages\t%u\n",
             pddb_page_count(eng), PDDB_PAGE_SIZE, pddb_free_pages(eng));
    return 0;
  }
  what = key_name(argv[0], argv[1]);
  split(argv[0], &basis, &dict);
  if ((err = key_open(basis, dict, argv[1], 0, &h)) != XOUS_OK)
    return report(what, err);
  if (eng != NULL) {
    err = pddb_key_stat(eng, 0, h, &len, &in);
  } else {
    err = xous_pddb_stat(&db, h, &st);
    len = st.len;
    in = st.basis;
  }
  key_close(h);
  if (err != XOUS_OK)
    return report(what, err);
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

/* A wrong password at the terminal is asked again, this many times in
 * all (from --password-fd, once). */
#define PW_TRIES 3

static int
cmd_basis(const char *cmd, int argc, char **argv)
{
  bool create = strcmp(cmd, "create-basis") == 0;
  bool unlock = strcmp(cmd, "unlock") == 0;
  char what[XOUS_PDDB_MAX_BASIS_NAME + 16], *pw;
  int n = 0, tries = 0;
  xous_error_t err;

  (void)argc;
  snprintf(what, sizeof what, "basis %s", argv[0]);
  /* The password lives in secret memory only, wiped when freed. */
  if ((pw = pddb_secure_alloc(PW_BYTES)) == NULL)
    return report(what, XOUS_OUT_OF_MEMORY);
  for (;;) {
    if (create || unlock) {
      /* Nothing of the last try stays behind the new one. */
      pddb_wipe(pw, PW_BYTES);
      if ((n = ask(argv[0], create, pw)) < 0) {
        pddb_secure_free(pw, PW_BYTES);
        return 1;
      }
    }
    if (create)
      err = eng ? pddb_basis_create(eng, argv[0], pw, (size_t)n)
                : xous_pddb_create_basis(&db, argv[0], pw);
    else if (unlock)
      err = eng ? pddb_basis_unlock(eng, argv[0], pw, (size_t)n)
                : xous_pddb_unlock_basis(&db, argv[0], pw);
    else if (strcmp(cmd, "lock") == 0)
      err = eng ? pddb_basis_lock(eng, argv[0])
                : xous_pddb_lock_basis(&db, argv[0]);
    else
      err = eng ? pddb_basis_delete(eng, argv[0])
                : xous_pddb_delete_basis(&db, argv[0]);
    pddb_wipe(pw, PW_BYTES);
    if (!unlock || err != XOUS_NOT_FOUND || password_fd >= 0 ||
        ++tries == PW_TRIES)
      break;
    fprintf(stderr,
            "pddb: %s: not found (no such basis, or a wrong "
            "password); try again\n",
            what);
  }
  pddb_secure_free(pw, PW_BYTES);
  if (unlock && err == XOUS_NOT_FOUND) {
    fprintf(stderr,
            "pddb: %s: not found (no such basis, or a wrong "
            "password)\n",
            what);
    return 1;
  }
  if (create && err == XOUS_SERVER_EXISTS) {
    fprintf(stderr, "pddb: %s: exists already (with this password)\n", what);
    return 1;
  }
  return report(what, err);
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

/* A whole number of at most max; false when s is not one. */
static bool
parse_count(const char *s, unsigned long max, uint32_t *out)
{
  char *end;
  unsigned long v;

  if (*s < '0' || *s > '9')
    return false;
  errno = 0;
  v = strtoul(s, &end, 10);
  if (errno != 0 || *end != '\0' || v > max)
    return false;
  *out = (uint32_t)v;
  return true;
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
  uint32_t ops = 0, mem = 0, pages;
  int c;

  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":s:", opts, NULL)) != -1) {
    switch (c) {
    case 's':
      if ((size = parse_size(optarg)) == 0)
        return usage_error("--size %s: not a size (a number of bytes, with "
                           "K, M or G after it)",
                           optarg);
      break;
    case 'o':
      if (!parse_count(optarg, 0xffffffffUL, &ops) || ops == 0)
        return usage_error("--kdf-ops %s: not a number of passes", optarg);
      break;
    case 'm':
      if (!parse_count(optarg, 0xffffffffUL, &mem) || mem == 0)
        return usage_error("--kdf-mem-kib %s: not a number of KiB", optarg);
      break;
    case ':':
      return usage_error("%s needs a value", argv[optind - 1]);
    default:
      return usage_error("format: unknown option %s", argv[optind - 1]);
    }
  }
  if (optind == argc)
    return usage_error("format needs the IMAGE to make");
  if (optind + 1 != argc)
    return usage_error("format: one IMAGE only (%s is one too many)",
                       argv[optind + 1]);
  pages = pddb_store_pages_for(size);
  if (pages < PDDB_MIN_PAGES || pages > PDDB_MAX_PAGES) {
    fprintf(stderr, "pddb: the size must be %llu KiB to %llu MiB\n",
            (unsigned long long)pddb_store_bytes_for(PDDB_MIN_PAGES) / 1024u,
            (unsigned long long)pddb_store_bytes_for(PDDB_MAX_PAGES) >> 20);
    return 2;
  }
  return report(argv[optind], pddb_format(argv[optind], pages, ops, mem,
                                          term_progress, "format"));
}

/* ---- the command line ----------------------------------------------------------- */

static int
cmd_sync(int argc, char **argv)
{
  (void)argc;
  (void)argv;
  return report("sync", sync_all());
}

struct command {
  const char *name;
  int min, max; /* arguments */
  const char *args;
  int (*run)(int argc, char **argv); /* NULL: cmd_basis() */
};

static const struct command commands[] = {
  { "create-basis", 1, 1, "NAME", NULL },
  { "delete-basis", 1, 1, "NAME", NULL },
  { "unlock", 1, 1, "NAME", NULL },
  { "lock", 1, 1, "NAME", NULL },
  { "bases", 0, 0, "", cmd_bases },
  { "ls", 0, 1, "[[BASIS:]DICT]", cmd_ls },
  { "get", 2, 3, "[BASIS:]DICT KEY [FILE]", cmd_get },
  { "put", 2, 3, "[BASIS:]DICT KEY [FILE]", cmd_put },
  { "rm", 1, 2, "[BASIS:]DICT [KEY]", cmd_rm },
  { "stat", 0, 2, "[[BASIS:]DICT KEY]", cmd_stat },
  { "sync", 0, 0, "", cmd_sync },
};

/* Checks the command and its arguments before anything is opened; *found
 * is the command. */
static int
check_command(const char *cmd, int argc, const struct command **found)
{
  size_t i;

  for (i = 0; i < sizeof commands / sizeof commands[0]; i++) {
    const struct command *c = &commands[i];

    if (strcmp(cmd, c->name) != 0)
      continue;
    /* stat takes a dictionary and a key, or nothing. */
    if (argc < c->min || argc > c->max ||
        (strcmp(cmd, "stat") == 0 && argc == 1))
      return usage_error("%s takes %s, not %d argument%s", cmd,
                         c->args[0] ? c->args : "no arguments", argc,
                         argc == 1 ? "" : "s");
    *found = c;
    return 0;
  }
  return usage_error("unknown command '%s'", cmd);
}

/* How long a command looks for the server before it gives up. */
#define CONNECT_MS 3000

/* Finds the PDDB server through the name server, waiting a bounded time
 * for either to come up (a script may start them just before). */
static int
connect_server(void)
{
  long long deadline = now_ms() + CONNECT_MS;
  bool names = false;
  xous_error_t err = XOUS_SERVER_NOT_FOUND;
  xous_cid_t cid;

  for (;;) {
    /* xous_connect() to the name server would wait for ever. */
    if (!names)
      names = xous_try_connect(xous_sid_from_name(XOUS_NAMES_SERVER_NAME),
                               &cid) == XOUS_OK;
    if (names && (err = xous_pddb_try_connect(&db)) == XOUS_OK)
      return 0;
    if (now_ms() >= deadline)
      break;
    usleep(20000);
  }
  if (!names)
    fprintf(stderr, "pddb: no PDDB server registered: start xous-pddb or "
                    "give -i IMAGE (no name server runs either: start "
                    "xous-names, or use xous-run)\n");
  else if (err == XOUS_SERVER_NOT_FOUND)
    fprintf(stderr, "pddb: no PDDB server registered: start xous-pddb or "
                    "give -i IMAGE\n");
  else
    fprintf(stderr, "pddb: the PDDB server: %s\n", xous_strerror(err));
  return 1;
}

/* The --unlock bases, in the order given. */
struct unlocks {
  char *names[XOUS_PDDB_MAX_OPEN_BASES];
  int n;
};

/* The options that are not stored as they are: --unlock and
 * --password-fd, and --help, --version and the wrong ones. */
static int
own_option(int c, char **argv, void *ctx)
{
  struct unlocks *u = ctx;
  uint32_t fd;

  switch (c) {
  case 'u':
    if (u->n == XOUS_PDDB_MAX_OPEN_BASES - 1)
      return usage_error("at most %d --unlock", u->n);
    u->names[u->n++] = optarg;
    return -1;
  case 'p':
    if (!parse_count(optarg, 1u << 20, &fd))
      return usage_error("--password-fd %s: not a file descriptor", optarg);
    password_fd = (int)fd;
    return -1;
  default:
    return xous__cli_other_option(c, "pddb", print_usage, argv);
  }
}

int
main(int argc, char **argv)
{
  const char *image = getenv("PDDB_IMAGE");
  const struct xous_cli_option opts[] = {
    { "image", 'i', XOUS_CLI_TEXT, &image },
    { "unlock", 'u', XOUS_CLI_OWN_VALUE, NULL },
    { "password-fd", 'p', XOUS_CLI_OWN_VALUE, NULL },
    { "json", 'j', XOUS_CLI_SET, &json },
    XOUS_CLI_HELP_VERSION,
  };
  struct unlocks unlocks = { { NULL }, 0 };
  int i, rc;
  const char *cmd;
  const struct command *found = NULL;
  xous_error_t err;

  pddb_protect_process();
  if (argc > 1 && strcmp(argv[1], "format") == 0)
    return cmd_format(argc - 1, argv + 1);
  opterr = 0;
  rc = xous__cli_read(argc, argv, "+:i:u:p:jhV", opts, own_option, &unlocks);
  if (rc >= 0)
    return rc;
  if (optind >= argc)
    return usage_error("no command given");
  cmd = argv[optind++];
  argc -= optind;
  argv += optind;
  if ((rc = check_command(cmd, argc, &found)) != 0)
    return rc;
  if (image != NULL && image[0] != '\0') {
    if ((err = pddb_open(image, &eng)) != XOUS_OK) {
      fprintf(stderr, "pddb: %s: %s\n", image, pddb_open_error(err));
      return 1;
    }
    pddb_set_progress(eng, term_progress, "scan");
  } else if (strcmp(cmd, "stat") == 0 && argc == 0) {
    fprintf(stderr, "pddb: stat of the image needs --image IMAGE (the "
                    "server does not say)\n");
    return 1;
  } else if (connect_server() != 0) {
    return 1;
  }
  rc = 0;
  for (i = 0; i < unlocks.n && rc == 0; i++) {
    char *one[1] = { unlocks.names[i] };

    rc = cmd_basis("unlock", 1, one);
  }
  if (rc != 0)
    ;
  else if (found->run != NULL)
    rc = found->run(argc, argv);
  else
    rc = cmd_basis(cmd, argc, argv);
  if (eng != NULL) {
    /* A failed put leaves the image as it was: nothing more is synced. */
    if (put_failed) {
      pddb_abandon(eng);
    } else {
      err = pddb_close(eng);
      if (rc == 0)
        rc = report("close", err);
    }
  } else {
    xous_pddb_disconnect(&db);
  }
  return rc;
}
