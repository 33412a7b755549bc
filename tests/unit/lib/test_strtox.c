/*
 * test_strtox.c - unit tests for hypervisor/lib/strtox.c: strtoul, strtoull,
 * strtol and strtoll must return what glibc's return, and stop where they
 * stop, for a table of edge cases and for many random strings.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib_test.h"
#include "skiff_lib_names.h"

static const int bases[] = {0, 2, 8, 10, 16, 36};
#define NBASES (sizeof(bases) / sizeof(bases[0]))

/* Runs all four functions on s in base and compares with glibc's. */
static void check_against_glibc(const char *s, int base)
{
    char *we, *ge;

    unsigned long ul = strtoul(s, &we, base), gul = skiff_strtoul(s, &ge, base);
    if (ul != gul || we != ge)
        ck_abort_msg("strtoul(\"%s\", %d) = %lu end +%td, want %lu end +%td", s, base, gul, ge - s,
                     ul, we - s);

    unsigned long long ull = strtoull(s, &we, base), gull = skiff_strtoull(s, &ge, base);
    if (ull != gull || we != ge)
        ck_abort_msg("strtoull(\"%s\", %d) = %llu end +%td, want %llu end +%td", s, base, gull,
                     ge - s, ull, we - s);

    long l = strtol(s, &we, base), gl = skiff_strtol(s, &ge, base);
    if (l != gl || we != ge)
        ck_abort_msg("strtol(\"%s\", %d) = %ld end +%td, want %ld end +%td", s, base, gl, ge - s, l,
                     we - s);

    long long ll = strtoll(s, &we, base), gll = skiff_strtoll(s, &ge, base);
    if (ll != gll || we != ge)
        ck_abort_msg("strtoll(\"%s\", %d) = %lld end +%td, want %lld end +%td", s, base, gll,
                     ge - s, ll, we - s);
}

START_TEST(test_table_matches_glibc)
{
    static const char *const cases[] = {
        "",
        " ",
        "+",
        "-",
        " +",
        "\t-",
        "+-1",
        "-+1",
        "--1",
        "- 1",
        "0",
        "-0",
        "+0",
        "00",
        "0x",
        "0X",
        "0x ",
        "0xg",
        "-0x",
        "0x1f",
        "0X1F",
        "0x-1",
        "0x+1",
        "0x0x1",
        " 0x",
        "1x2",
        " \t\n\v\f\r42",
        "\r\n-17z",
        "42abc",
        "-42",
        "+42",
        "0777",
        "0778",
        "08",
        "09",
        "0b101",
        "1e3",
        "z",
        "Z",
        "zz",
        "ZZ",
        "az",
        "1_000",
        "12 34",
        "\2001",
        "1\x80",
        "2147483647",
        "2147483648",
        "-2147483648",
        "-2147483649",
        "4294967295",
        "4294967296",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775807",
        "-9223372036854775808",
        "-9223372036854775809",
        "18446744073709551615",
        "18446744073709551616",
        "-18446744073709551615",
        "-18446744073709551616",
        "99999999999999999999999999999",
        "-99999999999999999999999999999",
        "0xffffffffffffffff",
        "0x10000000000000000",
        "-0xffffffffffffffff",
        "0x7fffffffffffffff",
        "0x8000000000000000",
        "-0x8000000000000000",
        "-0x8000000000000001",
        "01777777777777777777777",
        "02000000000000000000000",
        "-01000000000000000000000",
        "1111111111111111111111111111111111111111111111111111111111111111",
        "10000000000000000000000000000000000000000000000000000000000000000",
        "3w5e11264sgsf",
        "3w5e11264sgsg",
        "-1y2p0ij32e8e7",
        "-1y2p0ij32e8e8",
        "000000000000000000000000000000000000000000000000000000000001",
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        for (size_t b = 0; b < NBASES; b++)
            check_against_glibc(cases[i], bases[b]);
        for (int base = 2; base <= 36; base++)
            check_against_glibc(cases[i], base);
    }
}
END_TEST

/* Appends a random string that looks more or less like a number to p. */
static void random_number(char *p, uint64_t *rng)
{
    static const char *const lead[] = {"", "", "", " ", "\t ", "\n"};
    static const char *const sign[] = {"", "", "-", "+"};
    static const char *const prefix[] = {"", "", "", "0", "0x", "0X"};
    static const char digits[] = "0123456789abcdefABCDEFxz";
    size_t n = rng_below(rng, 26);

    p += sprintf(p, "%s%s%s", lead[rng_below(rng, 6)], sign[rng_below(rng, 4)],
                 prefix[rng_below(rng, 6)]);
    for (size_t i = 0; i < n; i++) {
        /* Mostly decimal digits, so long runs stay valid in base 10. */
        *p++ = rng_below(rng, 4) ? digits[rng_below(rng, 10)] : digits[rng_below(rng, 24)];
    }
    if (rng_below(rng, 4) == 0)
        *p++ = ' ';
    *p = '\0';
}

START_TEST(test_random_matches_glibc)
{
    char s[64];
    uint64_t rng = 11;

    for (int i = 0; i < 200000; i++) {
        random_number(s, &rng);
        check_against_glibc(s, bases[rng_below(&rng, NBASES)]);
    }
}
END_TEST

