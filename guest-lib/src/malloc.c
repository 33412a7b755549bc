/*
 * malloc.c - guest-lib's heap: malloc, free, calloc, realloc, aligned_alloc
 * and posix_memalign on top of page_alloc. Single-threaded, no locks.
 *
 * Design:
 *  - Every block lives in a page run from page_alloc whose first bytes are a
 *    header with a magic value, and every pointer handed out lies strictly
 *    after the start of its run. So free(p) finds the header at
 *    page_alloc_block_start(p - 1), for small and big blocks alike, without
 *    any side table; a pointer into no run, or into a run without a heap
 *    magic, was never returned by malloc.
 *  - Small blocks (up to 2048 bytes) come from slabs, one per power-of-two
 *    size class 16..2048. A slab is 1 page for classes up to 256 bytes and
 *    (class / 256) pages above, so each holds 15 or more chunks. Chunk 0
 *    starts at the header size rounded up to the class size, so every chunk
 *    is aligned to its size; aligned_alloc() with alignments up to 2048 just
 *    picks a class at least as large as the alignment. A bitmap in the header
 *    marks allocated chunks, which catches double frees. Slabs with a free
 *    chunk sit on a per-class list; a slab whose chunks are all free goes
 *    straight back to page_alloc.
 *  - Big blocks get a run of their own: header, padding up to the requested
 *    alignment, then the data. For alignments of a page or more the header
 *    takes a whole page (or align bytes) in front of the data.
 *  - malloc(0) and realloc(p, 0) return a minimum-size block, never NULL.
 */
#include <skiff/malloc.h>
#include <skiff/page_alloc.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * Declared by guest-lib's <stdlib.h>; repeated here so this file also builds
 * on the host, where the unit tests rename these to gl_* with -D.
 */
void *malloc(size_t size);
void free(void *p);
void *calloc(size_t count, size_t size);
void *realloc(void *p, size_t size);
void *aligned_alloc(size_t align, size_t size);
int posix_memalign(void **out, size_t align, size_t size);

#define HEAP_EINVAL 22
#define HEAP_ENOMEM 12

#define PAGE_BYTES PAGE_ALLOC_PAGE_SIZE

#define MIN_ALIGN         16
#define MIN_CLASS_SHIFT   4 /* smallest chunk: 16 bytes */
#define NCLASSES          8 /* 16, 32, ..., 2048 */
#define MAX_SMALL         ((size_t)MIN_ALIGN << (NCLASSES - 1))
#define SLAB_BITMAP_WORDS 4 /* enough for the 16-byte class: < 256 chunks in a page */

#define SLAB_MAGIC 0x534b494646534c42ull /* "SKIFFSLB" */
#define BIG_MAGIC  0x534b494646424947ull /* "SKIFFBIG" */

struct slab {
    uint64_t magic;
    struct slab *prev, *next; /* this class's list of slabs with a free chunk */
    uint32_t class_idx;
    uint32_t nchunks;
    uint32_t nfree;
    uint32_t first_chunk; /* byte offset of chunk 0 from the header */
    uint64_t used[SLAB_BITMAP_WORDS];
};

struct big_block {
    uint64_t magic;
    size_t run_pages;
    size_t offset;   /* the user pointer is header + offset */
    size_t reserved; /* keeps the header a multiple of 16 bytes */
};

_Static_assert((PAGE_BYTES - sizeof(struct slab)) / MIN_ALIGN <= SLAB_BITMAP_WORDS * 64,
               "slab bitmap too small for the 16-byte class");
_Static_assert(sizeof(struct big_block) % MIN_ALIGN == 0, "big header breaks 16-byte alignment");

static struct slab *slabs_with_room[NCLASSES];
static size_t bytes_in_use;

static size_t round_up(size_t x, size_t align)
{
    return (x + align - 1) & ~(align - 1);
}

static bool is_power_of_two(size_t x)
{
    return x != 0 && (x & (x - 1)) == 0;
}

static void report_bug(const char *what, const void *p)
{
    guest_lib_bug(what, (uintptr_t)p);
}

/* ---- size classes ------------------------------------------------------ */

static size_t chunk_size(unsigned cls)
{
    return (size_t)MIN_ALIGN << cls;
}

/* Smallest class whose chunks hold size bytes (size <= MAX_SMALL). */
static unsigned class_for(size_t size)
{
    if (size <= MIN_ALIGN)
        return 0;
    unsigned ceil_log2 = 64 - (unsigned)__builtin_clzll((unsigned long long)(size - 1));
    return ceil_log2 - MIN_CLASS_SHIFT;
}

