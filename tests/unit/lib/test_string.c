/*
 * test_string.c - unit tests for hypervisor/lib/string.c and ctype.c: every
 * function is run next to glibc's over all small alignments and lengths and
 * over many random inputs, and must agree with it.
 */
#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "lib_test.h"
#include "skiff_lib_names.h"

#define BUF_SIZE 1024

static _Alignas(64) unsigned char src[BUF_SIZE];
static _Alignas(64) unsigned char want[BUF_SIZE];
static _Alignas(64) unsigned char got[BUF_SIZE];

static void fill_random(unsigned char *p, size_t n, uint64_t *rng)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)rng_next(rng);
}

/* Random bytes from a small alphabet (with bytes >= 0x80), so searches hit. */
static void fill_alphabet(unsigned char *p, size_t n, uint64_t *rng)
{
    static const unsigned char alphabet[] = {'a', 'b', 'c', 0x80, 0xff};

    for (size_t i = 0; i < n; i++)
        p[i] = alphabet[rng_below(rng, sizeof(alphabet))];
}

static int sign(int x)
{
    return (x > 0) - (x < 0);
}

static void expect_buffers_equal(const char *what, size_t a, size_t b, size_t n)
{
    for (size_t i = 0; i < BUF_SIZE; i++) {
        if (want[i] != got[i])
            ck_abort_msg("%s(a=%zu b=%zu n=%zu): byte %zu is %#x, want %#x", what, a, b, n, i,
                         got[i], want[i]);
    }
}

START_TEST(test_memcpy_all_alignments)
{
    uint64_t rng = 1;

    fill_random(src, BUF_SIZE, &rng);
    for (size_t da = 0; da < 16; da++) {
        for (size_t sa = 0; sa < 16; sa++) {
            for (size_t n = 0; n <= 300; n++) {
                memset(want, 0xa5, BUF_SIZE);
                memset(got, 0xa5, BUF_SIZE);
                memcpy(want + 64 + da, src + sa, n);
                if (skiff_memcpy(got + 64 + da, src + sa, n) != got + 64 + da)
                    ck_abort_msg("memcpy returned the wrong pointer");
                expect_buffers_equal("memcpy", da, sa, n);
            }
        }
    }
}
END_TEST

START_TEST(test_memset_all_alignments)
{
    static const int values[] = {0, 0x5a, 0x80, 0xff, -1, 0x17f, -0x7fffff00};

    for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
        for (size_t a = 0; a < 16; a++) {
            for (size_t n = 0; n <= 300; n++) {
                memset(want, 0xa5, BUF_SIZE);
                memset(got, 0xa5, BUF_SIZE);
                memset(want + 64 + a, values[v], n);
                if (skiff_memset(got + 64 + a, values[v], n) != got + 64 + a)
                    ck_abort_msg("memset returned the wrong pointer");
                expect_buffers_equal("memset", a, (size_t)values[v], n);
            }
        }
    }
}
END_TEST

/* Checks memcmp(p, q, n) against glibc's. */
static void check_memcmp(const void *p, const void *q, size_t n)
{
    int w = memcmp(p, q, n), g = skiff_memcmp(p, q, n);

    if (sign(w) != sign(g))
        ck_abort_msg("memcmp(n=%zu) = %d, glibc says %d", n, g, w);
}

START_TEST(test_memcmp_all_alignments)
{
    uint64_t rng = 2;

    for (size_t a = 0; a < 8; a++) {
        for (size_t b = 0; b < 8; b++) {
            for (size_t n = 0; n <= 300; n++) {
                unsigned char *p = want + a, *q = got + b;

                fill_random(p, n + 1, &rng);
                memcpy(q, p, n);
                q[n] = p[n] + 1; /* past the end: must not matter */
                ck_assert_int_eq(skiff_memcmp(p, q, n), 0);
                if (n == 0)
                    continue;
                /* One differing byte, first, last or random, above or below. */
                size_t at[] = {0, n - 1, rng_below(&rng, n)};
                for (size_t i = 0; i < 3; i++) {
                    q[at[i]] = (unsigned char)(p[at[i]] + 1 + rng_below(&rng, 255));
                    check_memcmp(p, q, n);
                    check_memcmp(q, p, n);
                    q[at[i]] = p[at[i]];
                }
            }
        }
    }
}
END_TEST

