/*
 * Reading a log record out of a lent page: copied once, validated, and
 * turned into NUL-terminated strings the terminal can print.
 */
#ifndef LOG_RECORD_H
#define LOG_RECORD_H

#include <xous.h>
#include <xous/log.h>

struct log_entry {
  xous_log_level_t level;
  uint32_t line;
  char file[XOUS_LOG_FILE_MAX + 1];
  char module[XOUS_LOG_MODULE_MAX + 1];
  char text[XOUS_LOG_TEXT_MAX + 1];
};

/* Fills *out from the len bytes at page (a lent buffer). Returns XOUS_OK,
 * or InvalidArgument (too small, a length out of bounds, an unknown
 * level) or InvalidString (a NUL inside a text). */
xous_error_t log_record_read(const void *page, size_t len,
                             struct log_entry *out);

#endif /* LOG_RECORD_H */
