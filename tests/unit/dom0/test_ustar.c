/*
 * test_ustar.c - unit tests for dom0-tools/builder/ustar.c: archives built
 * here header by header (good ones, and each malformed case the reader
 * must refuse), the real boot store tar made at build time, and seeded
 * random corruption that must never make the reader crash or read outside
 * the archive (each parse runs on an exact-size heap copy, so ASan sees
 * any overread).
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/lib_test.h"
#include "ustar.h"

#define ARCHIVE_MAX (64 * 1024)

/* ---- writing test archives ---- */

struct archive {
    unsigned char bytes[ARCHIVE_MAX];
    size_t size;
};

static void put_octal(unsigned char *field, size_t len, uint64_t v)
{
    char tmp[32];

    snprintf(tmp, sizeof(tmp), "%0*llo", (int)len - 1, (unsigned long long)v);
    memcpy(field, tmp, len - 1);
    field[len - 1] = '\0';
}

static void set_checksum(unsigned char *h)
{
    unsigned int sum = 0;

    memset(h + 148, ' ', 8);
    for (int i = 0; i < USTAR_BLOCK; i++)
        sum += h[i];
    snprintf((char *)h + 148, 8, "%06o", sum);
    h[155] = ' ';
}

/* Appends an entry: header (fixed up by `patch` before the checksum) and padded data. */
static unsigned char *add_entry_patched(struct archive *a, const char *name, char type,
                                        const void *data, size_t size,
                                        void (*patch)(unsigned char *h))
{
    unsigned char *h = a->bytes + a->size;

    ck_assert_uint_le(a->size + USTAR_BLOCK + size + USTAR_BLOCK, ARCHIVE_MAX);
    memset(h, 0, USTAR_BLOCK);
    strncpy((char *)h, name, 100);
    memcpy(h + 100, "0000644", 8);
    memcpy(h + 108, "0000000", 8);
    memcpy(h + 116, "0000000", 8);
    put_octal(h + 124, 12, size);
    put_octal(h + 136, 12, 0);
    h[156] = (unsigned char)type;
    memcpy(h + 257,
           "ustar\0"
           "00",
           8);
    if (patch)
        patch(h);
    set_checksum(h);
    a->size += USTAR_BLOCK;
    if (data)
        memcpy(a->bytes + a->size, data, size);
    a->size += (size + USTAR_BLOCK - 1) / USTAR_BLOCK * USTAR_BLOCK;
    return h;
}

static unsigned char *add_file(struct archive *a, const char *name, const void *data, size_t size)
{
    return add_entry_patched(a, name, '0', data, size, NULL);
}

static void add_end(struct archive *a)
{
    memset(a->bytes + a->size, 0, 2 * USTAR_BLOCK);
    a->size += 2 * USTAR_BLOCK;
}

/* ---- reading, on exact-size copies ---- */

struct found {
    unsigned int n;
    struct ustar_entry e[16];
    int rc; /* 0 at a clean end, or the error */
    const char *why;
};

/* Walks a heap copy of exactly size bytes; checks every entry stays inside it. */
static struct found walk(const unsigned char *bytes, size_t size)
{
    unsigned char *copy = malloc(size ? size : 1);
    struct found f = {0};
    struct ustar_iter it;
    struct ustar_entry e;
    int rc;

    memcpy(copy, bytes, size);
    ustar_iter_init(&it, copy, size);
    while ((rc = ustar_next(&it, &e, &f.why)) == 1) {
        const unsigned char *d = e.data;
        ck_assert(d >= copy + USTAR_BLOCK && d <= copy + size);
        ck_assert_uint_le(e.size, (size_t)(copy + size - d));
        ck_assert_uint_lt(strnlen(e.name, sizeof(e.name)), sizeof(e.name));
        if (f.n < 16)
            f.e[f.n] = e;
        f.n++;
        ck_assert_uint_le(f.n, size / USTAR_BLOCK);
    }
    f.rc = rc;
    /* Once finished, it stays finished with the same answer. */
    const char *why2;
    ck_assert_int_eq(ustar_next(&it, &e, &why2), rc);
    free(copy);
    for (unsigned int i = 0; i < f.n && i < 16; i++)
        f.e[i].data = NULL; /* pointed into the freed copy */
    return f;
}

