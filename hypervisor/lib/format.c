/*
 * lib/format.c - printf-style formatting of Skiff's freestanding libc subset
 * (libc/stdio.h): the vformat engine, which hands its output to a callback,
 * and vsnprintf/snprintf on top of it.
 *
 * Differences from C: %p of NULL prints "0x0"; %s of NULL prints "(null)"
 * (cut short by a precision like any string); l on %c and %s is ignored; %n
 * and unknown conversions are printed as they stand. Floating point
 * conversions (%f %F %e %E %g %G %a %A) print "?" padded to the field width
 * and do NOT consume their argument: the hypervisor is built with
 * -mgeneral-regs-only, where va_arg(ap, double) cannot be compiled. Callers
 * must not pass floating point arguments (any argument after one is misread).
 */
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum {
    F_LEFT = 1,  /* - */
    F_ZERO = 2,  /* 0 */
    F_PLUS = 4,  /* + */
    F_SPACE = 8, /* space */
    F_ALT = 16,  /* # */
};

enum length { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_T, LEN_J };

/* One parsed conversion specification. */
struct spec {
    unsigned flags;
    size_t width;
    int prec; /* -1: none given */
    enum length len;
    char conv;
};

/* A formatted field before padding: prefix (sign, 0x), zeros, then body. */
struct field {
    const char *prefix;
    size_t prefix_len;
    size_t zeros;
    const char *body;
    size_t body_len;
    int zero_fill; /* the 0 flag may pad with zeros after the prefix */
};

/* Where output goes, and how much of it there has been. */
struct out {
    format_emit_fn *emit;
    void *ctx;
    size_t count;
};

static void put(struct out *o, const char *s, size_t n)
{
    if (n) {
        o->emit(o->ctx, s, n);
        o->count += n;
    }
}

/* Puts n copies of c, which is ' ' or '0'. */
static void put_fill(struct out *o, char c, size_t n)
{
    static const char spaces[] = "                ";
    static const char zeros[] = "0000000000000000";
    const size_t chunk = sizeof(spaces) - 1;

    for (; n > chunk; n -= chunk)
        put(o, c == ' ' ? spaces : zeros, chunk);
    put(o, c == ' ' ? spaces : zeros, n);
}

/* Puts a field padded with spaces (or zeros) to the field width. */
static void put_field(struct out *o, const struct spec *sp, const struct field *f)
{
    size_t len = f->prefix_len + f->zeros + f->body_len;
    size_t pad = sp->width > len ? sp->width - len : 0;
    size_t zeros = f->zeros;
    int left = sp->flags & F_LEFT;

    if (f->zero_fill && !left) {
        zeros += pad;
        pad = 0;
    }
    if (!left)
        put_fill(o, ' ', pad);
    put(o, f->prefix, f->prefix_len);
    put_fill(o, '0', zeros);
    put(o, f->body, f->body_len);
    if (left)
        put_fill(o, ' ', pad);
}

/* Puts n bytes of text as a field (for %s, %c and the like). */
static void put_text(struct out *o, const struct spec *sp, const char *s, size_t n)
{
    struct field f = {"", 0, 0, s, n, 0};

    put_field(o, sp, &f);
}

/* Writes v in base 8, 10 or 16 so that it ends just before end; returns its start. */
static char *digits_of(char *end, uintmax_t v, unsigned base, int upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";

    do {
        *--end = digits[v % base];
        v /= base;
    } while (v);
    return end;
}

static unsigned base_of(char conv)
{
    if (conv == 'o')
        return 8;
    if (conv == 'x' || conv == 'X' || conv == 'p')
        return 16;
    return 10;
}

