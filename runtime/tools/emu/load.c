/*
 * Loads an rv32 Xous ELF as the Xous loader would load the image that
 * xous-core's tools/src/elf.rs makes of it: by sections, not segments
 * (every allocated section with a nonzero address, at its own address;
 * NOBITS ones zero-filled, so .bss is zero), with the .eh_frame address
 * for a0, and a stack that ends at 0x8000_0000 with the loader's
 * parameter block at its top. All of it is memory from the hosted
 * backend (MapMemory), so that the guest may lend any page-aligned part
 * of it.
 */
#include <elf.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/le.h"
#include "emu/emu.h"

#define PAGE XOUS_PAGE_SIZE
#define ROUND_UP(x) (((x) + PAGE - 1) & ~(uint64_t)(PAGE - 1))

static void *
host_pages(size_t len)
{
  xous_range_t r;

  if (xous_map_memory(0, 0, len, XOUS_MEM_R | XOUS_MEM_W, &r) != XOUS_OK)
    return NULL;
  return r.addr;
}

/* One run of pages that allocated sections share. */
struct region {
  uint32_t lo, hi;
  bool writable;
};

/* Whether section header sh is one the image tool takes: allocated, at a
 * nonzero address, not empty. */
static bool
taken(const Elf32_Shdr *sh)
{
  return (sh->sh_flags & SHF_ALLOC) != 0 && sh->sh_addr != 0 &&
         sh->sh_size != 0;
}

/* The section headers of file, checked to lie inside it; NULL when there
 * are none or they do not fit. */
static const uint8_t *
section_headers(const uint8_t *file, size_t size, const Elf32_Ehdr *eh)
{
  if (eh->e_shoff == 0 || eh->e_shnum == 0 ||
      eh->e_shentsize != sizeof(Elf32_Shdr) || eh->e_shoff > size ||
      (size - eh->e_shoff) / sizeof(Elf32_Shdr) < eh->e_shnum)
    return NULL;
  return file + eh->e_shoff;
}

/* Whether section sh is named name, by the section-name table. */
static bool
named(const uint8_t *file, size_t size, const Elf32_Ehdr *eh,
      const uint8_t *shdrs, const Elf32_Shdr *sh, const char *name)
{
  Elf32_Shdr names;
  size_t len = strlen(name) + 1;

  if (eh->e_shstrndx == SHN_UNDEF || eh->e_shstrndx >= eh->e_shnum)
    return false;
  memcpy(&names, shdrs + (size_t)eh->e_shstrndx * sizeof names, sizeof names);
  return names.sh_type != SHT_NOBITS && names.sh_offset <= size &&
         names.sh_size <= size - names.sh_offset &&
         sh->sh_name < names.sh_size && len <= names.sh_size - sh->sh_name &&
         memcmp(file + names.sh_offset + sh->sh_name, name, len) == 0;
}

/* Maps the allocated sections of file as the Xous loader maps an image
 * that tools/src/elf.rs made of them: every page a section touches, R+X,
 * and W too where a writable section lies; the bytes of each PROGBITS
 * section at its address, zeros for NOBITS. *eh_frame gets the address
 * of .eh_frame (0 when there is none). */
static int
load_sections(const uint8_t *file, size_t size, const Elf32_Ehdr *eh,
              uint32_t *eh_frame)
{
  const uint8_t *shdrs = section_headers(file, size, eh);
  struct region *regions;
  unsigned nregions = 0;
  int rc = -1;

  *eh_frame = 0;
  if (shdrs == NULL) {
    fprintf(stderr, "xous-emu: %s: no section headers to load by\n",
            emu_program);
    return -1;
  }
  regions = calloc(eh->e_shnum, sizeof *regions);
  if (regions == NULL)
    return -1;
  /* SAFETY: every header is copied out of the file and checked before
   * its address, size or offset is used. */
  for (unsigned i = 0; i < eh->e_shnum; i++) {
    Elf32_Shdr sh;
    uint32_t lo;
    uint64_t hi;
    unsigned k;

    memcpy(&sh, shdrs + (size_t)i * sizeof sh, sizeof sh);
    if (!taken(&sh))
      continue;
    lo = sh.sh_addr & ~(uint32_t)(PAGE - 1);
    hi = ROUND_UP((uint64_t)sh.sh_addr + sh.sh_size);
    if (hi > EMU_HEAP_BASE || lo < PAGE ||
        (sh.sh_type != SHT_NOBITS &&
         (sh.sh_offset > size || sh.sh_size > size - sh.sh_offset))) {
      fprintf(stderr, "xous-emu: %s: bad section at 0x%08x\n", emu_program,
              (unsigned)sh.sh_addr);
      goto out;
    }
    if (*eh_frame == 0 && named(file, size, eh, shdrs, &sh, ".eh_frame"))
      *eh_frame = sh.sh_addr;
    /* Sections that share a page share a region. */
    for (k = 0; k < nregions; k++)
      if (lo < regions[k].hi && hi > regions[k].lo)
        break;
    if (k == nregions)
      regions[nregions++] = (struct region){ lo, (uint32_t)hi, false };
    if (lo < regions[k].lo)
      regions[k].lo = lo;
    if (hi > regions[k].hi)
      regions[k].hi = (uint32_t)hi;
    regions[k].writable |= (sh.sh_flags & SHF_WRITE) != 0;
  }
  /* A region that grew may now overlap another: join them. */
  for (unsigned a = 0; a < nregions; a++)
    for (unsigned b = a + 1; b < nregions; b++)
      if (regions[b].lo < regions[a].hi && regions[b].hi > regions[a].lo) {
        if (regions[b].lo < regions[a].lo)
          regions[a].lo = regions[b].lo;
        if (regions[b].hi > regions[a].hi)
          regions[a].hi = regions[b].hi;
        regions[a].writable |= regions[b].writable;
        regions[b--] = regions[--nregions];
      }
  for (unsigned k = 0; k < nregions; k++) {
    size_t len = regions[k].hi - regions[k].lo;
    uint8_t *host = host_pages(len);
    uint32_t perms = UC_PROT_READ | UC_PROT_EXEC;

    if (regions[k].writable)
      perms |= UC_PROT_WRITE;
    if (host == NULL || emu_map_add(regions[k].lo, host, len, perms) != 0) {
      fprintf(stderr, "xous-emu: %s: cannot map 0x%08x\n", emu_program,
              (unsigned)regions[k].lo);
      goto out;
    }
  }
  for (unsigned i = 0; i < eh->e_shnum; i++) {
    Elf32_Shdr sh;

    memcpy(&sh, shdrs + (size_t)i * sizeof sh, sizeof sh);
    if (taken(&sh) && sh.sh_type != SHT_NOBITS)
      memcpy(emu_to_host(sh.sh_addr, sh.sh_size), file + sh.sh_offset,
             sh.sh_size);
  }
  rc = 0;
out:
  free(regions);
  return rc;
}

