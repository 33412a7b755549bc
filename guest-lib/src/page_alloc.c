/*
 * page_alloc.c - guest-lib's page allocator: owns every free RAM range the
 * guest was given at boot and hands out contiguous, zero-filled page runs.
 *
 * Design:
 *  - A small static table holds up to PAGE_ALLOC_MAX_RANGES ranges. A run
 *    never spans two ranges, even adjacent ones.
 *  - Each range keeps its metadata in its own first pages: two bitmaps with
 *    one bit per usable page. "used" marks allocated pages, "head" marks the
 *    first page of each allocated run. With both, page_free() can check it was
 *    given exactly one live run (right start, right length), so double frees,
 *    frees of memory never allocated and size mismatches are reported through
 *    guest_lib_bug() before anything is changed. The head bits also let
 *    page_alloc_block_start() map any address to the start of its run.
 *  - Allocation is next-fit: each range remembers where its last run ended and
 *    the search resumes there, wrapping to the start once; the range that
 *    served the last request is tried first. Bitmaps are scanned a 64-bit word
 *    at a time (full words are skipped, free and busy stretches are measured
 *    with ctz), so a search costs O(pages / 64) plus one step per fragment.
 *  - Pages are zeroed when handed out, not when freed.
 */
#include <skiff/page_alloc.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define PA_EINVAL 22
#define PA_ENOSPC 28

#define PAGE_SHIFT PAGE_ALLOC_PAGE_SHIFT
#define PAGE_BYTES PAGE_ALLOC_PAGE_SIZE
#define WORD_BITS  64
#define ALL_ONES   (~(uint64_t)0)
#define NOT_FOUND  SIZE_MAX
/* Bounds alignments so that rounding a page number up can never overflow. */
#define MAX_ALIGN_PAGES ((UINTPTR_MAX >> PAGE_SHIFT) / 2)

struct page_range {
    uintptr_t start; /* first byte of the range, metadata pages included */
    uintptr_t end;   /* one past its last byte */
    uintptr_t data;  /* address of page index 0, the first allocatable page */
    size_t npages;   /* allocatable pages */
    size_t nfree;    /* of those, currently free */
    size_t next_fit; /* page index where the next search starts */
    uint64_t *used;  /* bit i set: page i is allocated */
    uint64_t *head;  /* bit i set: page i starts an allocated run */
};

static struct page_range ranges[PAGE_ALLOC_MAX_RANGES];
static size_t nranges;
static size_t last_range; /* index of the range that served the last allocation */

/* ---- bitmap helpers ---------------------------------------------------- */

static size_t words_for_bits(size_t nbits)
{
    return (nbits + WORD_BITS - 1) / WORD_BITS;
}

static bool test_bit(const uint64_t *map, size_t i)
{
    return (map[i / WORD_BITS] >> (i % WORD_BITS)) & 1;
}

/* First index in [from, limit) whose bit equals want_set, or limit if none. */
static size_t find_next_bit(const uint64_t *map, size_t from, size_t limit, bool want_set)
{
    const uint64_t flip = want_set ? 0 : ALL_ONES;

    while (from < limit) {
        size_t w = from / WORD_BITS;
        uint64_t hits = (map[w] ^ flip) & (ALL_ONES << (from % WORD_BITS));

        if (hits != 0) {
            size_t i = w * WORD_BITS + (size_t)__builtin_ctzll(hits);
            return i < limit ? i : limit;
        }
        from = (w + 1) * WORD_BITS;
    }
    return limit;
}

/* Last set bit at an index <= i, or NOT_FOUND. */
static size_t find_prev_set_bit(const uint64_t *map, size_t i)
{
    size_t w = i / WORD_BITS;
    uint64_t bits = map[w] & (ALL_ONES >> (WORD_BITS - 1 - i % WORD_BITS));

    for (;;) {
        if (bits != 0)
            return w * WORD_BITS + (WORD_BITS - 1) - (size_t)__builtin_clzll(bits);
        if (w == 0)
            return NOT_FOUND;
        bits = map[--w];
    }
}

/* Sets (or clears) count bits from start, a word at a time. */
static void write_bit_run(uint64_t *map, size_t start, size_t count, bool set)
{
    while (count > 0) {
        size_t offset = start % WORD_BITS;
        size_t n = WORD_BITS - offset < count ? WORD_BITS - offset : count;
        uint64_t mask = (n == WORD_BITS ? ALL_ONES : (((uint64_t)1 << n) - 1)) << offset;

        if (set)
            map[start / WORD_BITS] |= mask;
        else
            map[start / WORD_BITS] &= ~mask;
        start += n;
        count -= n;
    }
}