/* Puts an integer conversion of magnitude v; sign is 0, '-', '+' or ' '. */
static void put_integer(struct out *o, const struct spec *sp, uintmax_t v, char sign)
{
    char prefix[3], buf[3 * sizeof(uintmax_t)];
    char *end = buf + sizeof(buf);
    unsigned base = base_of(sp->conv);
    struct field f = {prefix, 0, 0, end, 0, (sp->flags & F_ZERO) && sp->prec < 0};

    if (sign)
        prefix[f.prefix_len++] = sign;
    if (base == 16 && ((sp->flags & F_ALT && v) || sp->conv == 'p')) {
        prefix[f.prefix_len++] = '0';
        prefix[f.prefix_len++] = sp->conv == 'X' ? 'X' : 'x';
    }
    if (v || sp->prec != 0)
        f.body = digits_of(end, v, base, sp->conv == 'X');
    f.body_len = end - f.body;
    if (sp->prec > 0 && (size_t)sp->prec > f.body_len)
        f.zeros = sp->prec - f.body_len;
    /* # on %o: the first digit printed must be a 0. */
    if (base == 8 && (sp->flags & F_ALT) && !f.zeros && (!f.body_len || f.body[0] != '0'))
        f.zeros = 1;
    put_field(o, sp, &f);
}

static intmax_t fetch_signed(const struct spec *sp, va_list *ap)
{
    switch (sp->len) {
    case LEN_HH:
        return (signed char)va_arg(*ap, int);
    case LEN_H:
        return (short)va_arg(*ap, int);
    case LEN_L:
        return va_arg(*ap, long);
    case LEN_LL:
        return va_arg(*ap, long long);
    case LEN_Z:
        return (ptrdiff_t)va_arg(*ap, size_t);
    case LEN_T:
        return va_arg(*ap, ptrdiff_t);
    case LEN_J:
        return va_arg(*ap, intmax_t);
    default:
        return va_arg(*ap, int);
    }
}

static uintmax_t fetch_unsigned(const struct spec *sp, va_list *ap)
{
    switch (sp->len) {
    case LEN_HH:
        return (unsigned char)va_arg(*ap, unsigned);
    case LEN_H:
        return (unsigned short)va_arg(*ap, unsigned);
    case LEN_L:
        return va_arg(*ap, unsigned long);
    case LEN_LL:
        return va_arg(*ap, unsigned long long);
    case LEN_Z:
        return va_arg(*ap, size_t);
    case LEN_T:
        return (size_t)va_arg(*ap, ptrdiff_t);
    case LEN_J:
        return va_arg(*ap, uintmax_t);
    default:
        return va_arg(*ap, unsigned);
    }
}

static void put_signed(struct out *o, const struct spec *sp, va_list *ap)
{
    intmax_t v = fetch_signed(sp, ap);
    uintmax_t mag = v < 0 ? -(uintmax_t)v : (uintmax_t)v;
    char sign = v < 0 ? '-' : sp->flags & F_PLUS ? '+' : sp->flags & F_SPACE ? ' ' : 0;

    put_integer(o, sp, mag, sign);
}

static void put_string(struct out *o, const struct spec *sp, va_list *ap)
{
    const char *s = va_arg(*ap, const char *);

    if (!s)
        s = "(null)";
    put_text(o, sp, s, sp->prec < 0 ? strlen(s) : strnlen(s, sp->prec));
}

static void put_char(struct out *o, const struct spec *sp, va_list *ap)
{
    char c = (char)va_arg(*ap, int);

    put_text(o, sp, &c, 1);
}

static const char *parse_flags(const char *p, struct spec *sp)
{
    for (;; p++) {
        switch (*p) {
        case '-':
            sp->flags |= F_LEFT;
            break;
        case '0':
            sp->flags |= F_ZERO;
            break;
        case '+':
            sp->flags |= F_PLUS;
            break;
        case ' ':
            sp->flags |= F_SPACE;
            break;
        case '#':
            sp->flags |= F_ALT;
            break;
        default:
            return p;
        }
    }
}

/* Reads a decimal number, saturating at INT_MAX. */
static const char *parse_decimal(const char *p, int *v)
{
    for (*v = 0; *p >= '0' && *p <= '9'; p++)
        *v = *v > (INT_MAX - 9) / 10 ? INT_MAX : *v * 10 + (*p - '0');
    return p;
}

/* Field width: digits, or * taking an int (negative means the - flag). */
static const char *parse_width(const char *p, struct spec *sp, va_list *ap)
{
    int w;

    if (*p == '*') {
        w = va_arg(*ap, int);
        p++;
    } else {
        p = parse_decimal(p, &w);
    }
    if (w < 0) {
        sp->flags |= F_LEFT;
        w = w == INT_MIN ? INT_MAX : -w;
    }
    sp->width = w;
    return p;
}