/* The parameter block as the loader writes it (ABI.md section 4), with
 * the arguments that the device's loader never passes: "AppP" (size 8:
 * the total length and the number of blocks), "EnvB" with no variables
 * (size 2: a u16 count of 0), then "ArgL" (a u16 count, then each
 * argument as a u16 length and its bytes), each block right after the
 * one before, with no padding, as Rust std's parser reads them. Returns
 * its length, 0 when it does not fit. */
static size_t
build_params(uint8_t *buf, size_t cap, int argc, char **argv)
{
  size_t off = 16, args_at, i;

  if (cap < 64 || argc > 0xffff)
    return 0;
  memset(buf, 0, cap);
  memcpy(buf, "AppP", 4);
  xous__le_store(buf + 4, 8, 4);
  xous__le_store(buf + 12, 3, 4);
  memcpy(buf + off, "EnvB", 4);
  xous__le_store(buf + off + 4, 2, 4);
  xous__le_store(buf + off + 8, 0, 2);
  off += 10;
  memcpy(buf + off, "ArgL", 4);
  args_at = off + 8;
  xous__le_store(buf + args_at, (uint32_t)argc, 2);
  off = args_at + 2;
  for (i = 0; i < (size_t)argc; i++) {
    size_t n = strlen(argv[i]);

    if (n > 0xffff || off + 2 + n > cap)
      return 0;
    xous__le_store(buf + off, (uint32_t)n, 2);
    memcpy(buf + off + 2, argv[i], n);
    off += 2 + n;
  }
  xous__le_store(buf + args_at - 4, (uint32_t)(off - args_at), 4);
  xous__le_store(buf + 8, (uint32_t)off, 4);
  return off;
}

static int
make_stack(int argc, char **argv, uint32_t *sp, uint32_t *params_at)
{
  uint8_t *host = host_pages(EMU_STACK_SIZE);
  uint8_t params[8192];
  size_t len;

  if (host == NULL)
    return -1;
  len = build_params(params, sizeof(params), argc, argv);
  if (len == 0) {
    fprintf(stderr, "xous-emu: %s: arguments too long\n", emu_program);
    return -1;
  }
  memcpy(host + EMU_STACK_SIZE - len, params, len);
  if (emu_map_add(EMU_STACK_TOP - EMU_STACK_SIZE, host, EMU_STACK_SIZE,
                  UC_PROT_READ | UC_PROT_WRITE) != 0)
    return -1;
  *sp = (uint32_t)((0x7ffffff0u - len) & ~15u);
  *params_at = EMU_STACK_TOP - (uint32_t)len;
  return 0;
}

static uint8_t *
read_file(const char *path, size_t *size)
{
  FILE *f = fopen(path, "rb");
  uint8_t *buf = NULL;
  long n;

  if (f == NULL)
    return NULL;
  if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 &&
      fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n)) != NULL &&
      fread(buf, 1, (size_t)n, f) != (size_t)n) {
    free(buf);
    buf = NULL;
  }
  if (buf != NULL)
    *size = (size_t)n;
  fclose(f);
  return buf;
}

int
emu_load(const char *path, int argc, char **argv, uint32_t *entry,
         uint32_t *sp, uint32_t *params, uint32_t *eh_frame)
{
  size_t size = 0;
  uint8_t *file = read_file(path, &size);
  const Elf32_Ehdr *eh = (const Elf32_Ehdr *)file;
  int rc = -1;

  if (file == NULL) {
    fprintf(stderr, "xous-emu: %s: %s\n", path, strerror(errno ? errno : EIO));
    return -1;
  }
  if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
      eh->e_ident[EI_CLASS] != ELFCLASS32 ||
      eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_machine != EM_RISCV ||
      eh->e_type != ET_EXEC) {
    fprintf(stderr, "xous-emu: %s: not an rv32 executable ELF file\n", path);
    goto out;
  }
  if (load_sections(file, size, eh, eh_frame) != 0)
    goto out;
  if (make_stack(argc, argv, sp, params) != 0)
    goto out;
  *entry = eh->e_entry;
  rc = 0;
out:
  free(file);
  return rc;
}