static bool all_bits_set(const uint64_t *map, size_t start, size_t count)
{
    return find_next_bit(map, start, start + count, false) == start + count;
}

static bool any_bit_set(const uint64_t *map, size_t start, size_t count)
{
    return find_next_bit(map, start, start + count, true) != start + count;
}

/* ---- ranges ------------------------------------------------------------ */

static bool is_page_aligned(uintptr_t x)
{
    return (x & (PAGE_BYTES - 1)) == 0;
}

static bool is_power_of_two(size_t x)
{
    return x != 0 && (x & (x - 1)) == 0;
}

static uintptr_t page_address(const struct page_range *r, size_t idx)
{
    return r->data + (idx << PAGE_SHIFT);
}

static size_t page_index(const struct page_range *r, uintptr_t addr)
{
    return (addr - r->data) >> PAGE_SHIFT;
}

static bool overlaps_a_range(uintptr_t start, uintptr_t end)
{
    for (size_t i = 0; i < nranges; i++) {
        if (start < ranges[i].end && ranges[i].start < end)
            return true;
    }
    return false;
}

/* The range whose allocatable pages include addr, or NULL (metadata pages excluded). */
static struct page_range *range_holding_page(uintptr_t addr)
{
    for (size_t i = 0; i < nranges; i++) {
        if (addr >= ranges[i].data && addr < ranges[i].end)
            return &ranges[i];
    }
    return NULL;
}

/*
 * Pages needed for both bitmaps of a range of total_pages pages. Sizing them
 * for all pages (not just the allocatable ones) wastes at most a few bits.
 */
static size_t metadata_pages_for(size_t total_pages)
{
    size_t bytes = 2 * words_for_bits(total_pages) * sizeof(uint64_t);

    return (bytes + PAGE_BYTES - 1) / PAGE_BYTES;
}

static void init_range(struct page_range *r, uintptr_t base, size_t total_pages, size_t meta_pages)
{
    r->start = base;
    r->end = base + (total_pages << PAGE_SHIFT);
    r->data = base + (meta_pages << PAGE_SHIFT);
    r->npages = total_pages - meta_pages;
    r->nfree = r->npages;
    r->next_fit = 0;
    r->used = (uint64_t *)base;
    r->head = r->used + words_for_bits(r->npages);
    memset(r->used, 0, meta_pages << PAGE_SHIFT);
}

int page_alloc_add_range(uintptr_t base, size_t size)
{
    if (size == 0 || !is_page_aligned(base) || !is_page_aligned(size))
        return -PA_EINVAL;
    if (size > UINTPTR_MAX - base)
        return -PA_EINVAL; /* wraps around the address space */
    if (overlaps_a_range(base, base + size))
        return -PA_EINVAL;

    if (base == 0) {
        base += PAGE_BYTES;
        size -= PAGE_BYTES;
    }
    size_t total_pages = size >> PAGE_SHIFT;
    size_t meta_pages = metadata_pages_for(total_pages);
    if (meta_pages >= total_pages)
        return 0; /* nothing left to hand out: accepted, ignored */

    if (nranges == PAGE_ALLOC_MAX_RANGES)
        return -PA_ENOSPC;
    init_range(&ranges[nranges++], base, total_pages, meta_pages);
    return 0;
}

/* ---- allocation -------------------------------------------------------- */

/* Smallest index >= idx whose page address is a multiple of align_pages pages. */
static size_t align_index_up(const struct page_range *r, size_t idx, size_t align_pages)
{
    uintptr_t first_pfn = r->data >> PAGE_SHIFT;
    uintptr_t pfn = first_pfn + idx;
    uintptr_t aligned = (pfn + align_pages - 1) & ~(uintptr_t)(align_pages - 1);

    return aligned - first_pfn;
}

/* First aligned run of n free pages starting at an index >= from, or NOT_FOUND. */
static size_t find_free_run(const struct page_range *r, size_t from, size_t n, size_t align_pages)
{
    size_t pos = from;

    while (pos < r->npages) {
        pos = find_next_bit(r->used, pos, r->npages, false);
        pos = align_index_up(r, pos, align_pages);
        if (pos >= r->npages || r->npages - pos < n)
            return NOT_FOUND;

        size_t busy = find_next_bit(r->used, pos, pos + n, true);
        if (busy == pos + n)
            return pos;
        pos = busy + 1;
    }
    return NOT_FOUND;
}