static void expect_error(const struct archive *a, const char *why_part)
{
    struct found f = walk(a->bytes, a->size);

    ck_assert_int_eq(f.rc, -EINVAL);
    ck_assert_msg(strstr(f.why, why_part), "why '%s' lacks '%s'", f.why, why_part);
}

/* ---- good archives ---- */

START_TEST(test_empty_archives)
{
    struct archive a = {.size = 0};
    struct found f = walk(a.bytes, 0);

    ck_assert_int_eq(f.rc, 0);
    ck_assert_uint_eq(f.n, 0);
    add_end(&a);
    f = walk(a.bytes, a.size);
    ck_assert_int_eq(f.rc, 0);
    ck_assert_uint_eq(f.n, 0);
}
END_TEST

START_TEST(test_files_in_order)
{
    static struct archive a;
    char big[1500];

    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (char)(i * 13);
    a.size = 0;
    add_file(&a, "hello.elf", "HELLO", 5);
    add_file(&a, "empty", NULL, 0);
    add_file(&a, "big.bin", big, sizeof(big));
    add_file(&a, "exact", big, USTAR_BLOCK);
    add_end(&a);

    struct found f = walk(a.bytes, a.size);
    ck_assert_int_eq(f.rc, 0);
    ck_assert_uint_eq(f.n, 4);
    ck_assert_str_eq(f.e[0].name, "hello.elf");
    ck_assert_uint_eq(f.e[0].size, 5);
    ck_assert_str_eq(f.e[1].name, "empty");
    ck_assert_uint_eq(f.e[1].size, 0);
    ck_assert_uint_eq(f.e[2].size, sizeof(big));
    ck_assert_uint_eq(f.e[3].size, USTAR_BLOCK);

    struct ustar_entry e;
    const char *why;
    ck_assert_int_eq(ustar_find(a.bytes, a.size, "big.bin", &e, &why), 0);
    ck_assert_int_eq(memcmp(e.data, big, sizeof(big)), 0);
    ck_assert_ptr_eq(e.data, a.bytes + 3 * USTAR_BLOCK + 512);
    ck_assert_int_eq(ustar_find(a.bytes, a.size, "hello.elf", &e, &why), 0);
    ck_assert_int_eq(memcmp(e.data, "HELLO", 5), 0);
    ck_assert_int_eq(ustar_find(a.bytes, a.size, "missing", &e, &why), -ENOENT);
    ck_assert_ptr_nonnull(strstr(why, "no such file"));
    ck_assert_int_eq(ustar_find(a.bytes, a.size, "hello", &e, &why), -ENOENT); /* whole names */
}
END_TEST

static void long_prefix(unsigned char *h)
{
    memset(h + 345, 'p', 154); /* 154 characters and the NUL */
}

static void gnu_magic(unsigned char *h)
{
    memcpy(h + 257, "ustar  \0", 8);
}

static void spaced_size(unsigned char *h)
{
    memcpy(h + 124, "        12 ", 12); /* leading spaces, space-terminated: 10 bytes */
}

START_TEST(test_header_variants)
{
    static struct archive a;
    char name99[100];

    memset(name99, 'n', 99);
    name99[99] = '\0';
    a.size = 0;
    add_entry_patched(&a, name99, '0', "x", 1, long_prefix);
    add_entry_patched(&a, "gnu", '0', "y", 1, gnu_magic);
    add_entry_patched(&a, "spaced", '0', "0123456789", 10, spaced_size);
    add_entry_patched(&a, "old-style", '\0', "z", 1, NULL);
    add_end(&a);

    struct found f = walk(a.bytes, a.size);
    ck_assert_int_eq(f.rc, 0);
    ck_assert_uint_eq(f.n, 4);
    ck_assert_uint_eq(strlen(f.e[0].name), 154 + 1 + 99);
    ck_assert_int_eq(f.e[0].name[154], '/');
    ck_assert_str_eq(f.e[1].name, "gnu");
    ck_assert_uint_eq(f.e[2].size, 10);
    ck_assert_str_eq(f.e[3].name, "old-style");
}
END_TEST