/* Precision: . followed by digits (none means 0), or .* taking an int (negative means none). */
static const char *parse_precision(const char *p, struct spec *sp, va_list *ap)
{
    sp->prec = -1;
    if (*p != '.')
        return p;
    p++;
    if (*p != '*')
        return parse_decimal(p, &sp->prec);
    sp->prec = va_arg(*ap, int);
    if (sp->prec < 0)
        sp->prec = -1;
    return p + 1;
}

static const char *parse_length(const char *p, struct spec *sp)
{
    static const char one[] = "hlztjL";
    static const enum length len[] = {LEN_H, LEN_L, LEN_Z, LEN_T, LEN_J, LEN_LL};
    const char *c = *p ? strchr(one, *p) : NULL;

    sp->len = LEN_NONE;
    if (!c)
        return p;
    sp->len = len[c - one];
    if ((*p == 'h' || *p == 'l') && p[1] == *p) {
        sp->len = *p == 'h' ? LEN_HH : LEN_LL;
        return p + 2;
    }
    return p + 1;
}

/* Parses the specification after a '%'; returns a pointer to its conversion character. */
static const char *parse_spec(const char *p, struct spec *sp, va_list *ap)
{
    sp->flags = 0;
    p = parse_flags(p, sp);
    p = parse_width(p, sp, ap);
    p = parse_precision(p, sp, ap);
    p = parse_length(p, sp);
    sp->conv = *p;
    return p;
}

/* Formats the conversion starting at the '%' at pct; returns where the text resumes. */
static const char *convert(struct out *o, const char *pct, va_list *ap)
{
    struct spec sp;
    const char *p = parse_spec(pct + 1, &sp, ap);

    switch (sp.conv) {
    case 'd':
    case 'i':
        put_signed(o, &sp, ap);
        break;
    case 'u':
    case 'o':
    case 'x':
    case 'X':
        put_integer(o, &sp, fetch_unsigned(&sp, ap), 0);
        break;
    case 'p':
        put_integer(o, &sp, (uintptr_t)va_arg(*ap, void *), 0);
        break;
    case 's':
        put_string(o, &sp, ap);
        break;
    case 'c':
        put_char(o, &sp, ap);
        break;
    case '%':
        put(o, "%", 1);
        break;
    case 'f':
    case 'F':
    case 'e':
    case 'E':
    case 'g':
    case 'G':
    case 'a':
    case 'A':
        put_text(o, &sp, "?", 1); /* the double is left in place, see above */
        break;
    case '\0':
        put(o, pct, p - pct); /* an unfinished specification at the end */
        return p;
    default:
        put(o, pct, p + 1 - pct);
        break;
    }
    return p + 1;
}

int vformat(format_emit_fn *emit, void *ctx, const char *fmt, va_list ap)
{
    struct out o = {emit, ctx, 0};
    va_list args;

    va_copy(args, ap);
    while (*fmt) {
        const char *p = fmt;

        while (*p && *p != '%')
            p++;
        put(&o, fmt, p - fmt);
        fmt = *p ? convert(&o, p, &args) : p;
    }
    va_end(args);
    return o.count > INT_MAX ? INT_MAX : (int)o.count;
}

/* The vsnprintf buffer: size bytes at buf, of which used are filled. */
struct sink {
    char *buf;
    size_t size;
    size_t used;
};

/* Stores what fits, keeping the last byte for the terminating NUL. */
static void emit_to_buffer(void *ctx, const char *s, size_t n)
{
    struct sink *k = ctx;
    size_t room;

    if (k->used + 1 >= k->size)
        return;
    room = k->size - 1 - k->used;
    if (n > room)
        n = room;
    memcpy(k->buf + k->used, s, n);
    k->used += n;
}

int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap)
{
    struct sink k = {buf, size, 0};
    int n = vformat(emit_to_buffer, &k, fmt, ap);

    if (size)
        buf[k.used] = '\0';
    return n;
}

int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