static size_t find_run_next_fit(const struct page_range *r, size_t n, size_t align_pages)
{
    if (n > r->nfree)
        return NOT_FOUND;

    size_t idx = find_free_run(r, r->next_fit, n, align_pages);
    if (idx == NOT_FOUND && r->next_fit != 0)
        idx = find_free_run(r, 0, n, align_pages);
    return idx;
}

static void *claim_run(struct page_range *r, size_t idx, size_t n)
{
    void *p = (void *)page_address(r, idx);

    write_bit_run(r->used, idx, n, true);
    write_bit_run(r->head, idx, 1, true);
    r->nfree -= n;
    r->next_fit = idx + n < r->npages ? idx + n : 0;
    memset(p, 0, n << PAGE_SHIFT);
    return p;
}

void *page_alloc_aligned(size_t npages, size_t align_pages)
{
    if (npages == 0 || !is_power_of_two(align_pages) || align_pages > MAX_ALIGN_PAGES)
        return NULL;

    for (size_t k = 0; k < nranges; k++) {
        size_t which = (last_range + k) % nranges;
        struct page_range *r = &ranges[which];
        size_t idx = find_run_next_fit(r, npages, align_pages);

        if (idx != NOT_FOUND) {
            last_range = which;
            return claim_run(r, idx, npages);
        }
    }
    return NULL;
}

void *page_alloc(size_t npages)
{
    return page_alloc_aligned(npages, 1);
}

/* ---- freeing ----------------------------------------------------------- */

/*
 * Why [idx, idx + n) is not exactly one live run, or NULL if it is. The run
 * must start at a head bit, be fully allocated, contain no other head and
 * not be followed by more pages of the same run.
 */
static const char *why_not_one_live_run(const struct page_range *r, size_t idx, size_t n)
{
    if (!test_bit(r->used, idx))
        return "page_free: double free or page never allocated";
    if (!test_bit(r->head, idx))
        return "page_free: address is inside an allocation, not at its start";
    if (!all_bits_set(r->used, idx, n))
        return "page_free: run is longer than the allocation";
    if (n > 1 && any_bit_set(r->head, idx + 1, n - 1))
        return "page_free: run covers more than one allocation";

    size_t after = idx + n;
    if (after < r->npages && test_bit(r->used, after) && !test_bit(r->head, after))
        return "page_free: run is shorter than the allocation";
    return NULL;
}

void page_free(void *p, size_t npages)
{
    uintptr_t addr = (uintptr_t)p;

    if (p == NULL)
        return;

    struct page_range *r = range_holding_page(addr);
    if (r == NULL || !is_page_aligned(addr)) {
        guest_lib_bug("page_free: address is not a page this allocator hands out", addr);
        return;
    }

    size_t idx = page_index(r, addr);
    if (npages == 0 || npages > r->npages - idx) {
        guest_lib_bug("page_free: bad page count", addr);
        return;
    }

    const char *why = why_not_one_live_run(r, idx, npages);
    if (why != NULL) {
        guest_lib_bug(why, addr);
        return;
    }

    write_bit_run(r->used, idx, npages, false);
    write_bit_run(r->head, idx, 1, false);
    r->nfree += npages;
}

/* ---- queries ----------------------------------------------------------- */

void *page_alloc_block_start(const void *addr)
{
    struct page_range *r = range_holding_page((uintptr_t)addr);
    if (r == NULL)
        return NULL;

    size_t idx = page_index(r, (uintptr_t)addr);
    if (!test_bit(r->used, idx))
        return NULL;

    /* Every allocated run begins with a head bit, so one exists at or below idx. */
    size_t first = find_prev_set_bit(r->head, idx);
    return first == NOT_FOUND ? NULL : (void *)page_address(r, first);
}

size_t page_alloc_free_pages(void)
{
    size_t n = 0;

    for (size_t i = 0; i < nranges; i++)
        n += ranges[i].nfree;
    return n;
}

size_t page_alloc_total_pages(void)
{
    size_t n = 0;

    for (size_t i = 0; i < nranges; i++)
        n += ranges[i].npages;
    return n;
}

void page_alloc_reset(void)
{
    memset(ranges, 0, sizeof(ranges));
    nranges = 0;
    last_range = 0;
}
