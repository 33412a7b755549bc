/*
 * test_format.c - unit tests for hypervisor/lib/format.c: skiff_snprintf must
 * print what glibc's snprintf prints for every flag, width, precision and
 * length combination of the integer conversions, for strings, characters and
 * pointers, and must truncate and count like it; plus the documented
 * differences (NULL, floating point, unknown conversions) and vformat.
 */
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lib_test.h"
#include "skiff_lib_names.h"

typedef int snprintf_fn(char *restrict buf, size_t size, const char *restrict fmt, ...);

/* Hides a format string from gcc's format checking, for deliberately odd formats. */
static const char *unchecked(const char *fmt)
{
    return fmt;
}

/* Compares two outputs, which may contain NULs, and their return values. */
static void expect_same(const char *fmt, const char *want, int want_n, const char *got, int got_n)
{
    if (want_n != got_n || memcmp(want, got, want_n + 1) != 0)
        ck_abort_msg("format \"%s\": got \"%s\" (%d), want \"%s\" (%d)", fmt, got, got_n, want,
                     want_n);
}

/* Formats fmt with args through glibc and skiff into roomy buffers and compares. */
static __attribute__((format(printf, 1, 2))) void check_vs_glibc(const char *fmt, ...)
{
    char want[1024], got[1024];
    va_list ap, aq;
    int wn, gn;

    va_start(ap, fmt);
    va_copy(aq, ap);
    wn = vsnprintf(want, sizeof(want), fmt, ap);
    gn = skiff_vsnprintf(got, sizeof(got), fmt, aq);
    va_end(aq);
    va_end(ap);
    ck_assert_int_lt(wn, (int)sizeof(want));
    expect_same(fmt, want, wn, got, gn);
}

/* --- integers --- */

enum len { L_HH, L_H, L_NONE, L_L, L_LL, L_Z, L_T, L_J, L_COUNT };
static const char *const len_str[L_COUNT] = {"hh", "h", "", "l", "ll", "z", "t", "j"};

/* Calls fn with v converted to the argument type of length len. */
static int call_int(snprintf_fn *fn, char *buf, size_t size, const char *fmt, enum len len,
                    int is_signed, uint64_t v)
{
    switch (len) {
    case L_L:
        return is_signed ? fn(buf, size, fmt, (long)v) : fn(buf, size, fmt, (unsigned long)v);
    case L_LL:
        return is_signed ? fn(buf, size, fmt, (long long)v)
                         : fn(buf, size, fmt, (unsigned long long)v);
    case L_Z:
        return fn(buf, size, fmt, (size_t)v);
    case L_T:
        return fn(buf, size, fmt, (ptrdiff_t)v);
    case L_J:
        return is_signed ? fn(buf, size, fmt, (intmax_t)v) : fn(buf, size, fmt, (uintmax_t)v);
    default:
        return is_signed ? fn(buf, size, fmt, (int)v) : fn(buf, size, fmt, (unsigned)v);
    }
}

static const uint64_t int_values[] = {
    0,
    1,
    (uint64_t)-1,
    7,
    8,
    42,
    -42,
    127,
    128,
    255,
    256,
    -128,
    -129,
    32767,
    -32768,
    65535,
    65536,
    1000000,
    INT_MAX,
    (uint64_t)INT_MIN,
    UINT_MAX,
    (uint64_t)UINT_MAX + 1,
    LLONG_MAX,
    (uint64_t)LLONG_MIN,
    ULLONG_MAX - 1,
    0x123456789abcdef0ull,
    0xdeadbeefull,
};
#define N_INT_VALUES (sizeof(int_values) / sizeof(int_values[0]))

/* Checks one integer format (all values) against glibc. */
static void check_int_format(const char *fmt, enum len len, int is_signed)
{
    char want[128], got[128];

    for (size_t i = 0; i < N_INT_VALUES; i++) {
        int wn = call_int(snprintf, want, sizeof(want), fmt, len, is_signed, int_values[i]);
        int gn = call_int(skiff_snprintf, got, sizeof(got), fmt, len, is_signed, int_values[i]);

        expect_same(fmt, want, wn, got, gn);
    }
}