START_TEST(test_empty_and_sign_only)
{
    static const char *const none[] = {"", "   ", "+", "-", "  -", "x", "+x", "- 1"};
    char *end;

    for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
        ck_assert_uint_eq(skiff_strtoul(none[i], &end, 0), 0);
        ck_assert_ptr_eq(end, none[i]);
        ck_assert_int_eq(skiff_strtoll(none[i], &end, 10), 0);
        ck_assert_ptr_eq(end, none[i]);
    }
}
END_TEST

START_TEST(test_hex_prefix_without_digits)
{
    static const char s[] = "0x", t[] = " -0xz";
    char *end;

    /* "0x" alone is the number 0 followed by an x. */
    ck_assert_uint_eq(skiff_strtoul(s, &end, 16), 0);
    ck_assert_ptr_eq(end, s + 1);
    ck_assert_uint_eq(skiff_strtoul(s, &end, 0), 0);
    ck_assert_ptr_eq(end, s + 1);
    ck_assert_int_eq(skiff_strtol(t, &end, 0), 0);
    ck_assert_ptr_eq(end, t + 3);
    ck_assert_int_eq(skiff_strtol("0x1A", &end, 0), 26);
    ck_assert_int_eq(skiff_strtol("0X1a", &end, 16), 26);
    ck_assert_int_eq(skiff_strtol("0x1a", &end, 10), 0);
    ck_assert_int_eq(*end, 'x');
}
END_TEST

START_TEST(test_bases)
{
    char *end;

    ck_assert_int_eq(skiff_strtol("0755", NULL, 0), 0755);
    ck_assert_int_eq(skiff_strtol("0755", NULL, 10), 755);
    ck_assert_int_eq(skiff_strtol("089", &end, 0), 0);
    ck_assert_int_eq(*end, '8');
    ck_assert_int_eq(skiff_strtol("-101", NULL, 2), -5);
    ck_assert_int_eq(skiff_strtol("zZ", NULL, 36), 35 * 36 + 35);
    ck_assert_int_eq(skiff_strtol("  \t\n+12", NULL, 0), 12);
    ck_assert_uint_eq(skiff_strtoull("ffffffffffffffff", NULL, 16), ULLONG_MAX);
}
END_TEST

START_TEST(test_invalid_base_parses_nothing)
{
    static const char s[] = "123";
    static const int bad[] = {-1, 1, 37, 100, INT_MIN};
    char *end;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_uint_eq(skiff_strtoul(s, &end, bad[i]), 0);
        ck_assert_ptr_eq(end, s);
        ck_assert_int_eq(skiff_strtoll(s, &end, bad[i]), 0);
        ck_assert_ptr_eq(end, s);
    }
}
END_TEST

START_TEST(test_overflow_saturates)
{
    static const char big[] = "123456789012345678901234567890xyz";
    char *end;

    ck_assert_uint_eq(skiff_strtoul(big, &end, 10), ULONG_MAX);
    ck_assert_ptr_eq(end, big + 30); /* all the digits are still consumed */
    ck_assert_uint_eq(skiff_strtoull("-123456789012345678901234567890", NULL, 10), ULLONG_MAX);
    ck_assert_int_eq(skiff_strtol(big, NULL, 10), LONG_MAX);
    ck_assert_int_eq(skiff_strtol("-123456789012345678901234567890", NULL, 10), LONG_MIN);
    ck_assert_int_eq(skiff_strtoll("9223372036854775808", NULL, 10), LLONG_MAX);
    ck_assert_int_eq(skiff_strtoll("-9223372036854775808", NULL, 10), LLONG_MIN);
    ck_assert_int_eq(skiff_strtoll("-9223372036854775809", NULL, 10), LLONG_MIN);
    ck_assert_uint_eq(skiff_strtoull("18446744073709551615", NULL, 10), ULLONG_MAX);
    ck_assert_uint_eq(skiff_strtoull("18446744073709551614", NULL, 10), ULLONG_MAX - 1);
}
END_TEST

START_TEST(test_negative_unsigned_wraps)
{
    ck_assert_uint_eq(skiff_strtoul("-1", NULL, 10), ULONG_MAX);
    ck_assert_uint_eq(skiff_strtoull("-2", NULL, 0), ULLONG_MAX - 1);
    ck_assert_uint_eq(skiff_strtoul("-0", NULL, 0), 0);
    ck_assert_uint_eq(skiff_strtoull("-18446744073709551615", NULL, 10), 1);
}
END_TEST

static Suite *strtox_suite(void)
{
    Suite *s = suite_create("lib_strtox");
    TCase *glibc = tcase_create("glibc");
    TCase *edges = tcase_create("edges");

    tcase_add_test(glibc, test_table_matches_glibc);
    tcase_add_test(glibc, test_random_matches_glibc);
    tcase_add_test(edges, test_empty_and_sign_only);
    tcase_add_test(edges, test_hex_prefix_without_digits);
    tcase_add_test(edges, test_bases);
    tcase_add_test(edges, test_invalid_base_parses_nothing);
    tcase_add_test(edges, test_overflow_saturates);
    tcase_add_test(edges, test_negative_unsigned_wraps);
    suite_add_tcase(s, glibc);
    suite_add_tcase(s, edges);
    return s;
}

int main(void)
{
    return run_suite(strtox_suite());
}