static size_t slab_pages(unsigned cls)
{
    size_t cs = chunk_size(cls);
    return cs <= 256 ? 1 : cs / 256;
}

/* ---- slab lists -------------------------------------------------------- */

static void list_push(struct slab *s)
{
    struct slab **head = &slabs_with_room[s->class_idx];

    s->prev = NULL;
    s->next = *head;
    if (*head != NULL)
        (*head)->prev = s;
    *head = s;
}

static void list_remove(struct slab *s)
{
    if (s->prev != NULL)
        s->prev->next = s->next;
    else
        slabs_with_room[s->class_idx] = s->next;
    if (s->next != NULL)
        s->next->prev = s->prev;
    s->prev = s->next = NULL;
}

/* ---- small blocks ------------------------------------------------------ */

static struct slab *new_slab(unsigned cls)
{
    size_t pages = slab_pages(cls);
    struct slab *s = page_alloc(pages); /* zero-filled: empty bitmap */
    if (s == NULL)
        return NULL;

    size_t cs = chunk_size(cls);
    s->magic = SLAB_MAGIC;
    s->class_idx = cls;
    s->first_chunk = (uint32_t)round_up(sizeof(*s), cs);
    s->nchunks = (uint32_t)((pages * PAGE_BYTES - s->first_chunk) / cs);
    s->nfree = s->nchunks;
    return s;
}

static void release_slab(struct slab *s)
{
    s->magic = 0; /* a stale pointer into these pages must not look like a slab */
    page_free(s, slab_pages(s->class_idx));
}

static void *chunk_address(struct slab *s, size_t idx)
{
    return (char *)s + s->first_chunk + idx * chunk_size(s->class_idx);
}

/* Marks the first free chunk of s as used and returns its index (s has one). */
static size_t take_free_chunk(struct slab *s)
{
    for (size_t w = 0; w < SLAB_BITMAP_WORDS; w++) {
        if (s->used[w] != ~(uint64_t)0) {
            unsigned bit = (unsigned)__builtin_ctzll(~s->used[w]);
            s->used[w] |= (uint64_t)1 << bit;
            return w * 64 + bit;
        }
    }
    return 0; /* unreachable: callers only pass slabs with nfree > 0 */
}

static void *small_alloc(unsigned cls)
{
    struct slab *s = slabs_with_room[cls];

    if (s == NULL) {
        s = new_slab(cls);
        if (s == NULL)
            return NULL;
        list_push(s);
    }

    size_t idx = take_free_chunk(s);
    if (--s->nfree == 0)
        list_remove(s);
    bytes_in_use += chunk_size(cls);
    return chunk_address(s, idx);
}

/* Index of the chunk p points to, or SIZE_MAX if p is not the start of a chunk of s. */
static size_t chunk_index(const struct slab *s, const void *p)
{
    uintptr_t first = (uintptr_t)s + s->first_chunk;
    uintptr_t addr = (uintptr_t)p;
    size_t cs = chunk_size(s->class_idx);

    if (addr < first || (addr - first) % cs != 0 || (addr - first) / cs >= s->nchunks)
        return SIZE_MAX;
    return (addr - first) / cs;
}

static bool chunk_is_used(const struct slab *s, size_t idx)
{
    return (s->used[idx / 64] >> (idx % 64)) & 1;
}

static void small_free(struct slab *s, size_t idx)
{
    s->used[idx / 64] &= ~((uint64_t)1 << (idx % 64));
    bytes_in_use -= chunk_size(s->class_idx);
    if (s->nfree++ == 0)
        list_push(s);
    if (s->nfree == s->nchunks) {
        list_remove(s);
        release_slab(s);
    }
}

/* ---- big blocks -------------------------------------------------------- */

static size_t big_usable(const struct big_block *b)
{
    return b->run_pages * PAGE_BYTES - b->offset;
}

static void *big_alloc(size_t size, size_t align)
{
    size_t offset = round_up(sizeof(struct big_block), align);

    if (size > SIZE_MAX - offset - (PAGE_BYTES - 1))
        return NULL; /* would overflow: no such run can exist anyway */

    size_t pages = (offset + size + PAGE_BYTES - 1) / PAGE_BYTES;
    size_t align_pages = align > PAGE_BYTES ? align / PAGE_BYTES : 1;
    struct big_block *b = page_alloc_aligned(pages, align_pages);
    if (b == NULL)
        return NULL;

    b->magic = BIG_MAGIC;
    b->run_pages = pages;
    b->offset = offset;
    bytes_in_use += big_usable(b);
    return (char *)b + offset;
}

