/*
 * lib/strtox.c - strtoul, strtoull, strtol and strtoll of Skiff's freestanding
 * libc subset (libc/stdlib.h), with C semantics except that there is no errno:
 * out-of-range values saturate, and an invalid base parses nothing.
 */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>

/* The result of parse(): a magnitude, its sign, and whether it went past the limit. */
struct number {
    unsigned long long mag;
    int neg;
    int overflow;
};

/* The value of digit c in bases up to 36, or 36 if it is no digit at all. */
static int digit_value(unsigned char c)
{
    if (isdigit(c))
        return c - '0';
    if (isalpha(c))
        return tolower(c) - 'a' + 10;
    return 36;
}

/* Skips leading whitespace and an optional sign. */
static const char *skip_sign(const char *p, int *neg)
{
    while (isspace((unsigned char)*p))
        p++;
    *neg = *p == '-';
    if (*p == '-' || *p == '+')
        p++;
    return p;
}

/* Resolves base 0 and skips a 0x prefix, but only if a hex digit follows it. */
static const char *skip_prefix(const char *p, int *base)
{
    int hex = p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && isxdigit((unsigned char)p[2]);

    if (hex && (*base == 0 || *base == 16)) {
        *base = 16;
        return p + 2;
    }
    if (*base == 0)
        *base = p[0] == '0' ? 8 : 10;
    return p;
}

/* Appends digit d; past lim the number sticks at overflow. */
static void add_digit(struct number *n, int d, int base, unsigned long long lim)
{
    if (n->overflow || n->mag > (lim - d) / base)
        n->overflow = 1;
    else
        n->mag = n->mag * base + d;
}

/* Parses s as the strto* functions do; magnitudes above lim_pos (lim_neg if negative) overflow. */
static struct number parse(const char *s, char **end, int base, unsigned long long lim_pos,
                           unsigned long long lim_neg)
{
    struct number n = {0, 0, 0};
    const char *p = skip_sign(s, &n.neg);
    const char *digits;

    if (base < 0 || base == 1 || base > 36) {
        if (end)
            *end = (char *)s;
        return n;
    }
    p = digits = skip_prefix(p, &base);
    for (; digit_value(*p) < base; p++)
        add_digit(&n, digit_value(*p), base, n.neg ? lim_neg : lim_pos);
    if (end)
        *end = (char *)(p == digits ? s : p);
    return n;
}

/* An unsigned result: negatives wrap around as in C, overflow gives max. */
static unsigned long long to_unsigned(struct number n, unsigned long long max)
{
    if (n.overflow)
        return max;
    return n.neg ? -n.mag : n.mag;
}

/* A signed result, n.mag being at most -min for negatives and max otherwise. */
static long long to_signed(struct number n, long long min, long long max)
{
    if (n.overflow)
        return n.neg ? min : max;
    if (!n.neg || n.mag == 0)
        return (long long)n.mag;
    return -(long long)(n.mag - 1) - 1;
}

unsigned long strtoul(const char *restrict s, char **restrict end, int base)
{
    struct number n = parse(s, end, base, ULONG_MAX, ULONG_MAX);

    return to_unsigned(n, ULONG_MAX);
}

unsigned long long strtoull(const char *restrict s, char **restrict end, int base)
{
    struct number n = parse(s, end, base, ULLONG_MAX, ULLONG_MAX);

    return to_unsigned(n, ULLONG_MAX);
}

long strtol(const char *restrict s, char **restrict end, int base)
{
    struct number n = parse(s, end, base, LONG_MAX, LONG_MAX + 1UL);

    return to_signed(n, LONG_MIN, LONG_MAX);
}

long long strtoll(const char *restrict s, char **restrict end, int base)
{
    struct number n = parse(s, end, base, LLONG_MAX, LLONG_MAX + 1ULL);

    return to_signed(n, LLONG_MIN, LLONG_MAX);
}
