/*
 * test_guest_access.c - HOSTILE.md H2 against common/guest_access.c: a table
 * of guest addresses and lengths (NULL, page 0, the ends of RAM,
 * non-canonical and hypervisor addresses, wrap-around, huge lengths, pages
 * read-only / execute / unmapped) run through copy_from_guest,
 * copy_to_guest, clear_guest and guest_range_check on domains with
 * contiguous and scattered RAM. A refused call must not move a single byte.
 */
#include <errno.h>
#include <stdlib.h>

#include <skiff/guest_access.h>

#include "core_test.h"

#define NR_PAGES 64
#define RAM_END  ((uint64_t)NR_PAGES * PAGE_SIZE)
#define PG(n)    ((uint64_t)(n)*PAGE_SIZE)

/* Pages with special permissions. */
#define PAGE_RO      10 /* R */
#define PAGE_RX      11 /* R+X */
#define PAGE_XO      12 /* X only */
#define PAGE_HOLE    13 /* not mapped */
#define PAGE_RUN     20 /* 20..22 R+W, then ... */
#define PAGE_RUN_END 23 /* ... not mapped */
#define PAGE_HIGH    24 /* 24..63 R+W, up to the end of RAM */

#define BUF_SIZE RAM_END

static uint8_t *hv_buf;  /* the hypervisor side of a copy */
static uint8_t *src_buf; /* what copy_to_guest writes */

static uint8_t ram_byte(uint64_t gpa)
{
    return (uint8_t)(gpa * 13 + (gpa >> PAGE_SHIFT) * 7 + 1);
}

static struct domain *make_domain(bool contiguous)
{
    struct domain *d = core_domain(1, false, NR_PAGES, contiguous);

    for (uint64_t g = 1; g < NR_PAGES; g++) {
        uint8_t *page = core_guest_page(d, g);
        for (uint64_t i = 0; i < PAGE_SIZE; i++)
            page[i] = ram_byte(PG(g) + i);
    }
    ck_assert_int_eq(domain_set_perms(d, PAGE_RO, 1, P2M_R), 0);
    ck_assert_int_eq(domain_set_perms(d, PAGE_RX, 1, P2M_R | P2M_X), 0);
    ck_assert_int_eq(domain_set_perms(d, PAGE_XO, 1, P2M_X), 0);
    ck_assert_int_eq(domain_set_perms(d, PAGE_HOLE, 1, 0), 0);
    ck_assert_int_eq(domain_set_perms(d, PAGE_RUN_END, 1, 0), 0);
    return d;
}

static void access_setup(void)
{
    core_setup();
    hv_buf = malloc(BUF_SIZE);
    src_buf = malloc(BUF_SIZE);
    ck_assert(hv_buf && src_buf);
    for (size_t i = 0; i < BUF_SIZE; i++)
        src_buf[i] = (uint8_t)(i * 29 + 5);
}

static void access_teardown(void)
{
    free(hv_buf);
    free(src_buf);
    core_teardown();
}

struct access_case {
    const char *name;
    uint64_t va;
    size_t len;
    bool read_ok, write_ok;
};

#define OK_BOTH(n, va, len)    \
    {                          \
        n, va, len, true, true \
    }
#define BAD_BOTH(n, va, len)     \
    {                            \
        n, va, len, false, false \
    }
#define READ_ONLY(n, va, len)   \
    {                           \
        n, va, len, true, false \
    }