START_TEST(test_other_types_skipped)
{
    static struct archive a;
    char pax[600];

    memset(pax, 'x', sizeof(pax));
    a.size = 0;
    add_entry_patched(&a, "dir/", '5', NULL, 0, NULL);
    add_entry_patched(&a, "link", '2', NULL, 0, NULL);
    add_entry_patched(&a, "pax", 'x', pax, sizeof(pax), NULL); /* its data is skipped too */
    add_file(&a, "dir/file", "F", 1);
    add_end(&a);

    struct found f = walk(a.bytes, a.size);
    ck_assert_int_eq(f.rc, 0);
    ck_assert_uint_eq(f.n, 1);
    ck_assert_str_eq(f.e[0].name, "dir/file");
}
END_TEST

START_TEST(test_no_end_marker)
{
    static struct archive a;

    a.size = 0;
    add_file(&a, "only", "abc", 3);
    struct found f = walk(a.bytes, a.size);
    ck_assert_int_eq(f.rc, 0);
    ck_assert_uint_eq(f.n, 1);
}
END_TEST

/* The boot store the build made with `tar --format=ustar`. */
START_TEST(test_real_store)
{
    static unsigned char bytes[4 << 20];
    FILE *fp = fopen(SKIFF_STORE_TAR, "rb");

    ck_assert_msg(fp != NULL, "cannot open %s (build the boot-store target)", SKIFF_STORE_TAR);
    size_t size = fread(bytes, 1, sizeof(bytes), fp);
    fclose(fp);

    struct found f = walk(bytes, size);
    ck_assert_int_eq(f.rc, 0);
    ck_assert_uint_ge(f.n, 3);
    ck_assert_str_eq(f.e[0].name, "hello.elf");

    struct ustar_entry e;
    const char *why;
    ck_assert_int_eq(ustar_find(bytes, size, "h7.elf", &e, &why), 0);
    ck_assert_int_eq(memcmp(e.data, "\177ELF", 4), 0);
}
END_TEST

/* ---- malformed archives ---- */

static struct archive bad;

static void one_good_file(void)
{
    bad.size = 0;
    add_file(&bad, "file", "0123456789", 10);
    add_end(&bad);
}

START_TEST(test_truncated_header)
{
    one_good_file();
    bad.size = 100;
    expect_error(&bad, "truncated: header");
    one_good_file();
    bad.size = 2 * USTAR_BLOCK + 1; /* a good file, then a sliver of the next block */
    expect_error(&bad, "truncated: header");
}
END_TEST

START_TEST(test_bad_checksum)
{
    one_good_file();
    bad.bytes[0] ^= 1;
    expect_error(&bad, "bad header checksum");
    one_good_file();
    memcpy(bad.bytes + 148, "0x1234\0 ", 8);
    expect_error(&bad, "bad header checksum");
}
END_TEST

START_TEST(test_bad_magic)
{
    one_good_file();
    memcpy(bad.bytes + 257,
           "USTAR\0"
           "00",
           8);
    set_checksum(bad.bytes);
    expect_error(&bad, "bad magic");
}
END_TEST

START_TEST(test_size_past_end)
{
    one_good_file();
    put_octal(bad.bytes + 124, 12, 4 * USTAR_BLOCK); /* past the end marker too */
    set_checksum(bad.bytes);
    expect_error(&bad, "truncated: file data");

    one_good_file();
    put_octal(bad.bytes + 124, 12, 077777777777ull); /* the largest octal size */
    set_checksum(bad.bytes);
    expect_error(&bad, "truncated: file data");

    one_good_file();
    bad.size = USTAR_BLOCK + 100; /* data there, padding cut off */
    expect_error(&bad, "truncated: file data");
}
END_TEST

START_TEST(test_bad_size_fields)
{
    static const char sizes[][12] = {
        "0000000001 9", "00000000009", "\200\0\0\0\0\0\0\0\0\0\0\1", "           ", "1x", "-1", ""};

    for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        one_good_file();
        memcpy(bad.bytes + 124, sizes[i], 12);
        set_checksum(bad.bytes);
        expect_error(&bad, "bad size field");
    }
}
END_TEST

