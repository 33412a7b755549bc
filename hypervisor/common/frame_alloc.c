/*
 * common/frame_alloc.c - the machine frame allocator: a bitmap per pool, a
 * next-fit hint for single frames and a word-at-a-time scan for aligned runs.
 */
#include <string.h>

#include <skiff/arch.h>
#include <skiff/errno.h>
#include <skiff/frame.h>
#include <skiff/panic.h>

struct frame_pool hv_frames;

#define BITS_PER_WORD 64

size_t frame_pool_bitmap_bytes(uint64_t nr_frames)
{
    return ALIGN_UP(nr_frames, BITS_PER_WORD) / 8;
}

void frame_pool_init(struct frame_pool *p, uint64_t base_mfn, uint64_t nr_frames, uint64_t *bitmap)
{
    p->base_mfn = base_mfn;
    p->nr_frames = nr_frames;
    p->bitmap = bitmap;
    p->free_count = 0;
    p->total = 0;
    p->hint = 0;
    memset(bitmap, 0, frame_pool_bitmap_bytes(nr_frames));
}

static bool test_bit(const struct frame_pool *p, uint64_t i)
{
    return (p->bitmap[i / BITS_PER_WORD] >> (i % BITS_PER_WORD)) & 1;
}

static void set_bit(struct frame_pool *p, uint64_t i)
{
    p->bitmap[i / BITS_PER_WORD] |= 1ull << (i % BITS_PER_WORD);
}

static void clear_bit(struct frame_pool *p, uint64_t i)
{
    p->bitmap[i / BITS_PER_WORD] &= ~(1ull << (i % BITS_PER_WORD));
}

/* Clips [first, first+count) to the pool; returns false if nothing is left. */
static bool clip_to_pool(const struct frame_pool *p, mfn_t first, uint64_t count, uint64_t *lo,
                         uint64_t *hi)
{
    uint64_t start = first.mfn, end = first.mfn + count;

    if (end < start)
        end = UINT64_MAX;
    if (start < p->base_mfn)
        start = p->base_mfn;
    if (end > p->base_mfn + p->nr_frames)
        end = p->base_mfn + p->nr_frames;
    if (start >= end)
        return false;
    *lo = start - p->base_mfn;
    *hi = end - p->base_mfn;
    return true;
}

void frame_pool_add(struct frame_pool *p, mfn_t first, uint64_t count)
{
    uint64_t lo, hi;

    if (!clip_to_pool(p, first, count, &lo, &hi))
        return;
    for (uint64_t i = lo; i < hi; i++) {
        if (!test_bit(p, i)) {
            set_bit(p, i);
            p->free_count++;
            p->total++;
        }
    }
}

void frame_pool_reserve(struct frame_pool *p, mfn_t first, uint64_t count)
{
    uint64_t lo, hi;

    if (!clip_to_pool(p, first, count, &lo, &hi))
        return;
    for (uint64_t i = lo; i < hi; i++) {
        if (test_bit(p, i)) {
            clear_bit(p, i);
            p->free_count--;
        }
    }
}

bool frame_pool_is_free(const struct frame_pool *p, mfn_t f)
{
    if (f.mfn < p->base_mfn || f.mfn >= p->base_mfn + p->nr_frames)
        return false;
    return test_bit(p, f.mfn - p->base_mfn);
}

mfn_t frame_pool_alloc(struct frame_pool *p)
{
    uint64_t words = ALIGN_UP(p->nr_frames, BITS_PER_WORD) / BITS_PER_WORD;

    for (uint64_t n = 0; n < words; n++) {
        uint64_t w = (p->hint + n) % words;
        uint64_t bits = p->bitmap[w];

        if (bits == 0)
            continue;
        uint64_t i = w * BITS_PER_WORD + (uint64_t)__builtin_ctzll(bits);
        if (i >= p->nr_frames)
            continue;
        clear_bit(p, i);
        p->free_count--;
        p->hint = w;
        return mfn(p->base_mfn + i);
    }
    return INVALID_MFN;
}

/* Length of the run of free frames starting at bitmap index i, up to max. */
static uint64_t free_run_length(const struct frame_pool *p, uint64_t i, uint64_t max)
{
    uint64_t n = 0;

    while (n < max && i + n < p->nr_frames) {
        uint64_t j = i + n;
        if (j % BITS_PER_WORD == 0 && max - n >= BITS_PER_WORD &&
            j + BITS_PER_WORD <= p->nr_frames && p->bitmap[j / BITS_PER_WORD] == ~0ull) {
            n += BITS_PER_WORD;
            continue;
        }
        if (!test_bit(p, j))
            break;
        n++;
    }
    return n;
}

int frame_pool_alloc_range(struct frame_pool *p, uint64_t count, uint64_t align, mfn_t *out)
{
    if (count == 0 || align == 0 || (align & (align - 1)) != 0)
        return -EINVAL;
    if (count > p->free_count)
        return -ENOMEM;

    /* Candidate starts are frames whose mfn is a multiple of align. */
    uint64_t first = ALIGN_UP(p->base_mfn, align) - p->base_mfn;
    for (uint64_t i = first; i + count <= p->nr_frames && i >= first;) {
        uint64_t run = free_run_length(p, i, count);
        if (run == count) {
            for (uint64_t j = i; j < i + count; j++)
                clear_bit(p, j);
            p->free_count -= count;
            *out = mfn(p->base_mfn + i);
            return 0;
        }
        /* Skip past the used frame that ended the run, to the next aligned start. */
        i = ALIGN_UP(p->base_mfn + i + run + 1, align) - p->base_mfn;
    }
    return -ENOMEM;
}

void frame_pool_free(struct frame_pool *p, mfn_t first, uint64_t count)
{
    for (uint64_t n = 0; n < count; n++) {
        uint64_t f = first.mfn + n;
        BUG_ON(f < p->base_mfn || f >= p->base_mfn + p->nr_frames);
        uint64_t i = f - p->base_mfn;
        BUG_ON(test_bit(p, i)); /* double free */
        set_bit(p, i);
        p->free_count++;
    }
}

mfn_t frame_alloc_zeroed(void)
{
    mfn_t f = frame_alloc();

    if (mfn_valid(f))
        memset(arch_maddr_to_virt(mfn_to_maddr(f)), 0, PAGE_SIZE);
    return f;
}