START_TEST(test_memcmp_unsigned_bytes)
{
    ck_assert_int_lt(skiff_memcmp("\x01", "\x80", 1), 0);
    ck_assert_int_gt(skiff_memcmp("\xff", "\x7f", 1), 0);
    ck_assert_int_gt(skiff_memcmp("ab\xff", "ab\x00", 3), 0);
    ck_assert_int_eq(skiff_memcmp("abc", "abd", 2), 0);
    ck_assert_int_eq(skiff_memcmp(NULL, NULL, 0), 0);
}
END_TEST

/* memmove of n bytes from offset s to offset d within a buffer of BUF_SIZE. */
static void check_memmove(size_t d, size_t s, size_t n, uint64_t *rng)
{
    fill_random(want, BUF_SIZE, rng);
    memcpy(got, want, BUF_SIZE);
    memmove(want + d, want + s, n);
    if (skiff_memmove(got + d, got + s, n) != got + d)
        ck_abort_msg("memmove returned the wrong pointer");
    expect_buffers_equal("memmove", d, s, n);
}

START_TEST(test_memmove_small_overlaps)
{
    uint64_t rng = 3;

    for (size_t d = 0; d < 48; d++) {
        for (size_t s = 0; s < 48; s++) {
            for (size_t n = 0; n < 48; n++)
                check_memmove(d, s, n, &rng);
        }
    }
}
END_TEST

START_TEST(test_memmove_random)
{
    uint64_t rng = 4;

    for (int i = 0; i < 50000; i++) {
        size_t n = rng_below(&rng, 500);
        size_t s = rng_below(&rng, BUF_SIZE - n + 1);
        /* Half the time close to s, so that the two ranges overlap. */
        size_t d = rng_below(&rng, BUF_SIZE - n + 1);

        if (i & 1) {
            size_t lo = s > 40 ? s - 40 : 0, hi = s + 40 < BUF_SIZE - n ? s + 40 : BUF_SIZE - n;

            d = lo + rng_below(&rng, hi - lo + 1);
        }
        check_memmove(d, s, n, &rng);
    }
}
END_TEST

START_TEST(test_memchr_matches_glibc)
{
    static const int needles[] = {'a', 'b', 'c', 'z', 0x80, 0xff, -1, 0x100 + 'a', 0};
    uint64_t rng = 5;

    for (size_t a = 0; a < 16; a++) {
        for (size_t n = 0; n <= 300; n++) {
            unsigned char *p = src + a;

            fill_alphabet(src, BUF_SIZE, &rng);
            if (n % 7 == 0)
                memset(p, 'c', n); /* no a or b at all */
            for (size_t i = 0; i < sizeof(needles) / sizeof(needles[0]); i++) {
                if (skiff_memchr(p, needles[i], n) != memchr(p, needles[i], n))
                    ck_abort_msg("memchr(a=%zu, %#x, %zu) differs", a, needles[i], n);
            }
        }
    }
}
END_TEST

/* A NUL-terminated string of len random non-zero bytes at offset a of src. */
static char *random_string(size_t a, size_t len, uint64_t *rng, int small_alphabet)
{
    unsigned char *p = src + a;

    if (small_alphabet) {
        fill_alphabet(p, len, rng);
    } else {
        for (size_t i = 0; i < len; i++)
            p[i] = (unsigned char)(1 + rng_below(rng, 255));
    }
    p[len] = '\0';
    return (char *)p;
}

START_TEST(test_strlen_strnlen)
{
    uint64_t rng = 6;

    for (size_t a = 0; a < 16; a++) {
        for (size_t len = 0; len <= 300; len++) {
            char *s = random_string(a, len, &rng, 0);
            size_t maxes[] = {0, len ? len - 1 : 0, len, len + 1, SIZE_MAX};

            if (skiff_strlen(s) != len)
                ck_abort_msg("strlen(a=%zu) = %zu, want %zu", a, skiff_strlen(s), len);
            for (size_t i = 0; i < 5; i++) {
                if (skiff_strnlen(s, maxes[i]) != strnlen(s, maxes[i]))
                    ck_abort_msg("strnlen(len %zu, max %zu) differs", len, maxes[i]);
            }
        }
    }
}
END_TEST