START_TEST(test_integers_all_combinations)
{
    static const char flag_chars[] = "-0+ #";
    static const char *const widths[] = {"", "1", "6", "25"};
    static const char *const precs[] = {"", ".", ".0", ".1", ".6", ".25"};
    static const char convs[] = "diuxXo";
    char fmt[32];
    int count = 0;

    for (unsigned mask = 0; mask < 32; mask++) {
        char flags[6] = "";

        for (int b = 0, n = 0; b < 5; b++) {
            if (mask & (1u << b))
                flags[n++] = flag_chars[b];
        }
        for (size_t w = 0; w < 4; w++) {
            for (size_t p = 0; p < 6; p++) {
                for (int l = 0; l < L_COUNT; l++) {
                    for (const char *c = convs; *c; c++) {
                        snprintf(fmt, sizeof(fmt), "%%%s%s%s%s%c", flags, widths[w], precs[p],
                                 len_str[l], *c);
                        check_int_format(fmt, l, *c == 'd' || *c == 'i');
                        count++;
                    }
                }
            }
        }
    }
    ck_assert_int_eq(count, 32 * 4 * 6 * L_COUNT * 6);
}
END_TEST

START_TEST(test_integer_specials)
{
    char buf[64];

    ck_assert_int_eq(skiff_snprintf(buf, sizeof(buf), "%d", INT_MIN), 11);
    ck_assert_str_eq(buf, "-2147483648");
    skiff_snprintf(buf, sizeof(buf), "%lld", LLONG_MIN);
    ck_assert_str_eq(buf, "-9223372036854775808");
    skiff_snprintf(buf, sizeof(buf), "[%.0d|%.0x|%#.0o|%#.0x|%5.0u]", 0, 0, 0, 0, 0);
    ck_assert_str_eq(buf, "[||0||     ]");
    skiff_snprintf(buf, sizeof(buf), "%#x %#X %#o %#x %#o", 255, 255, 8, 0, 0);
    ck_assert_str_eq(buf, "0xff 0XFF 010 0 0");
    skiff_snprintf(buf, sizeof(buf), unchecked("%zu %zd %td %ju %hhd %hu"), (size_t)-1, (size_t)-1,
                   (ptrdiff_t)-5, UINTMAX_MAX, 0x1ff, 0x12345);
    ck_assert_str_eq(buf, "18446744073709551615 -1 -5 18446744073709551615 -1 9029");
    check_vs_glibc("%300d|%-300x", 123, 0xabc);
    check_vs_glibc(unchecked("%Ld %Lu"), 5LL, 6ULL);
}
END_TEST

START_TEST(test_star_width_and_precision)
{
    for (int w = -30; w <= 30; w += 3) {
        for (int p = -5; p <= 12; p++) {
            check_vs_glibc("%*.*d|%*.*x", w, p, -1234, w, p, 0xbeef);
            check_vs_glibc(unchecked("%0*.*i|%-*.*o"), w, p, 77, w, p, 077u);
            check_vs_glibc("%*.*s|%.*s", w, p, "hello", p, "world");
            check_vs_glibc(unchecked("%0*d|%-*u|%*c"), w, -5, w, 5u, w, 'q');
        }
    }
}
END_TEST

/* --- strings, characters, pointers, %% --- */

START_TEST(test_strings)
{
    static const char *const flags[] = {"", "-"};
    static const char *const widths[] = {"", "1", "5", "12"};
    static const char *const precs[] = {"", ".", ".0", ".2", ".5", ".20"};
    static const char *const strs[] = {"", "a", "hello", "hello, world of strings"};
    char fmt[32];

    for (size_t f = 0; f < 2; f++) {
        for (size_t w = 0; w < 4; w++) {
            for (size_t p = 0; p < 6; p++) {
                snprintf(fmt, sizeof(fmt), "<%%%s%s%ss>", flags[f], widths[w], precs[p]);
                for (size_t s = 0; s < 4; s++)
                    check_vs_glibc(fmt, strs[s]);
            }
        }
    }
}
END_TEST

START_TEST(test_string_precision_does_not_read_past)
{
    /* With a precision the string need not be NUL-terminated. */
    static const char not_terminated[3] = {'a', 'b', 'c'};
    char buf[16];

    ck_assert_int_eq(skiff_snprintf(buf, sizeof(buf), "%.3s", not_terminated), 3);
    ck_assert_str_eq(buf, "abc");
}
END_TEST

START_TEST(test_null_string)
{
    static const char *volatile null_str;
    char buf[32];

    ck_assert_int_eq(skiff_snprintf(buf, sizeof(buf), "%s", null_str), 6);
    ck_assert_str_eq(buf, "(null)");
    skiff_snprintf(buf, sizeof(buf), "[%8s|%-8s|%.3s]", null_str, null_str, null_str);
    ck_assert_str_eq(buf, "[  (null)|(null)  |(nu]");
}
END_TEST

START_TEST(test_chars)
{
    static const int chars[] = {'a', ' ', '\0', 0x80, 0xff, 0x100 + 'z', -1};
    static const char *const fmts[] = {"<%c>", "<%1c>", "<%5c>", "<%-5c>", "%c%c"};

    for (size_t c = 0; c < sizeof(chars) / sizeof(chars[0]); c++) {
        for (size_t f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++)
            check_vs_glibc(unchecked(fmts[f]), chars[c], chars[c]);
    }
}
END_TEST

