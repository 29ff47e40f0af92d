/*
 * A small printf for log records (xous_log_format, xous_log(3)): no libc,
 * no floating point, no allocation, so it builds for the device.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <xous/log.h>

struct out {
  char *buf;
  size_t size; /* room in buf, NUL included */
  size_t len;  /* the length the text would have */
};

static void
put(struct out *o, char c)
{
  if (o->len + 1 < o->size)
    o->buf[o->len] = c;
  o->len++;
}

static void
pad(struct out *o, char c, size_t n)
{
  while (n-- > 0)
    put(o, c);
}

struct spec {
  int left, zero, plus, space, alt;
  size_t width;
  int prec; /* -1 = none */
};

/* Writes s (n bytes) in a field of the spec's width. */
static void
field(struct out *o, const struct spec *sp, const char *s, size_t n)
{
  size_t fill = sp->width > n ? sp->width - n : 0;
  size_t i;

  if (!sp->left)
    pad(o, ' ', fill);
  for (i = 0; i < n; i++)
    put(o, s[i]);
  if (sp->left)
    pad(o, ' ', fill);
}

/* Writes an integer: magnitude v, a sign character (0 = none), in base. */
static void
number(struct out *o, const struct spec *sp, uintmax_t v, char sign,
       unsigned base, int upper, const char *prefix)
{
  const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  char tmp[64];
  size_t n = 0, plen = prefix != NULL ? strlen(prefix) : 0;
  size_t zeros = 0, body, fill;

  while (v != 0) {
    tmp[n++] = digits[v % base];
    v /= base;
  }
  if (sp->prec >= 0) {
    if ((size_t)sp->prec > n)
      zeros = (size_t)sp->prec - n;
  } else if (n == 0) {
    zeros = 1;
  }
  body = n + zeros + plen + (sign != 0);
  fill = sp->width > body ? sp->width - body : 0;
  if (sp->zero && !sp->left && sp->prec < 0) {
    zeros += fill;
    fill = 0;
  }
  if (!sp->left)
    pad(o, ' ', fill);
  if (sign != 0)
    put(o, sign);
  while (plen-- > 0)
    put(o, *prefix++);
  pad(o, '0', zeros);
  while (n > 0)
    put(o, tmp[--n]);
  if (sp->left)
    pad(o, ' ', fill);
}

enum length {
  L_INT,
  L_CHAR,
  L_SHORT,
  L_LONG,
  L_LLONG,
  L_SIZE,
  L_MAX,
  L_PTRDIFF
};

static uintmax_t
get_unsigned(va_list *ap, enum length len)
{
  switch (len) {
  case L_CHAR:
    return (unsigned char)va_arg(*ap, unsigned);
  case L_SHORT:
    return (unsigned short)va_arg(*ap, unsigned);
  case L_LONG:
    return va_arg(*ap, unsigned long);
  case L_LLONG:
    return va_arg(*ap, unsigned long long);
  case L_SIZE:
    return va_arg(*ap, size_t);
  case L_MAX:
    return va_arg(*ap, uintmax_t);
  case L_PTRDIFF:
    return (uintmax_t)va_arg(*ap, ptrdiff_t);
  default:
    return va_arg(*ap, unsigned);
  }
}

static intmax_t
get_signed(va_list *ap, enum length len)
{
  switch (len) {
  case L_CHAR:
    return (signed char)va_arg(*ap, int);
  case L_SHORT:
    return (short)va_arg(*ap, int);
  case L_LONG:
    return va_arg(*ap, long);
  case L_LLONG:
    return va_arg(*ap, long long);
  case L_SIZE:
    /* The signed type of size_t's width. */
    return (intmax_t)(ptrdiff_t)va_arg(*ap, size_t);
  case L_MAX:
    return va_arg(*ap, intmax_t);
  case L_PTRDIFF:
    return va_arg(*ap, ptrdiff_t);
  default:
    return va_arg(*ap, int);
  }
}