START_TEST(test_strchr_strrchr)
{
    uint64_t rng = 7;

    for (size_t len = 0; len <= 100; len++) {
        char *s = random_string(len % 16, len, &rng, len & 1);

        for (int c = -1; c <= 0x180; c++) {
            if (skiff_strchr(s, c) != strchr(s, c))
                ck_abort_msg("strchr(len %zu, %#x) differs", len, c);
            if (skiff_strrchr(s, c) != strrchr(s, c))
                ck_abort_msg("strrchr(len %zu, %#x) differs", len, c);
        }
    }
}
END_TEST

START_TEST(test_strchr_terminator)
{
    static const char s[] = "abcabc";

    ck_assert_ptr_eq(skiff_strchr(s, '\0'), s + 6);
    ck_assert_ptr_eq(skiff_strrchr(s, '\0'), s + 6);
    ck_assert_ptr_eq(skiff_strchr(s, 'b'), s + 1);
    ck_assert_ptr_eq(skiff_strrchr(s, 'b'), s + 4);
    ck_assert_ptr_null(skiff_strchr(s, 'd'));
    ck_assert_ptr_null(skiff_strrchr(s, 'd'));
    ck_assert_ptr_null(skiff_strrchr("", 'a'));
}
END_TEST

START_TEST(test_strcmp_strncmp)
{
    static char a[64], b[64];
    uint64_t rng = 8;

    for (int i = 0; i < 20000; i++) {
        size_t la = rng_below(&rng, 12), lb = rng_below(&rng, 12);

        memcpy(a, random_string(0, la, &rng, 1), la + 1);
        memcpy(b, random_string(0, lb, &rng, 1), lb + 1);
        if (i & 1)
            memcpy(b, a, la < lb ? la : lb); /* a common prefix */
        if (sign(skiff_strcmp(a, b)) != sign(strcmp(a, b)))
            ck_abort_msg("strcmp(\"%s\", \"%s\") differs", a, b);
        for (size_t n = 0; n <= 14; n++) {
            if (sign(skiff_strncmp(a, b, n)) != sign(strncmp(a, b, n)))
                ck_abort_msg("strncmp(\"%s\", \"%s\", %zu) differs", a, b, n);
        }
        if (sign(skiff_strncmp(a, b, SIZE_MAX)) != sign(strcmp(a, b)))
            ck_abort_msg("strncmp(\"%s\", \"%s\", SIZE_MAX) differs", a, b);
    }
}
END_TEST

START_TEST(test_strcmp_edges)
{
    ck_assert_int_eq(skiff_strcmp("", ""), 0);
    ck_assert_int_lt(skiff_strcmp("", "a"), 0);
    ck_assert_int_gt(skiff_strcmp("ab", "a"), 0);
    ck_assert_int_gt(skiff_strcmp("\x80", "\x7f"), 0); /* bytes compare as unsigned */
    ck_assert_int_eq(skiff_strncmp("abc", "abd", 2), 0);
    ck_assert_int_lt(skiff_strncmp("abc", "abd", 3), 0);
    ck_assert_int_eq(skiff_strncmp("x", "y", 0), 0);
    ck_assert_int_eq(skiff_strncmp("ab\0x", "ab\0y", 4), 0); /* stops at the NUL */
}
END_TEST

START_TEST(test_strstr_matches_glibc)
{
    static char h[32], n[8];
    uint64_t rng = 9;

    for (int i = 0; i < 50000; i++) {
        size_t lh = rng_below(&rng, 16), ln = rng_below(&rng, 5);

        for (size_t j = 0; j < lh; j++)
            h[j] = "ab"[rng_below(&rng, 2)];
        for (size_t j = 0; j < ln; j++)
            n[j] = "ab"[rng_below(&rng, 2)];
        h[lh] = n[ln] = '\0';
        if (skiff_strstr(h, n) != strstr(h, n))
            ck_abort_msg("strstr(\"%s\", \"%s\") differs", h, n);
    }
}
END_TEST

START_TEST(test_strstr_edges)
{
    static const char h[] = "hello world", empty[] = "", aaab[] = "aaab";

    ck_assert_ptr_eq(skiff_strstr(h, ""), h);
    ck_assert_ptr_eq(skiff_strstr(empty, ""), empty);
    ck_assert_ptr_null(skiff_strstr("", "a"));
    ck_assert_ptr_eq(skiff_strstr(h, "world"), h + 6);
    ck_assert_ptr_eq(skiff_strstr(h, "o"), h + 4);
    ck_assert_ptr_null(skiff_strstr(h, "world!"));
    ck_assert_ptr_null(skiff_strstr("ab", "abc"));
    ck_assert_ptr_eq(skiff_strstr(aaab, "aab"), aaab + 1);
}
END_TEST