static void big_free(struct big_block *b)
{
    bytes_in_use -= big_usable(b);
    b->magic = 0;
    page_free(b, b->run_pages);
}

/* ---- finding a block from a user pointer ------------------------------- */

struct block {
    struct slab *slab; /* small block: its slab and chunk index */
    size_t chunk;
    struct big_block *big; /* big block: its header */
};

/*
 * Finds the block p was returned as, or reports the misuse through
 * guest_lib_bug() and returns false. p must not be NULL.
 */
static bool find_live_block(void *p, struct block *out)
{
    /* p lies strictly after its run's start, so p - 1 is always in the run. */
    const uint64_t *header = page_alloc_block_start((const void *)((uintptr_t)p - 1));

    out->slab = NULL;
    out->big = NULL;
    if (header != NULL && *header == SLAB_MAGIC) {
        struct slab *s = (struct slab *)header;
        size_t idx = chunk_index(s, p);
        if (idx == SIZE_MAX) {
            report_bug("heap: pointer is not the start of a block", p);
            return false;
        }
        if (!chunk_is_used(s, idx)) {
            report_bug("heap: double free (block is already free)", p);
            return false;
        }
        out->slab = s;
        out->chunk = idx;
        return true;
    }
    if (header != NULL && *header == BIG_MAGIC) {
        struct big_block *b = (struct big_block *)header;
        if ((uintptr_t)p != (uintptr_t)b + b->offset) {
            report_bug("heap: pointer is not the start of a block", p);
            return false;
        }
        out->big = b;
        return true;
    }
    report_bug("heap: pointer was not returned by malloc (or was already freed)", p);
    return false;
}

static size_t usable_size(const struct block *blk)
{
    return blk->slab != NULL ? chunk_size(blk->slab->class_idx) : big_usable(blk->big);
}

static void free_block(const struct block *blk)
{
    if (blk->slab != NULL)
        small_free(blk->slab, blk->chunk);
    else
        big_free(blk->big);
}

/* ---- public API -------------------------------------------------------- */

/* align: a power of two >= MIN_ALIGN. */
static void *allocate(size_t size, size_t align)
{
    /* A small chunk is aligned to its own size, so a class >= align is aligned enough. */
    size_t need = size < align ? align : size;

    if (need <= MAX_SMALL)
        return small_alloc(class_for(need));
    return big_alloc(size, align);
}

void *malloc(size_t size)
{
    return allocate(size, MIN_ALIGN);
}

void free(void *p)
{
    struct block blk;

    if (p != NULL && find_live_block(p, &blk))
        free_block(&blk);
}

void *calloc(size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size)
        return NULL;

    size_t total = count * size;
    void *p = malloc(total);
    /* Big blocks are fresh runs that page_alloc has zeroed; chunks may be reused. */
    if (p != NULL && total <= MAX_SMALL)
        memset(p, 0, total);
    return p;
}

/* Whether a block of this usable size is still a sensible home for size bytes. */
static bool fits_in_place(const struct block *blk, size_t size)
{
    if (blk->slab != NULL)
        return size <= MAX_SMALL && class_for(size) == blk->slab->class_idx;
    return size > MAX_SMALL && size <= big_usable(blk->big) && size > big_usable(blk->big) / 2;
}

void *realloc(void *p, size_t size)
{
    struct block blk;

    if (p == NULL)
        return malloc(size);
    if (!find_live_block(p, &blk))
        return NULL;
    if (fits_in_place(&blk, size))
        return p;

    void *q = malloc(size);
    if (q == NULL)
        return NULL; /* p is left as it was */

    size_t old = usable_size(&blk);
    memcpy(q, p, old < size ? old : size);
    free_block(&blk);
    return q;
}

void *aligned_alloc(size_t align, size_t size)
{
    if (!is_power_of_two(align))
        return NULL;
    return allocate(size, align < MIN_ALIGN ? MIN_ALIGN : align);
}

int posix_memalign(void **out, size_t align, size_t size)
{
    if (!is_power_of_two(align) || align % sizeof(void *) != 0)
        return HEAP_EINVAL;

    void *p = aligned_alloc(align, size);
    if (p == NULL)
        return HEAP_ENOMEM;
    *out = p;
    return 0;
}

size_t malloc_bytes_in_use(void)
{
    return bytes_in_use;
}
