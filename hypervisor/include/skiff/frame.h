/*
 * skiff/frame.h - the machine frame allocator.
 *
 * A frame pool covers a span of machine frames with a bitmap (1 = free).
 * Frames become usable through frame_pool_add() (RAM from the memory map)
 * and are taken out again by frame_pool_reserve() (the hypervisor image,
 * boot modules, the bitmap itself). The hypervisor has one global pool,
 * hv_frames; unit tests build their own.
 *
 * Lock: none yet (one CPU runs the hypervisor, interrupts are off in it).
 */
#ifndef SKIFF_FRAME_H
#define SKIFF_FRAME_H

#include <skiff/types.h>

struct frame_pool {
    uint64_t base_mfn;   /* first frame the bitmap covers */
    uint64_t nr_frames;  /* frames the bitmap covers */
    uint64_t *bitmap;    /* bit set = frame free */
    uint64_t free_count; /* frames free now */
    uint64_t total;      /* frames ever made usable by frame_pool_add() */
    uint64_t hint;       /* bitmap word where the next single-frame search starts */
};

/* Bytes of bitmap storage a pool covering nr_frames needs. */
size_t frame_pool_bitmap_bytes(uint64_t nr_frames);

/* Starts with every covered frame in use (not free). */
void frame_pool_init(struct frame_pool *p, uint64_t base_mfn, uint64_t nr_frames, uint64_t *bitmap);

/* Makes [first, first+count) usable and free; the part outside the pool is ignored. */
void frame_pool_add(struct frame_pool *p, mfn_t first, uint64_t count);

/* Marks [first, first+count) in use without counting it as an allocation. */
void frame_pool_reserve(struct frame_pool *p, mfn_t first, uint64_t count);

/* One frame, or INVALID_MFN when none is free. */
mfn_t frame_pool_alloc(struct frame_pool *p);

/*
 * count contiguous frames whose first mfn is a multiple of align (a power of
 * two, in frames). Returns 0 and the first frame in *out, -ENOMEM or -EINVAL.
 */
int frame_pool_alloc_range(struct frame_pool *p, uint64_t count, uint64_t align, mfn_t *out);

/* Frees frames that were allocated; freeing a free frame is a hypervisor bug. */
void frame_pool_free(struct frame_pool *p, mfn_t first, uint64_t count);

bool frame_pool_is_free(const struct frame_pool *p, mfn_t f);

/* The hypervisor's pool and shorthands for it. */
extern struct frame_pool hv_frames;

static inline mfn_t frame_alloc(void)
{
    return frame_pool_alloc(&hv_frames);
}
static inline void frame_free(mfn_t f)
{
    frame_pool_free(&hv_frames, f, 1);
}
static inline uint64_t frame_free_count(void)
{
    return hv_frames.free_count;
}

/* Allocates one frame and zeroes it; INVALID_MFN when none is free. */
mfn_t frame_alloc_zeroed(void);

#endif /* SKIFF_FRAME_H */