START_TEST(test_pointers)
{
    static int object;
    void *const ptrs[] = {&object, (void *)1, (void *)0xabcdef, (void *)UINTPTR_MAX};
    static const char *const fmts[] = {"%p", "<%20p>", "<%-20p>", "<%3p>", "<%.20p>", "<%020p>"};
    char buf[64];

    for (size_t p = 0; p < sizeof(ptrs) / sizeof(ptrs[0]); p++) {
        for (size_t f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++)
            check_vs_glibc(unchecked(fmts[f]), ptrs[p]);
    }
    /* glibc prints (nil); Skiff prints 0x followed by the value, as for any pointer. */
    skiff_snprintf(buf, sizeof(buf), "%p|%5p|%-5p|", NULL, NULL, NULL);
    ck_assert_str_eq(buf, "0x0|  0x0|0x0  |");
}
END_TEST

START_TEST(test_percent_and_mixed)
{
    check_vs_glibc("%%");
    check_vs_glibc("100%% sure, %%d is not %d%%", 5);
    check_vs_glibc(unchecked(""), 0); /* (an argument keeps -Wformat-security quiet) */
    check_vs_glibc("plain text, no conversions");
    check_vs_glibc("x=%d, y=%s, z=%#lx, c=%c, u=%05u%%, %-4s|", -7, "yes", 0xfeedUL, 'Q', 42u,
                   "ab");
    check_vs_glibc("module@%u (d%u) %s: '%s'", 3u, 0u, "unknown option", "foo=bar");
    check_vs_glibc(unchecked("%hhx %hx %lx %llx %zx %tx %jx"), 0x1ff, 0x1ffff, ~0ul, ~0ull,
                   (size_t)~0, (ptrdiff_t)-1, (uintmax_t)-1);
}
END_TEST

/* --- documented differences from C --- */

START_TEST(test_float_prints_question_mark_without_consuming)
{
    char buf[64];

    /* The double is not taken from the argument list, so 42 goes to %d. */
    ck_assert_int_eq(skiff_snprintf(buf, sizeof(buf), unchecked("%f|%d"), 42), 4);
    ck_assert_str_eq(buf, "?|42");
    skiff_snprintf(buf, sizeof(buf), unchecked("[%e%E%g%G%a%A%F%Lf]"), 0);
    ck_assert_str_eq(buf, "[????????]");
    skiff_snprintf(buf, sizeof(buf), unchecked("[%5.2f|%-4g|%d]"), 7);
    ck_assert_str_eq(buf, "[    ?|?   |7]");
}
END_TEST

START_TEST(test_unknown_conversions_print_verbatim)
{
    char buf[64];

    skiff_snprintf(buf, sizeof(buf), unchecked("a%yb%-5kc%d"), 9);
    ck_assert_str_eq(buf, "a%yb%-5kc9");
    ck_assert_int_eq(skiff_snprintf(buf, sizeof(buf), unchecked("50%"), 0), 3);
    ck_assert_str_eq(buf, "50%");
    skiff_snprintf(buf, sizeof(buf), unchecked("[%5"), 0);
    ck_assert_str_eq(buf, "[%5");
    /* %n writes nothing and takes no argument. */
    skiff_snprintf(buf, sizeof(buf), unchecked("%n|%d"), 3);
    ck_assert_str_eq(buf, "%n|3");
}
END_TEST

/* --- truncation and return values --- */

/* Checks vsnprintf for every size from 0 to past the output's length. */
static __attribute__((format(printf, 1, 2))) void check_truncation(const char *fmt, ...)
{
    char full[256], want[300], got[300];
    va_list ap, aq;
    int len;

    va_start(ap, fmt);
    va_copy(aq, ap);
    len = vsnprintf(full, sizeof(full), fmt, aq);
    va_end(aq);
    ck_assert_int_lt(len, (int)sizeof(full));
    for (size_t size = 0; size <= (size_t)len + 3; size++) {
        memset(want, 0x5a, sizeof(want));
        memset(got, 0x5a, sizeof(got));
        va_copy(aq, ap);
        vsnprintf(want, size, fmt, aq);
        va_end(aq);
        va_copy(aq, ap);
        int n = skiff_vsnprintf(got, size, fmt, aq);
        va_end(aq);
        if (n != len || memcmp(want, got, sizeof(want)) != 0)
            ck_abort_msg("\"%s\" with size %zu: returned %d (want %d) or wrote other bytes", fmt,
                         size, n, len);
    }
    va_end(ap);
}