static const struct access_case cases[] = {
    OK_BOTH("first byte of RAM", PG(1), 1),
    OK_BOTH("last byte of RAM", RAM_END - 1, 1),
    OK_BOTH("pages 1-9", PG(1), 9 * PAGE_SIZE),
    OK_BOTH("crossing two page boundaries", PG(2) - 16, PAGE_SIZE + 32),
    OK_BOTH("last three pages", RAM_END - PG(3), PG(3)),
    OK_BOTH("run before the hole", PG(PAGE_RUN) + 100, PG(3) - 100),
    OK_BOTH("up to the last byte of RAM", PG(PAGE_HIGH), RAM_END - PG(PAGE_HIGH)),
    OK_BOTH("len 0 at NULL", 0, 0),
    OK_BOTH("len 0 in page 0", 0x800, 0),
    OK_BOTH("len 0 at end of RAM", RAM_END, 0),
    OK_BOTH("len 0 in the hole", PG(PAGE_HOLE), 0),
    OK_BOTH("len 0 in a read-only page", PG(PAGE_RO), 0),
    OK_BOTH("len 0 non-canonical", 0x0000800000000000ull, 0),
    OK_BOTH("len 0 in hypervisor space", 0xffff800000000000ull, 0),
    OK_BOTH("len 0 at 2^64-1", UINT64_MAX, 0),
    BAD_BOTH("NULL", 0, 1),
    BAD_BOTH("NULL, 8 bytes", 0, 8),
    BAD_BOTH("middle of page 0", 0x800, 4),
    BAD_BOTH("last byte of page 0", 0xfff, 1),
    BAD_BOTH("page 0 into page 1", 0xff0, 32),
    BAD_BOTH("straddling the end of RAM", RAM_END - 8, 16),
    BAD_BOTH("one byte past the end", RAM_END - 1, 2),
    BAD_BOTH("just past RAM", RAM_END, 1),
    BAD_BOTH("a page past RAM", RAM_END + PAGE_SIZE, 8),
    BAD_BOTH("1 TiB", 1ull << 40, 8),
    BAD_BOTH("top of the lower half", 0x00007ffffffff000ull, 16),
    BAD_BOTH("non-canonical", 0x0000800000000000ull, 8),
    BAD_BOTH("hypervisor text", 0xffffffff80000000ull, 8),
    BAD_BOTH("hypervisor direct map", 0xffff800000000000ull, 8),
    BAD_BOTH("wrapping", 0xfffffffffffffff0ull, 32),
    BAD_BOTH("last byte of the address space, 2 bytes", UINT64_MAX, 2),
    BAD_BOTH("last byte of the address space", UINT64_MAX, 1),
    BAD_BOTH("huge length SIZE_MAX", PG(PAGE_HIGH), SIZE_MAX),
    BAD_BOTH("huge length 1<<40", PG(PAGE_HIGH), 1ull << 40),
    BAD_BOTH("length ending at 2^64", PG(PAGE_HIGH), SIZE_MAX - PG(PAGE_HIGH) + 1),
    BAD_BOTH("length reaching one past RAM", PG(PAGE_HIGH), RAM_END - PG(PAGE_HIGH) + 1),
    BAD_BOTH("int -1 as a length", PG(PAGE_HIGH), (size_t)(int64_t)-1),
    BAD_BOTH("length of 2^63", PG(PAGE_HIGH), 1ull << 63),
    BAD_BOTH("whole RAM from page 0", 0, RAM_END),
    BAD_BOTH("unmapped page", PG(PAGE_HOLE), 1),
    BAD_BOTH("last byte of an unmapped page", PG(PAGE_HOLE) + PAGE_SIZE - 1, 1),
    BAD_BOTH("unmapped page into a good one", PG(PAGE_HOLE) + 4000, 200),
    BAD_BOTH("good page into an unmapped one", PG(PAGE_HOLE) - 8, 16),
    BAD_BOTH("multi-page, last page unmapped", PG(PAGE_RUN) + 100, PG(3)),
    BAD_BOTH("execute-only page", PG(PAGE_XO), 16),
    BAD_BOTH("read-only, RX, X-only pages", PG(PAGE_RO), PG(3)),
    READ_ONLY("read-only page", PG(PAGE_RO), PAGE_SIZE),
    READ_ONLY("last byte of the read-only page", PG(PAGE_RO) + PAGE_SIZE - 1, 1),
    READ_ONLY("writable page into a read-only one", PG(PAGE_RO) - 8, 16),
    READ_ONLY("read-execute page", PG(PAGE_RX) + 5, 100),
    READ_ONLY("read-only then read-execute", PG(PAGE_RO) + 100, PAGE_SIZE),
};

/* The case's range, if it fits the buffers (successful copies always do). */
static size_t copy_len(const struct access_case *c)
{
    return c->len <= BUF_SIZE ? c->len : 0;
}

static void check_copy_from(struct domain *d, const struct access_case *c)
{
    memset(hv_buf, 0xee, BUF_SIZE);
    int rc = copy_from_guest(d, hv_buf, gva(c->va), c->len);

    ck_assert_msg(rc == (c->read_ok ? 0 : -EFAULT), "copy_from_guest %s: rc %d", c->name, rc);
    size_t n = c->read_ok ? copy_len(c) : 0;
    for (size_t i = 0; i < n; i++)
        CORE_CHECK(hv_buf[i] == ram_byte(c->va + i), "copy_from_guest %s: byte %zu wrong", c->name,
                   i);
    for (size_t i = n; i < BUF_SIZE; i++)
        CORE_CHECK(hv_buf[i] == 0xee, "copy_from_guest %s: wrote hypervisor byte %zu", c->name, i);
}

