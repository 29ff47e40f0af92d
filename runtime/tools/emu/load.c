/*
 * Loads an rv32 Xous ELF as the Xous loader would: every PT_LOAD segment
 * at its own address, zero-filled past the file's bytes (so .bss is
 * zero), and a stack that ends at 0x8000_0000 with the parameter block
 * at its top. All of it is memory from the hosted backend (MapMemory), so
 * that the guest may lend any page-aligned part of it.
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static int
load_segment(const uint8_t *file, size_t size, const Elf32_Phdr *ph)
{
  uint32_t lo = ph->p_vaddr & ~(uint32_t)(PAGE - 1);
  uint64_t hi = ROUND_UP((uint64_t)ph->p_vaddr + ph->p_memsz);
  uint32_t perms = UC_PROT_READ;
  uint8_t *host;

  if (ph->p_filesz > ph->p_memsz || ph->p_offset > size ||
      ph->p_filesz > size - ph->p_offset || hi > EMU_HEAP_BASE || lo == 0) {
    fprintf(stderr, "xous-emu: %s: bad segment at 0x%08x\n", emu_program,
            (unsigned)ph->p_vaddr);
    return -1;
  }
  if (hi == lo)
    return 0;
  host = host_pages((size_t)(hi - lo));
  if (host == NULL)
    return -1;
  memcpy(host + (ph->p_vaddr - lo), file + ph->p_offset, ph->p_filesz);
  if (ph->p_flags & PF_W)
    perms |= UC_PROT_WRITE;
  if (ph->p_flags & PF_X)
    perms |= UC_PROT_EXEC;
  if (emu_map_add(lo, host, (size_t)(hi - lo), perms) != 0) {
    fprintf(stderr, "xous-emu: %s: segments share a page at 0x%08x\n",
            emu_program, (unsigned)lo);
    return -1;
  }
  return 0;
}

static void
put32(uint8_t *p, uint32_t v)
{
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}

/* The parameter block (ABI.md section 4): AppP, an empty EnvB, and ArgV
 * (u32 argc, then NUL-terminated strings), which runtime/riscv/start.c
 * reads. Returns its length, 0 when it does not fit. */
static size_t
build_params(uint8_t *buf, size_t cap, int argc, char **argv)
{
  size_t off = 16, args_at, i;

  if (cap < 64)
    return 0;
  memset(buf, 0, cap);
  memcpy(buf, "AppP", 4);
  put32(buf + 4, 8);
  put32(buf + 12, 3);
  memcpy(buf + off, "EnvB", 4);
  put32(buf + off + 4, 4); /* u16 count 0, two bytes of padding */
  off += 12;
  memcpy(buf + off, "ArgV", 4);
  args_at = off + 8;
  put32(buf + args_at, (uint32_t)argc);
  off = args_at + 4;
  for (i = 0; i < (size_t)argc; i++) {
    size_t n = strlen(argv[i]) + 1;

    if (off + n + 4 > cap)
      return 0;
    memcpy(buf + off, argv[i], n);
    off += n;
  }
  put32(buf + args_at - 4, (uint32_t)(off - args_at));
  off = (off + 3) & ~(size_t)3;
  put32(buf + 8, (uint32_t)off);
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
         uint32_t *sp, uint32_t *params)
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
      eh->e_type != ET_EXEC || eh->e_phentsize != sizeof(Elf32_Phdr) ||
      eh->e_phoff > size ||
      (size - eh->e_phoff) / sizeof(Elf32_Phdr) < eh->e_phnum) {
    fprintf(stderr, "xous-emu: %s: not an rv32 executable ELF file\n", path);
    goto out;
  }
  for (unsigned i = 0; i < eh->e_phnum; i++) {
    Elf32_Phdr ph;

    memcpy(&ph, file + eh->e_phoff + i * sizeof(ph), sizeof(ph));
    if (ph.p_type == PT_LOAD && load_segment(file, size, &ph) != 0)
      goto out;
  }
  if (make_stack(argc, argv, sp, params) != 0)
    goto out;
  *entry = eh->e_entry;
  rc = 0;
out:
  free(file);
  return rc;
}