START_TEST(test_strlcpy)
{
    static const char text[] = "the quick brown fox jumps over the lazy dog";

    for (size_t len = 0; len < sizeof(text); len++) {
        char s[sizeof(text)];

        memcpy(s, text, len);
        s[len] = '\0';
        for (size_t size = 0; size <= len + 2; size++) {
            size_t copied = size == 0 ? 0 : len < size - 1 ? len : size - 1;

            memset(want, 0x5a, 64);
            memset(got, 0x5a, 64);
            if (size) {
                memcpy(want, s, copied);
                want[copied] = '\0';
            }
            if (skiff_strlcpy((char *)got, s, size) != len)
                ck_abort_msg("strlcpy(len %zu, size %zu) returned the wrong length", len, size);
            if (memcmp(want, got, 64) != 0)
                ck_abort_msg("strlcpy(len %zu, size %zu) wrote the wrong bytes", len, size);
        }
    }
    ck_assert_uint_eq(skiff_strlcpy(NULL, "abc", 0), 3);
}
END_TEST

START_TEST(test_ctype_matches_glibc)
{
    /* glibc in the "C" locale, which a program starts in, is plain ASCII. */
    for (int c = -1; c <= 255; c++) {
        ck_assert_int_eq(!!skiff_isdigit(c), !!isdigit(c));
        ck_assert_int_eq(!!skiff_isxdigit(c), !!isxdigit(c));
        ck_assert_int_eq(!!skiff_isspace(c), !!isspace(c));
        ck_assert_int_eq(!!skiff_isalpha(c), !!isalpha(c));
        ck_assert_int_eq(!!skiff_isalnum(c), !!isalnum(c));
        ck_assert_int_eq(!!skiff_isupper(c), !!isupper(c));
        ck_assert_int_eq(!!skiff_islower(c), !!islower(c));
        ck_assert_int_eq(!!skiff_isprint(c), !!isprint(c));
        ck_assert_int_eq(skiff_tolower(c), tolower(c));
        ck_assert_int_eq(skiff_toupper(c), toupper(c));
    }
}
END_TEST

START_TEST(test_ctype_out_of_range)
{
    ck_assert_int_eq(skiff_isalpha(0x100 + 'a'), 0);
    ck_assert_int_eq(skiff_isdigit(-0x100 + '0'), 0);
    ck_assert_int_eq(skiff_tolower(0x100 + 'A'), 0x100 + 'A');
    ck_assert_int_eq(skiff_toupper(-200), -200);
    ck_assert_int_eq(skiff_isspace(0xa0), 0); /* no-break space is not ASCII */
}
END_TEST

static Suite *string_suite(void)
{
    Suite *s = suite_create("lib_string");
    TCase *mem = tcase_create("memory");
    TCase *str = tcase_create("strings");
    TCase *ctype = tcase_create("ctype");

    tcase_add_test(mem, test_memcpy_all_alignments);
    tcase_add_test(mem, test_memset_all_alignments);
    tcase_add_test(mem, test_memcmp_all_alignments);
    tcase_add_test(mem, test_memcmp_unsigned_bytes);
    tcase_add_test(mem, test_memmove_small_overlaps);
    tcase_add_test(mem, test_memmove_random);
    tcase_add_test(mem, test_memchr_matches_glibc);
    tcase_add_test(str, test_strlen_strnlen);
    tcase_add_test(str, test_strchr_strrchr);
    tcase_add_test(str, test_strchr_terminator);
    tcase_add_test(str, test_strcmp_strncmp);
    tcase_add_test(str, test_strcmp_edges);
    tcase_add_test(str, test_strstr_matches_glibc);
    tcase_add_test(str, test_strstr_edges);
    tcase_add_test(str, test_strlcpy);
    tcase_add_test(ctype, test_ctype_matches_glibc);
    tcase_add_test(ctype, test_ctype_out_of_range);
    suite_add_tcase(s, mem);
    suite_add_tcase(s, str);
    suite_add_tcase(s, ctype);
    return s;
}

int main(void)
{
    return run_suite(string_suite());
}
