/*
 * Names and texts of errors and syscalls, and how an error code travels in
 * a result word. Everything here comes from the X-macro lists in
 * <xous/error_list.h> and <xous/syscall_list.h>, so no number is written
 * twice.
 */
#include "internal.h"

/*
 * XOUS_ERROR_COUNT and XOUS_SYSCALL_COUNT are written by hand in
 * <xous/types.h>. Every listed number must lie below the count and one of
 * them must equal count - 1, so the count is exactly one past the last
 * code. Duplicated numbers do not compile either: an error's slot in
 * error_words below set twice is an override the build refuses
 * (-Woverride-init, part of -Wextra), a syscall's repeated case label in
 * xous_syscall_name() an error.
 */
#define BELOW_ERROR_COUNT_(name, num, xname, text)                            \
  _Static_assert((num) < XOUS_ERROR_COUNT,                                    \
                 "error " xname " is not below XOUS_ERROR_COUNT");
XOUS_ERROR_MAP(BELOW_ERROR_COUNT_)
#undef BELOW_ERROR_COUNT_

#define IS_LAST_ERROR_(name, num, xname, text) || (num) == XOUS_ERROR_COUNT - 1
_Static_assert(0 XOUS_ERROR_MAP(IS_LAST_ERROR_),
               "XOUS_ERROR_COUNT is not one past the last error code");
#undef IS_LAST_ERROR_

#define BELOW_SYSCALL_COUNT_(name, num, xname)                                \
  _Static_assert((num) < XOUS_SYSCALL_COUNT,                                  \
                 "syscall " xname " is not below XOUS_SYSCALL_COUNT");
XOUS_SYSCALL_MAP(BELOW_SYSCALL_COUNT_)
#undef BELOW_SYSCALL_COUNT_

#define IS_LAST_SYSCALL_(name, num, xname) || (num) == XOUS_SYSCALL_COUNT - 1
_Static_assert(0 XOUS_SYSCALL_MAP(IS_LAST_SYSCALL_),
               "XOUS_SYSCALL_COUNT is not one past the last syscall");
#undef IS_LAST_SYSCALL_

/* UnknownError's code is the kernel's, but it never travels as 22. */
_Static_assert(XOUS_UNKNOWN_ERROR == 22, "UnknownError is 22");

/* An error's name and text, by its code; a code the list skips has
 * neither. */
static const struct {
  const char *name, *text;
} error_words[XOUS_ERROR_COUNT] = {
#define ERROR_WORDS_(name, num, xname, text) [num] = { xname, text },
  XOUS_ERROR_MAP(ERROR_WORDS_)
#undef ERROR_WORDS_
};

static bool
listed(xous_error_t err)
{
  return (unsigned)err < XOUS_ERROR_COUNT && error_words[err].name != NULL;
}

const char *
xous_strerror(xous_error_t err)
{
  /* A value outside the list is what the kernel would call UnknownError. */
  return listed(err) ? error_words[err].text : "unknown error";
}

const char *
xous_error_name(xous_error_t err)
{
  return listed(err) ? error_words[err].name : "UnknownError";
}

const char *
xous_syscall_name(xous_word_t nr)
{
  switch (nr) {
#define SYSCALL_CASE_(name, num, xname)                                       \
  case XOUS_SYSCALL_##name:                                                   \
    return xname;
    XOUS_SYSCALL_MAP(SYSCALL_CASE_)
#undef SYSCALL_CASE_
  default:
    break;
  }
  return NULL;
}

xous_word_t
xous__error_word(xous_error_t err)
{
  /* The kernel writes UnknownError as all ones in 32 bits, never as 22;
   * a code outside the list can only be sent as UnknownError. */
  if (err == XOUS_UNKNOWN_ERROR || (unsigned)err >= XOUS_ERROR_COUNT)
    return XOUS_UNKNOWN_ERROR_WORD;
  return (xous_word_t)err;
}