/* After a write of [va, va+len): written bytes are want(i), all else as in snap. */
static void check_guest_after_write(struct domain *d, const struct access_case *c,
                                    const uint8_t *snap, bool wrote, const uint8_t *want)
{
    for (uint64_t g = 1; g < NR_PAGES; g++) {
        const uint8_t *now = core_guest_page(d, g);
        for (uint64_t i = 0; i < PAGE_SIZE; i++) {
            uint64_t gpa = PG(g) + i;
            bool in = wrote && gpa >= c->va && gpa - c->va < c->len;
            uint8_t expect = in ? (want ? want[gpa - c->va] : 0) : snap[gpa];
            CORE_CHECK(now[i] == expect, "%s: guest byte 0x%llx is 0x%02x, want 0x%02x", c->name,
                       (unsigned long long)gpa, now[i], expect);
        }
    }
}

static void check_copy_to(struct domain *d, const struct access_case *c)
{
    uint8_t *snap = core_guest_snapshot(d);
    int rc = copy_to_guest(d, gva(c->va), src_buf, c->len);

    ck_assert_msg(rc == (c->write_ok ? 0 : -EFAULT), "copy_to_guest %s: rc %d", c->name, rc);
    check_guest_after_write(d, c, snap, c->write_ok, src_buf);
    core_guest_write(d, PG(1), snap + PG(1), RAM_END - PG(1)); /* restore */
    free(snap);
}

static void check_clear(struct domain *d, const struct access_case *c)
{
    uint8_t *snap = core_guest_snapshot(d);
    int rc = clear_guest(d, gva(c->va), c->len);

    ck_assert_msg(rc == (c->write_ok ? 0 : -EFAULT), "clear_guest %s: rc %d", c->name, rc);
    check_guest_after_write(d, c, snap, c->write_ok, NULL);
    core_guest_write(d, PG(1), snap + PG(1), RAM_END - PG(1));
    free(snap);
}

static void check_range(struct domain *d, const struct access_case *c)
{
    int r = guest_range_check(d, gva(c->va), c->len, P2M_R);
    int w = guest_range_check(d, gva(c->va), c->len, P2M_W);
    int rw = guest_range_check(d, gva(c->va), c->len, P2M_R | P2M_W);

    ck_assert_msg(r == (c->read_ok ? 0 : -EFAULT), "range_check(R) %s: %d", c->name, r);
    ck_assert_msg(w == (c->write_ok ? 0 : -EFAULT), "range_check(W) %s: %d", c->name, w);
    ck_assert_msg(rw == (c->write_ok ? 0 : -EFAULT), "range_check(RW) %s: %d", c->name, rw);
}

/* _i: bit 0 = scattered RAM; the rest indexes cases[]. */
START_TEST(test_access_case)
{
    const struct access_case *c = &cases[_i / 2];
    struct domain *d = make_domain(_i % 2 == 0);

    check_range(d, c);
    check_copy_from(d, c);
    check_copy_to(d, c);
    check_clear(d, c);
    domain_destroy(d);
}
END_TEST

START_TEST(test_range_check_exec_and_any)
{
    struct domain *d = make_domain(_i == 0);

    ck_assert_int_eq(guest_range_check(d, gva(PG(PAGE_RX)), PAGE_SIZE, P2M_X), 0);
    ck_assert_int_eq(guest_range_check(d, gva(PG(PAGE_RX)), PAGE_SIZE, P2M_R | P2M_X), 0);
    ck_assert_int_eq(guest_range_check(d, gva(PG(PAGE_XO)), PAGE_SIZE, P2M_X), 0);
    ck_assert_int_eq(guest_range_check(d, gva(PG(PAGE_RX)), PG(2), P2M_X), 0); /* RX then X */
    ck_assert_int_eq(guest_range_check(d, gva(PG(PAGE_RO)), PAGE_SIZE, P2M_X), -EFAULT);
    ck_assert_int_eq(guest_range_check(d, gva(PG(1)), PAGE_SIZE, P2M_X), -EFAULT);
    /* perms 0: "mapped at all" */
    ck_assert_int_eq(guest_range_check(d, gva(PG(1)), PG(12), 0), 0);
    ck_assert_int_eq(guest_range_check(d, gva(PG(PAGE_HOLE)), 1, 0), -EFAULT);
    ck_assert_int_eq(guest_range_check(d, gva(0), 1, 0), -EFAULT);
    domain_destroy(d);
}
END_TEST