START_TEST(test_names_must_be_terminated)
{
    one_good_file();
    memset(bad.bytes, 'n', 100);
    set_checksum(bad.bytes);
    expect_error(&bad, "name not NUL-terminated");

    one_good_file();
    memset(bad.bytes + 345, 'p', 155);
    set_checksum(bad.bytes);
    expect_error(&bad, "name not NUL-terminated");

    one_good_file();
    memset(bad.bytes, 0, 100);
    set_checksum(bad.bytes);
    expect_error(&bad, "empty name");
}
END_TEST

START_TEST(test_error_after_good_entries)
{
    struct ustar_entry e;
    const char *why;

    bad.size = 0;
    add_file(&bad, "first", "1", 1);
    unsigned char *second = add_file(&bad, "second", "2", 1);
    add_end(&bad);
    second[0] = 'S'; /* checksum now wrong */

    struct found f = walk(bad.bytes, bad.size);
    ck_assert_uint_eq(f.n, 1);
    ck_assert_int_eq(f.rc, -EINVAL);
    ck_assert_int_eq(ustar_find(bad.bytes, bad.size, "first", &e, &why), 0);
    ck_assert_int_eq(ustar_find(bad.bytes, bad.size, "third", &e, &why), -EINVAL);
    ck_assert_ptr_nonnull(strstr(why, "checksum"));
}
END_TEST

/* ---- random corruption ---- */

static void build_sample(struct archive *a)
{
    char data[3000];

    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (char)(i * 31 + 7);
    a->size = 0;
    add_file(a, "a.elf", data, 700);
    add_entry_patched(a, "dir/", '5', NULL, 0, NULL);
    add_file(a, "b.elf", data, sizeof(data));
    add_file(a, "c", data, 1);
    add_end(a);
}

/* Flipped bytes, rewritten fields and truncation: never a crash or an overread. */
START_TEST(test_random_corruption)
{
    static struct archive good, a;
    uint64_t rng = 0x5eed0000u + (uint64_t)_i;
    unsigned int clean = 0, broken = 0;

    build_sample(&good);
    for (int round = 0; round < 4000; round++) {
        a = good;
        unsigned int flips = 1 + (unsigned int)rng_below(&rng, 8);
        for (unsigned int k = 0; k < flips; k++) {
            size_t at = rng_below(&rng, a.size);
            a.bytes[at] = (unsigned char)rng_next(&rng);
            if (rng_below(&rng, 4) == 0) /* keep the header's checksum right sometimes */
                set_checksum(a.bytes + at / USTAR_BLOCK * USTAR_BLOCK);
        }
        if (rng_below(&rng, 3) == 0)
            a.size = rng_below(&rng, a.size + 1);
        struct found f = walk(a.bytes, a.size);
        if (f.rc == 0)
            clean++;
        else
            broken++;
    }
    ck_assert_uint_gt(broken, 0);
    ck_assert_uint_gt(clean, 0);
}
END_TEST

static Suite *ustar_suite(void)
{
    Suite *s = suite_create("ustar");
    TCase *good = tcase_create("good");
    TCase *malformed = tcase_create("malformed");
    TCase *fuzz = tcase_create("corruption");

    tcase_add_test(good, test_empty_archives);
    tcase_add_test(good, test_files_in_order);
    tcase_add_test(good, test_header_variants);
    tcase_add_test(good, test_other_types_skipped);
    tcase_add_test(good, test_no_end_marker);
    tcase_add_test(good, test_real_store);
    suite_add_tcase(s, good);

    tcase_add_test(malformed, test_truncated_header);
    tcase_add_test(malformed, test_bad_checksum);
    tcase_add_test(malformed, test_bad_magic);
    tcase_add_test(malformed, test_size_past_end);
    tcase_add_test(malformed, test_bad_size_fields);
    tcase_add_test(malformed, test_names_must_be_terminated);
    tcase_add_test(malformed, test_error_after_good_entries);
    suite_add_tcase(s, malformed);

    tcase_add_loop_test(fuzz, test_random_corruption, 0, 4);
    tcase_set_timeout(fuzz, 60);
    suite_add_tcase(s, fuzz);
    return s;
}

int main(void)
{
    return run_suite(ustar_suite());
}
