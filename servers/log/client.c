/*
 * The log client API (xous_log(3)), part of libxous. Portable: <xous.h>,
 * the formatter in format.c.
 */
#include <string.h>

#include <xous.h>
#include <xous/log.h>

/* The connection, made once per process (xous_connect_cached). */
static uint32_t log_cid;

static xous_error_t
conn(xous_cid_t *cid)
{
  return xous_connect_cached(xous_sid_from_name(XOUS_LOG_NAME), &log_cid, cid);
}

xous_error_t
xous_log_send_record(const xous_log_record_t *record)
{
  size_t status = 0, valid = 0;
  xous_cid_t cid;
  xous_error_t err;

  if (record == NULL)
    return XOUS_INVALID_ARGUMENT;
  err = conn(&cid);
  if (err != XOUS_OK)
    return err;
  err = xous_lend(cid, XOUS_LOG_OP_RECORD, record, sizeof *record, 0, 0,
                  &status, &valid);
  if (err == XOUS_OK && status != XOUS_OK)
    err = (xous_error_t)status;
  return err;
}

/* Copies at most max bytes of s into dst; returns the count. */
static uint32_t
copy_text(uint8_t *dst, size_t max, const char *s)
{
  size_t n = 0;

  if (s == NULL)
    return 0;
  while (n < max && s[n] != '\0')
    n++;
  memcpy(dst, s, n);
  return (uint32_t)n;
}

static xous_error_t
vlog_at(xous_log_level_t level, const char *module, const char *file,
        uint32_t line, const char *fmt, va_list ap)
{
  xous_log_record_t rec;
  size_t n;

  memset(&rec, 0, sizeof rec);
  rec.level = (uint32_t)level;
  rec.line = line;
  rec.file_length = copy_text(rec.file, sizeof rec.file, file);
  rec.module_length = copy_text(rec.module, sizeof rec.module, module);
  /* Formatted in place; the NUL the formatter adds costs the last byte. */
  n = xous_log_format((char *)rec.args, sizeof rec.args, fmt, ap);
  if (n > sizeof rec.args - 1)
    n = sizeof rec.args - 1;
  rec.args_length = (uint32_t)n;
  return xous_log_send_record(&rec);
}

xous_error_t
xous_vlog(xous_log_level_t level, const char *module, const char *fmt,
          va_list ap)
{
  return vlog_at(level, module, NULL, 0, fmt, ap);
}

xous_error_t
xous_log(xous_log_level_t level, const char *module, const char *fmt, ...)
{
  xous_error_t err;
  va_list ap;

  va_start(ap, fmt);
  err = vlog_at(level, module, NULL, 0, fmt, ap);
  va_end(ap);
  return err;
}

xous_error_t
xous_log_at(xous_log_level_t level, const char *module, const char *file,
            uint32_t line, const char *fmt, ...)
{
  xous_error_t err;
  va_list ap;

  va_start(ap, fmt);
  err = vlog_at(level, module, file, line, fmt, ap);
  va_end(ap);
  return err;
}