/* A copy across pages lands in the right frames, even when they are scattered. */
START_TEST(test_page_crossing_copies)
{
    struct domain *d = make_domain(_i == 0);
    static const uint64_t starts[] = {PG(2) - 1, PG(2) - 100, PG(3), PG(4) + 4095};
    static const size_t lens[] = {2, 200, PG(3), PG(2) + 2};

    for (unsigned int k = 0; k < ARRAY_SIZE(starts); k++) {
        uint8_t back[PG(4)];
        ck_assert_int_eq(copy_to_guest(d, gva(starts[k]), src_buf + k, lens[k]), 0);
        core_guest_read(d, starts[k], back, lens[k]);
        ck_assert_int_eq(memcmp(back, src_buf + k, lens[k]), 0);
        memset(back, 0, sizeof(back));
        ck_assert_int_eq(copy_from_guest(d, back, gva(starts[k]), lens[k]), 0);
        ck_assert_int_eq(memcmp(back, src_buf + k, lens[k]), 0);
        ck_assert_int_eq(clear_guest(d, gva(starts[k]), lens[k]), 0);
        core_guest_read(d, starts[k], back, lens[k]);
        for (size_t i = 0; i < lens[k]; i++)
            CORE_CHECK(back[i] == 0, "clear_guest left byte %zu", i);
    }
    domain_destroy(d);
}
END_TEST

START_TEST(test_domain_without_ram)
{
    struct domain *d = core_create(5, "no-ram", false);
    uint8_t b = 0x42;

    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(copy_from_guest(d, &b, gva(PG(1)), 1), -EFAULT);
    ck_assert_int_eq(copy_to_guest(d, gva(PG(1)), &b, 1), -EFAULT);
    ck_assert_int_eq(clear_guest(d, gva(PG(1)), 1), -EFAULT);
    ck_assert_int_eq(guest_range_check(d, gva(0), 1, P2M_R), -EFAULT);
    ck_assert_int_eq(copy_from_guest(d, &b, gva(0), 0), 0);
    ck_assert_uint_eq(b, 0x42);
    domain_destroy(d);
}
END_TEST

/* Permissions changed after RAM was given are honoured at once, both ways. */
START_TEST(test_permission_changes_take_effect)
{
    struct domain *d = make_domain(_i == 0);
    uint8_t b = 1;

    ck_assert_int_eq(copy_to_guest(d, gva(PG(5)), &b, 1), 0);
    ck_assert_int_eq(domain_set_perms(d, 5, 1, P2M_R), 0);
    ck_assert_int_eq(copy_to_guest(d, gva(PG(5)), &b, 1), -EFAULT);
    ck_assert_int_eq(domain_set_perms(d, 5, 1, 0), 0);
    ck_assert_int_eq(copy_from_guest(d, &b, gva(PG(5)), 1), -EFAULT);
    ck_assert_int_eq(domain_set_perms(d, 5, 1, P2M_R | P2M_W), 0);
    ck_assert_int_eq(copy_from_guest(d, &b, gva(PG(5)), 1), 0);
    ck_assert_int_eq(domain_set_perms(d, PAGE_HOLE, 1, P2M_R | P2M_W), 0);
    ck_assert_int_eq(copy_to_guest(d, gva(PG(PAGE_HOLE)), &b, 1), 0);
    domain_destroy(d);
}
END_TEST

static Suite *guest_access_suite(void)
{
    Suite *s = suite_create("guest_access");
    TCase *tc = tcase_create("h2");

    tcase_add_checked_fixture(tc, access_setup, access_teardown);
    tcase_add_loop_test(tc, test_access_case, 0, 2 * (int)ARRAY_SIZE(cases));
    tcase_add_loop_test(tc, test_range_check_exec_and_any, 0, 2);
    tcase_add_loop_test(tc, test_page_crossing_copies, 0, 2);
    tcase_add_test(tc, test_domain_without_ram);
    tcase_add_loop_test(tc, test_permission_changes_take_effect, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    core_machine_bytes = 4ul << 20; /* plenty for a 64-page domain */
    return core_run_suite(guest_access_suite());
}
