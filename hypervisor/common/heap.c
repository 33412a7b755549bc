/*
 * common/heap.c - kmalloc/kfree.
 *
 * Every heap page run starts with a struct heap_page header. Small requests
 * (up to HEAP_MAX_SMALL bytes) are served from single pages cut into objects
 * of one power-of-two class, chained on a per-class list of pages with free
 * objects; larger requests get their own contiguous run of frames. The header
 * of any object is at (object & PAGE_MASK). Empty pages are freed at once.
 */
#include <string.h>

#include <skiff/arch.h>
#include <skiff/frame.h>
#include <skiff/heap.h>
#include <skiff/panic.h>

#define HEAP_MAGIC     0x48454150u /* "HEAP" */
#define HEAP_MIN_SHIFT 5           /* 32-byte objects */
#define HEAP_MAX_SHIFT 11          /* 2048-byte objects */
#define HEAP_MAX_SMALL (1u << HEAP_MAX_SHIFT)
#define HEAP_HDR_SIZE  64
#define NR_CLASSES     (HEAP_MAX_SHIFT - HEAP_MIN_SHIFT + 1)
#define HEAP_LARGE     0xffffu

struct heap_object {
    struct heap_object *next;
};

struct heap_page {
    uint32_t magic;
    uint16_t class_idx; /* size class, or HEAP_LARGE */
    uint16_t in_use;    /* live objects (small pages) */
    uint64_t nr_pages;  /* frames in this run (large) */
    struct heap_object *free_list;
    struct heap_page *next_partial, *prev_partial;
    size_t bytes; /* bytes handed out for a large run */
};
_Static_assert(sizeof(struct heap_page) <= HEAP_HDR_SIZE, "heap header fits");

static struct heap_page *partial[NR_CLASSES];
static size_t bytes_used;

static unsigned int class_of(size_t size)
{
    unsigned int c = 0;

    while ((1u << (HEAP_MIN_SHIFT + c)) < size)
        c++;
    return c;
}

static size_t class_size(unsigned int c)
{
    return 1u << (HEAP_MIN_SHIFT + c);
}

static void partial_add(struct heap_page *pg)
{
    pg->prev_partial = NULL;
    pg->next_partial = partial[pg->class_idx];
    if (pg->next_partial)
        pg->next_partial->prev_partial = pg;
    partial[pg->class_idx] = pg;
}

static void partial_remove(struct heap_page *pg)
{
    if (pg->prev_partial)
        pg->prev_partial->next_partial = pg->next_partial;
    else
        partial[pg->class_idx] = pg->next_partial;
    if (pg->next_partial)
        pg->next_partial->prev_partial = pg->prev_partial;
    pg->next_partial = pg->prev_partial = NULL;
}

static struct heap_page *new_small_page(unsigned int c)
{
    mfn_t f = frame_alloc();

    if (!mfn_valid(f))
        return NULL;
    struct heap_page *pg = arch_maddr_to_virt(mfn_to_maddr(f));
    memset(pg, 0, HEAP_HDR_SIZE);
    pg->magic = HEAP_MAGIC;
    pg->class_idx = (uint16_t)c;
    pg->nr_pages = 1;
    /* Objects start at the first class-size boundary after the header. */
    size_t sz = class_size(c);
    for (size_t off = ALIGN_UP((size_t)HEAP_HDR_SIZE, sz); off + sz <= PAGE_SIZE; off += sz) {
        struct heap_object *o = (struct heap_object *)((char *)pg + off);
        o->next = pg->free_list;
        pg->free_list = o;
    }
    partial_add(pg);
    return pg;
}

static void *alloc_small(size_t size)
{
    unsigned int c = class_of(size);
    struct heap_page *pg = partial[c];

    if (!pg && !(pg = new_small_page(c)))
        return NULL;
    struct heap_object *o = pg->free_list;
    pg->free_list = o->next;
    pg->in_use++;
    if (!pg->free_list)
        partial_remove(pg);
    bytes_used += class_size(c);
    return o;
}

static void *alloc_large(size_t size)
{
    uint64_t pages = (HEAP_HDR_SIZE + (uint64_t)size + PAGE_SIZE - 1) / PAGE_SIZE;
    mfn_t f;

    if (size > (1ull << 40) || frame_pool_alloc_range(&hv_frames, pages, 1, &f))
        return NULL;
    struct heap_page *pg = arch_maddr_to_virt(mfn_to_maddr(f));
    memset(pg, 0, HEAP_HDR_SIZE);
    pg->magic = HEAP_MAGIC;
    pg->class_idx = HEAP_LARGE;
    pg->nr_pages = pages;
    pg->bytes = size;
    bytes_used += size;
    return (char *)pg + HEAP_HDR_SIZE;
}

void *kmalloc(size_t size)
{
    if (size == 0)
        size = 1;
    return size <= HEAP_MAX_SMALL ? alloc_small(size) : alloc_large(size);
}

void *kzalloc(size_t size)
{
    void *p = kmalloc(size);

    if (p)
        memset(p, 0, size);
    return p;
}

static void free_small(struct heap_page *pg, void *p)
{
    struct heap_object *o = p;
    size_t sz = class_size(pg->class_idx);
    uintptr_t off = (uintptr_t)p & ~PAGE_MASK;

    BUG_ON(off < HEAP_HDR_SIZE || off % sz != 0 || pg->in_use == 0);
    for (struct heap_object *f = pg->free_list; f; f = f->next)
        BUG_ON(f == o); /* double free */
    if (!pg->free_list)
        partial_add(pg);
    o->next = pg->free_list;
    pg->free_list = o;
    pg->in_use--;
    bytes_used -= sz;
    if (pg->in_use == 0) {
        partial_remove(pg);
        pg->magic = 0;
        frame_free(maddr_to_mfn(arch_virt_to_maddr(pg)));
    }
}

void kfree(void *p)
{
    if (!p)
        return;
    struct heap_page *pg = (struct heap_page *)((uintptr_t)p & PAGE_MASK);
    BUG_ON(pg->magic != HEAP_MAGIC);
    if (pg->class_idx != HEAP_LARGE) {
        free_small(pg, p);
        return;
    }
    BUG_ON((char *)p != (char *)pg + HEAP_HDR_SIZE);
    bytes_used -= pg->bytes;
    pg->magic = 0;
    frame_pool_free(&hv_frames, maddr_to_mfn(arch_virt_to_maddr(pg)), pg->nr_pages);
}

size_t heap_bytes_used(void)
{
    return bytes_used;
}