START_TEST(test_truncation)
{
    check_truncation(unchecked(""), 0);
    check_truncation("x");
    check_truncation("hello, world");
    check_truncation("%d", -123456);
    check_truncation("%-20s|%08x|%c", "left", 0xbeefu, 'z');
    check_truncation("%100d", 1);
    check_truncation("%s%s%s", "a", "", "bcdefghijklmnopqrstuvwxyz");
}
END_TEST

START_TEST(test_size_zero_and_exact)
{
    char buf[8];

    /* Size 0: nothing is written, not even the NUL; the buffer may be NULL. */
    ck_assert_int_eq(skiff_snprintf(NULL, 0, "%s=%d", "abc", 12345), 9);
    memset(buf, 'x', sizeof(buf));
    ck_assert_int_eq(skiff_snprintf(buf, 0, "abc"), 3);
    ck_assert_int_eq(buf[0], 'x');
    /* Size 1: just the NUL. */
    ck_assert_int_eq(skiff_snprintf(buf, 1, "abc"), 3);
    ck_assert_int_eq(buf[0], '\0');
    ck_assert_int_eq(buf[1], 'x');
    /* Exactly enough, and one short. */
    ck_assert_int_eq(skiff_snprintf(buf, 4, "abc"), 3);
    ck_assert_str_eq(buf, "abc");
    ck_assert_int_eq(skiff_snprintf(buf, 3, "abc"), 3);
    ck_assert_str_eq(buf, "ab");
}
END_TEST

/* --- vformat --- */

struct collect {
    char buf[1024];
    size_t len;
    int calls;
};

static void collect_emit(void *ctx, const char *s, size_t n)
{
    struct collect *c = ctx;

    ck_assert_uint_le(c->len + n, sizeof(c->buf));
    memcpy(c->buf + c->len, s, n);
    c->len += n;
    c->calls++;
}

static int call_vformat(struct collect *c, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = skiff_vformat(collect_emit, c, fmt, ap);
    va_end(ap);
    return n;
}

START_TEST(test_vformat_emits_everything)
{
    struct collect c = {.len = 0};
    char want[1024];
    int n = call_vformat(&c, "[%-300s|%0200d|%#500x]", "s", 42, 0x1234);
    int wn = snprintf(want, sizeof(want), "[%-300s|%0200d|%#500x]", "s", 42, 0x1234);

    ck_assert_int_eq(n, wn);
    ck_assert_uint_eq(c.len, (size_t)wn);
    ck_assert_int_eq(memcmp(c.buf, want, c.len), 0);
    ck_assert_int_gt(c.calls, 1);

    c.len = 0;
    c.calls = 0;
    ck_assert_int_eq(call_vformat(&c, ""), 0);
    ck_assert_int_eq(c.calls, 0);
}
END_TEST

/* vformat and vsnprintf work on a copy of ap, so the caller may use it again. */
static void format_twice(char *a, char *b, size_t size, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    skiff_vsnprintf(a, size, fmt, ap);
    va_end(ap);
    va_start(ap, fmt);
    skiff_vsnprintf(b, size, fmt, ap);
    va_end(ap);
}

START_TEST(test_vsnprintf_repeatable)
{
    char a[32], b[32];

    format_twice(a, b, sizeof(a), "%d-%s-%lx", 1, "two", 3ul);
    ck_assert_str_eq(a, "1-two-3");
    ck_assert_str_eq(b, "1-two-3");
}
END_TEST

static Suite *format_suite(void)
{
    Suite *s = suite_create("lib_format");
    TCase *ints = tcase_create("integers");
    TCase *text = tcase_create("text");
    TCase *diff = tcase_create("differences");
    TCase *out = tcase_create("output");

    tcase_set_timeout(ints, 120);
    tcase_add_test(ints, test_integers_all_combinations);
    tcase_add_test(ints, test_integer_specials);
    tcase_add_test(ints, test_star_width_and_precision);
    tcase_add_test(text, test_strings);
    tcase_add_test(text, test_string_precision_does_not_read_past);
    tcase_add_test(text, test_null_string);
    tcase_add_test(text, test_chars);
    tcase_add_test(text, test_pointers);
    tcase_add_test(text, test_percent_and_mixed);
    tcase_add_test(diff, test_float_prints_question_mark_without_consuming);
    tcase_add_test(diff, test_unknown_conversions_print_verbatim);
    tcase_add_test(out, test_truncation);
    tcase_add_test(out, test_size_zero_and_exact);
    tcase_add_test(out, test_vformat_emits_everything);
    tcase_add_test(out, test_vsnprintf_repeatable);
    suite_add_tcase(s, ints);
    suite_add_tcase(s, text);
    suite_add_tcase(s, diff);
    suite_add_tcase(s, out);
    return s;
}

int main(void)
{
    return run_suite(format_suite());
}