/* Parses one conversion after '%' at *pf and writes it. */
static void
convert(struct out *o, const char **pf, va_list *ap)
{
  const char *f = *pf;
  struct spec sp = { 0, 0, 0, 0, 0, 0, -1 };
  enum length len = L_INT;

  for (;; f++) {
    if (*f == '-')
      sp.left = 1;
    else if (*f == '0')
      sp.zero = 1;
    else if (*f == '+')
      sp.plus = 1;
    else if (*f == ' ')
      sp.space = 1;
    else if (*f == '#')
      sp.alt = 1;
    else
      break;
  }
  if (*f == '*') {
    int w = va_arg(*ap, int);

    if (w < 0) {
      sp.left = 1;
      w = -w;
    }
    sp.width = (size_t)w;
    f++;
  } else {
    while (*f >= '0' && *f <= '9')
      sp.width = sp.width * 10 + (size_t)(*f++ - '0');
  }
  if (*f == '.') {
    f++;
    sp.prec = 0;
    if (*f == '*') {
      sp.prec = va_arg(*ap, int);
      f++;
    } else {
      while (*f >= '0' && *f <= '9')
        sp.prec = sp.prec * 10 + (*f++ - '0');
    }
  }
  switch (*f) {
  case 'h':
    len = f[1] == 'h' ? L_CHAR : L_SHORT;
    f += f[1] == 'h' ? 2 : 1;
    break;
  case 'l':
    len = f[1] == 'l' ? L_LLONG : L_LONG;
    f += f[1] == 'l' ? 2 : 1;
    break;
  case 'z':
    len = L_SIZE;
    f++;
    break;
  case 'j':
    len = L_MAX;
    f++;
    break;
  case 't':
    len = L_PTRDIFF;
    f++;
    break;
  default:
    break;
  }

  switch (*f) {
  case 'd':
  case 'i': {
    intmax_t v = get_signed(ap, len);
    uintmax_t mag = v < 0 ? (uintmax_t)0 - (uintmax_t)v : (uintmax_t)v;
    char sign = v < 0 ? '-' : sp.plus ? '+' : sp.space ? ' ' : 0;

    number(o, &sp, mag, sign, 10, 0, NULL);
    break;
  }
  case 'u':
    number(o, &sp, get_unsigned(ap, len), 0, 10, 0, NULL);
    break;
  case 'x':
  case 'X': {
    uintmax_t v = get_unsigned(ap, len);

    number(o, &sp, v, 0, 16, *f == 'X',
           sp.alt && v != 0 ? (*f == 'X' ? "0X" : "0x") : NULL);
    break;
  }
  case 'o': {
    uintmax_t v = get_unsigned(ap, len);

    number(o, &sp, v, 0, 8, 0, sp.alt && v != 0 ? "0" : NULL);
    break;
  }
  case 'p': {
    void *p = va_arg(*ap, void *);

    number(o, &sp, (uintmax_t)(uintptr_t)p, 0, 16, 0, "0x");
    break;
  }
  case 'c': {
    char c = (char)va_arg(*ap, int);

    field(o, &sp, &c, 1);
    break;
  }
  case 's': {
    const char *s = va_arg(*ap, const char *);
    size_t n = 0;

    if (s == NULL)
      s = "(null)";
    while (s[n] != '\0' && (sp.prec < 0 || n < (size_t)sp.prec))
      n++;
    field(o, &sp, s, n);
    break;
  }
  case '%':
    put(o, '%');
    break;
  case '\0':
    /* A lone '%' at the end: print it, stop at the NUL. */
    put(o, '%');
    *pf = f;
    return;
  default:
    /* Unknown: print the conversion as written. */
    put(o, '%');
    put(o, *f);
    break;
  }
  *pf = f + 1;
}

size_t
xous_log_format(char *buf, size_t size, const char *fmt, va_list ap)
{
  struct out o = { buf, size, 0 };
  va_list aq;

  va_copy(aq, ap);
  while (fmt != NULL && *fmt != '\0') {
    if (*fmt != '%') {
      put(&o, *fmt++);
      continue;
    }
    fmt++;
    convert(&o, &fmt, &aq);
  }
  va_end(aq);
  if (size > 0)
    buf[o.len < size ? o.len : size - 1] = '\0';
  return o.len;
}
