/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * <xous/log.h>: the log server and its client API; see xous_log(3) and
 * xous-log(8).
 *
 * The server lives at the well-known SID made from "xous-log-server "
 * (16 bytes: the name ends in a space). Opcodes, as the Xous log server's:
 *
 *  op  name            kind          payload
 *   0  LogRecord       Lend          one page holding an xous_log_record_t
 *   1  StandardOutput  Lend          raw bytes, valid = their count
 *   2  StandardError   Lend          raw bytes, valid = their count
 *
 * The server answers a lend it served with offset and valid as they were
 * sent (the real log server's answer; the client sends offset 0, which
 * reads as XOUS_OK), or with offset a Xous error code and valid 0 when
 * it rejected the message (InvalidArgument: a length out of bounds,
 * an unknown level, a buffer too small). The sender's PID is taken from
 * the message envelope, never from the payload.
 */
#ifndef XOUS_LOG_H
#define XOUS_LOG_H

#include <stdarg.h>

#include <xous/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define XOUS_LOG_NAME "xous-log-server "

enum {
  XOUS_LOG_OP_RECORD = 0,
  XOUS_LOG_OP_STDOUT = 1,
  XOUS_LOG_OP_STDERR = 2,
  /* Rust std's panic output, as Scalars (xous-api-log): PanicStarted,
   * then the text in pieces, PANIC_MESSAGE0 + n carrying n bytes packed
   * little-endian into arg1..arg4 (n up to 4 words' bytes: 16 on rv32,
   * 32 on a 64-bit desktop), then PanicFinished. */
  XOUS_LOG_OP_PANIC_STARTED = 1000,
  XOUS_LOG_OP_PANIC_MESSAGE0 = 1100,
  XOUS_LOG_OP_PANIC_MESSAGE_LAST = 1132,
  XOUS_LOG_OP_PANIC_FINISHED = 1200,
};

/* Levels, numbered as Rust's log::Level (which Xous sends). */
typedef enum {
  XOUS_LOG_ERROR = 1,
  XOUS_LOG_WARN = 2,
  XOUS_LOG_INFO = 3,
  XOUS_LOG_DEBUG = 4,
  XOUS_LOG_TRACE = 5,
} xous_log_level_t;

#define XOUS_LOG_FILE_MAX 128
#define XOUS_LOG_MODULE_MAX 128
#define XOUS_LOG_TEXT_MAX 3820

/*
 * One record: exactly one page, laid out as Xous's api::LogRecord (repr C),
 * word by word:
 *
 *  offset  size  field
 *       0     4  file_length   bytes used in file (<= 128)
 *       4   128  file          source file, not NUL terminated
 *     132     4  line          source line, 0 = none
 *     136     4  module_length bytes used in module (<= 128)
 *     140   128  module        module name, not NUL terminated
 *     268     4  level         an xous_log_level_t (1..5)
 *     272     4  args_length   bytes used in args (<= 3820)
 *     276  3820  args          the message text, not NUL terminated
 */
typedef struct {
  uint32_t file_length;
  uint8_t file[XOUS_LOG_FILE_MAX];
  uint32_t line;
  uint32_t module_length;
  uint8_t module[XOUS_LOG_MODULE_MAX];
  uint32_t level;
  uint32_t args_length;
  uint8_t args[XOUS_LOG_TEXT_MAX];
} xous_log_record_t;

XOUS_STATIC_ASSERT(sizeof(xous_log_record_t) == XOUS_PAGE_SIZE,
                   "a log record is one page");
XOUS_STATIC_ASSERT(offsetof(xous_log_record_t, line) == 132, "LogRecord.line");
XOUS_STATIC_ASSERT(offsetof(xous_log_record_t, module_length) == 136,
                   "LogRecord.module_length");
XOUS_STATIC_ASSERT(offsetof(xous_log_record_t, level) == 268,
                   "LogRecord.level");
XOUS_STATIC_ASSERT(offsetof(xous_log_record_t, args) == 276, "LogRecord.args");

/*
 * Sends one record: fmt is formatted with a small freestanding formatter
 * (%d %i %u %x %X %o %c %s %p %%, the length modifiers hh h l ll z j t,
 * flags - 0 + space #, a width and a precision, * for either); text past
 * XOUS_LOG_TEXT_MAX bytes is cut. module may be NULL. Connects to the log
 * server on first use (waiting until it exists). Returns XOUS_OK or the
 * error of the send or of the server.
 */
xous_error_t xous_log(xous_log_level_t level, const char *module,
                      const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
xous_error_t xous_vlog(xous_log_level_t level, const char *module,
                       const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
/* As xous_log(), also recording the source file and line. */
xous_error_t xous_log_at(xous_log_level_t level, const char *module,
                         const char *file, uint32_t line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Sends a record built by the caller, as it is. */
xous_error_t xous_log_send_record(const xous_log_record_t *record);

/* Formats into buf (size bytes, always NUL terminated when size > 0) with
 * the formatter described above; returns the length the whole text would
 * have, as snprintf() does. */
size_t xous_log_format(char *buf, size_t size, const char *fmt, va_list ap);

/* The module name the macros below use: define it before including this
 * header to name your module; the default is the source file's name. */
#ifndef XOUS_LOG_MODULE
#define XOUS_LOG_MODULE __FILE__
#endif

#define xous_log_error(...)                                                   \
  xous_log_at(XOUS_LOG_ERROR, XOUS_LOG_MODULE, __FILE__, __LINE__, __VA_ARGS__)
#define xous_log_warn(...)                                                    \
  xous_log_at(XOUS_LOG_WARN, XOUS_LOG_MODULE, __FILE__, __LINE__, __VA_ARGS__)
#define xous_log_info(...)                                                    \
  xous_log_at(XOUS_LOG_INFO, XOUS_LOG_MODULE, __FILE__, __LINE__, __VA_ARGS__)
#define xous_log_debug(...)                                                   \
  xous_log_at(XOUS_LOG_DEBUG, XOUS_LOG_MODULE, __FILE__, __LINE__, __VA_ARGS__)
#define xous_log_trace(...)                                                   \
  xous_log_at(XOUS_LOG_TRACE, XOUS_LOG_MODULE, __FILE__, __LINE__, __VA_ARGS__)

#ifdef __cplusplus
}
#endif

#endif /* XOUS_LOG_H */
