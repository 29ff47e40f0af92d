/*
 * Validation of log records from lent pages (record.h).
 */
#include <string.h>

#include "record.h"

/* Copies n bytes of text into dst (room for n + 1) and terminates it;
 * false when the text holds a NUL. */
static bool
take_text(char *dst, const uint8_t *src, uint32_t n)
{
  memcpy(dst, src, n);
  dst[n] = '\0';
  return memchr(dst, '\0', n) == NULL;
}

xous_error_t
log_record_read(const void *page, size_t len, struct log_entry *out)
{
  xous_log_record_t rec;

  if (page == NULL || len < sizeof rec)
    return XOUS_INVALID_ARGUMENT;
  /* SAFETY: the lender may still write a Borrow from another thread, so
   * the record is copied once here and only the copy is read below. */
  memcpy(&rec, page, sizeof rec);

  if (rec.level < XOUS_LOG_ERROR || rec.level > XOUS_LOG_TRACE)
    return XOUS_INVALID_ARGUMENT;
  if (rec.file_length > sizeof rec.file ||
      rec.module_length > sizeof rec.module ||
      rec.args_length > sizeof rec.args)
    return XOUS_INVALID_ARGUMENT;
  out->level = (xous_log_level_t)rec.level;
  out->line = rec.line;
  if (!take_text(out->file, rec.file, rec.file_length) ||
      !take_text(out->module, rec.module, rec.module_length) ||
      !take_text(out->text, rec.args, rec.args_length))
    return XOUS_INVALID_STRING;
  return XOUS_OK;
}
