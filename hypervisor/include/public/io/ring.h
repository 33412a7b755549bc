/*
 * public/io/ring.h - the generic shared ring of split drivers: one shared
 * page that carries requests from a frontend to a backend and responses
 * back, with free-running indices and event suppression.
 *
 * Layout and semantics are those of Xen's public io/ring.h (checked against
 * Debian's libxen-dev by tests/unit/ring), written here from the protocol:
 *
 *   offset  field      writer   meaning
 *   0       req_prod   [FRONT]  requests [0, req_prod) have been produced
 *   4       req_event  [BACK]   "notify me when req_prod passes this index"
 *   8       rsp_prod   [BACK]   responses [0, rsp_prod) have been produced
 *   12      rsp_event  [FRONT]  "notify me when rsp_prod passes this index"
 *   16      pvt[4]     protocol-private bytes (Xen's netif/tapif use them)
 *   20      pad[44]    zero; the entries start on the second cache line
 *   64      ring[n]    n = RING_SIZE entries, a union of request and response
 *
 * n is the largest power of two such that 64 + n * sizeof(entry) fits the
 * shared area (one 4 KiB page: 32 entries of 64..126 bytes). Indices are
 * free-running 32-bit counters (RING_IDX) that wrap at 2^32; entry i lives
 * in slot i & (n - 1). Each side also keeps private indices (front:
 * req_prod_pvt, rsp_cons; back: rsp_prod_pvt, req_cons). A response reuses
 * the slot of the request it answers, so at most n requests are outstanding.
 *
 * Protocol, producer side (front for requests; the back mirrors it):
 *   1. write entries at slots req_prod_pvt, req_prod_pvt + 1, ...;
 *   2. release barrier, then store req_prod = req_prod_pvt (the push);
 *   3. full barrier, then notify the peer iff req_event lies in
 *      (old req_prod, new req_prod]: the consumer asked to be woken by one of
 *      the entries just published ("push and check notify").
 * Consumer side (back for requests):
 *   1. load req_prod, acquire barrier; check it is at most a ring ahead;
 *   2. copy each entry out of the ring exactly once, then validate the copy;
 *   3. when it finds no work, store req_event = req_cons + 1, full barrier,
 *      and load req_prod again ("final check"): only if still nothing may it
 *      sleep waiting for a notification. The two full barriers make it
 *      impossible for both sides to miss each other.
 *
 * Nothing in the shared page is trusted: the peer may rewrite an entry after
 * the consumer read it (double fetch, HOSTILE R1) or publish a producer
 * index more than a ring ahead or behind (R2). The *_take_* helpers below
 * copy each entry once and return -SKIFF_EIO for an impossible index; the
 * Xen-style macros are for code that does its own checking.
 *
 * Freestanding: needs only <stdint.h> and <stddef.h> and GCC/Clang builtins
 * (__atomic_*, __builtin_memcpy); compiles as C99 and C++11.
 */
#ifndef SKIFF_PUBLIC_IO_RING_H
#define SKIFF_PUBLIC_IO_RING_H

#include <stddef.h>
#include <stdint.h>

#include "../errno.h"

/* A free-running ring index; differences are taken modulo 2^32. */
typedef unsigned int RING_IDX;
typedef char skiff_ring_idx_is_32_bits[sizeof(RING_IDX) == 4 ? 1 : -1];

/* Bytes before the first entry: the four indices, pvt and padding. */
#define SKIFF_RING_HEADER_SIZE 64

/* Largest power of two <= n, as a constant expression (0 for 0; n < 2^24). */
#define SKIFF_RING_POW2_FLOOR(n)    \
    ((n) >= 0x800000u   ? 0x800000u \
     : (n) >= 0x400000u ? 0x400000u \
     : (n) >= 0x200000u ? 0x200000u \
     : (n) >= 0x100000u ? 0x100000u \
     : (n) >= 0x80000u  ? 0x80000u  \
     : (n) >= 0x40000u  ? 0x40000u  \
     : (n) >= 0x20000u  ? 0x20000u  \
     : (n) >= 0x10000u  ? 0x10000u  \
     : (n) >= 0x8000u   ? 0x8000u   \
     : (n) >= 0x4000u   ? 0x4000u   \
     : (n) >= 0x2000u   ? 0x2000u   \
     : (n) >= 0x1000u   ? 0x1000u   \
     : (n) >= 0x800u    ? 0x800u    \
     : (n) >= 0x400u    ? 0x400u    \
     : (n) >= 0x200u    ? 0x200u    \
     : (n) >= 0x100u    ? 0x100u    \
     : (n) >= 0x80u     ? 0x80u     \
     : (n) >= 0x40u     ? 0x40u     \
     : (n) >= 0x20u     ? 0x20u     \
     : (n) >= 0x10u     ? 0x10u     \
     : (n) >= 0x8u      ? 0x8u      \
     : (n) >= 0x4u      ? 0x4u      \
     : (n) >= 0x2u      ? 0x2u      \
     : (n) >= 0x1u      ? 0x1u      \
                        : 0u)

/* Entries of an entry_size-byte union that fit a shared area of `bytes` bytes. */
#define SKIFF_RING_ENTRIES(bytes, entry_size) \
    ((RING_IDX)SKIFF_RING_POW2_FLOOR(((bytes)-SKIFF_RING_HEADER_SIZE) / (entry_size)))

/* RING_SIZE of ring type `name` in a shared area of `bytes` bytes (a constant). */
#define __CONST_RING_SIZE(name, bytes) SKIFF_RING_ENTRIES((bytes), sizeof(union name##_sring_entry))

/* ---- barriers and shared-index access (compiler builtins only) ---- */

/* Load a peer-written index; later reads of entries are not hoisted above it. */
#define SKIFF_RING_LOAD_ACQUIRE(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
/* Publish an index; earlier writes of entries are visible before it. */
#define SKIFF_RING_STORE_RELEASE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
/*
 * The full barrier between publishing one index and reading the peer's
 * event index (and the mirror image on the consumer side). On x86 any locked
 * instruction is a full barrier, and one on a private stack slot is cheaper
 * than mfence (Linux's smp_mb does the same); elsewhere the builtin fence.
 */
#if defined(__x86_64__) || defined(__i386__)
#define SKIFF_RING_MB()                                           \
    do {                                                          \
        volatile int skiff_mb_ = 0;                               \
        (void)__atomic_fetch_or(&skiff_mb_, 0, __ATOMIC_SEQ_CST); \
    } while (0)
#else
#define SKIFF_RING_MB() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif

/*
 * Notify rule: the consumer asked to be woken when the producer index passes
 * `event`; a push from old_prod to new_prod passes it iff event lies in
 * (old_prod, new_prod], computed modulo 2^32.
 */
static inline int skiff_ring_need_notify(RING_IDX old_prod, RING_IDX new_prod, RING_IDX event)
{
    return (RING_IDX)(new_prod - event) < (RING_IDX)(new_prod - old_prod);
}

/*
 * How many entries a consumer may take, given a producer index read from
 * the shared page: prod - cons, which must not exceed `room` (what the
 * producer can possibly have written: the ring size less the entries it
 * cannot reuse yet). A larger value, including an index that went
 * backwards (which wraps to a huge difference), is a hostile or corrupt
 * producer: -SKIFF_EIO.
 */
static inline int skiff_ring_unconsumed(RING_IDX prod, RING_IDX cons, RING_IDX room)
{
    RING_IDX n = prod - cons;

    return n > room ? -SKIFF_EIO : (int)n;
}

/*
 * Copies one entry out of shared memory into *dst, exactly once: the empty
 * asm tells the compiler *dst may have changed, so it can neither drop the
 * copy nor later re-read the shared slot in place of *dst.
 */
#define SKIFF_RING_COPY_ENTRY(dst, src)                 \
    do {                                                \
        __builtin_memcpy((dst), (src), sizeof(*(dst))); \
        __asm__ __volatile__("" : "+m"(*(dst)));        \
    } while (0)

/*
 * DEFINE_RING_TYPES(name, req_t, rsp_t); defines, for a request type and a
 * response type:
 *   union name##_sring_entry   one slot: a request or the response to it
 *   struct name##_sring        the shared page (layout above)
 *   struct name##_front_ring   the frontend's private state
 *   struct name##_back_ring    the backend's private state
 *   name##_sring_t, name##_front_ring_t, name##_back_ring_t   typedefs
 * and the safe helpers name##_front_* and name##_back_* (below). Use it at
 * file scope followed by a semicolon, as with Xen's macro.
 */
#define DEFINE_RING_TYPES(name, req_t, rsp_t)                                             \
    union name##_sring_entry {                                                            \
        req_t req; /* [FRONT] written before req_prod covers it */                        \
        rsp_t rsp; /* [BACK] written before rsp_prod covers it */                         \
    };                                                                                    \
    struct name##_sring {                                                                 \
        RING_IDX req_prod;                /* 0 [FRONT] requests produced */               \
        RING_IDX req_event;               /* 4 [BACK] notify when req_prod passes it */   \
        RING_IDX rsp_prod;                /* 8 [BACK] responses produced */               \
        RING_IDX rsp_event;               /* 12 [FRONT] notify when rsp_prod passes it */ \
        uint8_t pvt[4];                   /* 16 protocol-private, zeroed at init */       \
        uint8_t pad[44];                  /* 20 zero */                                   \
        union name##_sring_entry ring[1]; /* 64 RING_SIZE entries (variable length) */    \
    };                                                                                    \
    struct name##_front_ring {                                                            \
        RING_IDX req_prod_pvt;  /* next request slot to fill */                           \
        RING_IDX rsp_cons;      /* next response to consume */                            \
        unsigned int nr_ents;   /* RING_SIZE, a power of two */                           \
        RING_IDX rsp_prod_seen; /* validated rsp_prod from the last look (Skiff's) */     \
        struct name##_sring *sring;                                                       \
    };                                                                                    \
    struct name##_back_ring {                                                             \
        RING_IDX rsp_prod_pvt;  /* next response slot to fill */                          \
        RING_IDX req_cons;      /* next request to consume */                             \
        unsigned int nr_ents;   /* RING_SIZE, a power of two */                           \
        RING_IDX req_prod_seen; /* validated req_prod from the last look (Skiff's) */     \
        struct name##_sring *sring;                                                       \
    };                                                                                    \
    SKIFF_RING_CHECK_LAYOUT(name)                                                         \
    SKIFF_RING_DEFINE_HELPERS(name, req_t, rsp_t)                                         \
    typedef struct name##_sring name##_sring_t;                                           \
    typedef struct name##_front_ring name##_front_ring_t;                                 \
    typedef struct name##_back_ring name##_back_ring_t

/*
 * Compile-time layout checks (a negative array size fails in C99 and C++ alike):
 * the four indices at 0, 4, 8, 12 and the entries at 64, as in Xen.
 */
#define SKIFF_RING_ASSERT(name, what, cond) typedef char name##_ring_check_##what[(cond) ? 1 : -1];
#define SKIFF_RING_CHECK_LAYOUT(name)                                                  \
    SKIFF_RING_ASSERT(name, req_prod, offsetof(struct name##_sring, req_prod) == 0)    \
    SKIFF_RING_ASSERT(name, req_event, offsetof(struct name##_sring, req_event) == 4)  \
    SKIFF_RING_ASSERT(name, rsp_prod, offsetof(struct name##_sring, rsp_prod) == 8)    \
    SKIFF_RING_ASSERT(name, rsp_event, offsetof(struct name##_sring, rsp_event) == 12) \
    SKIFF_RING_ASSERT(name, pvt, offsetof(struct name##_sring, pvt) == 16)             \
    SKIFF_RING_ASSERT(name, entries, offsetof(struct name##_sring, ring) == SKIFF_RING_HEADER_SIZE)

/*
 * The helpers DEFINE_RING_TYPES generates. Return values: >= 0 success (a
 * count or a flag), -SKIFF_EIO a hostile or corrupt peer index (disconnect
 * the peer; nothing was consumed), -SKIFF_ENOSPC no free slot.
 *
 *   name##_sring_init(s)                   empty ring: indices 0, events 1, pads 0
 *   name##_front_init(f, s, bytes)         attach a front to a shared area of `bytes`
 *   name##_back_init(b, s, bytes)          attach a back
 * Front (produces requests, consumes responses):
 *   name##_front_put_requests(f, reqs, n)  copy up to n requests into free slots
 *                                          (not yet visible); how many
 *   name##_front_put_request(f, req)       one: 0, or -ENOSPC when the ring is full
 *   name##_front_push(f)                   publish them; 1 if the back must be notified
 *   name##_front_take_responses(f, out, max)  copy up to max responses out, each
 *                                          exactly once; how many (0: none), or -EIO
 *   name##_front_take_response(f, out)     one: 1, 0 (none) or -EIO
 *   name##_front_final_check(f)            responses waiting (> 0); 0: none, rsp_event
 *                                          armed, safe to sleep until notified; or -EIO
 *   name##_front_unconsumed(f, prod)       check a rsp_prod value: how many it offers, or -EIO
 * Back (consumes requests, produces responses): the mirror image,
 *   name##_back_take_requests(b, out, max), name##_back_take_request(b, out),
 *   name##_back_put_responses(b, rsps, n) (at most one per consumed request),
 *   name##_back_put_response(b, rsp), name##_back_push(b), name##_back_final_check(b),
 *   name##_back_unconsumed(b, prod).
 * The consumer reads the peer's producer index only when it has used up the
 * entries it last saw (req_prod_seen / rsp_prod_seen), so a batch costs one
 * read of the shared index line.
 */
#define SKIFF_RING_DEFINE_HELPERS(name, req_t, rsp_t)                                            \
    SKIFF_RING_DEFINE_INIT(name)                                                                 \
    SKIFF_RING_DEFINE_SIDE(                                                                      \
        name, front, req_t, rsp_t, req_prod_pvt, rsp_cons, rsp_prod_seen, req_prod, req_event,   \
        rsp_prod, rsp_event, req, rsp, put_request, put_requests, take_response, take_responses, \
        f->nr_ents - (f->req_prod_pvt - f->rsp_cons), f->req_prod_pvt - f->rsp_cons)             \
    SKIFF_RING_DEFINE_SIDE(                                                                      \
        name, back, rsp_t, req_t, rsp_prod_pvt, req_cons, req_prod_seen, rsp_prod, rsp_event,    \
        req_prod, req_event, rsp, req, put_response, put_responses, take_request, take_requests, \
        f->req_cons - f->rsp_prod_pvt, f->nr_ents - (f->req_cons - f->rsp_prod_pvt))

#define SKIFF_RING_DEFINE_INIT(name)                                                          \
    static inline void name##_sring_init(struct name##_sring *s)                              \
    {                                                                                         \
        __builtin_memset(s, 0, SKIFF_RING_HEADER_SIZE);                                       \
        s->req_event = 1;                                                                     \
        s->rsp_event = 1;                                                                     \
    }                                                                                         \
    static inline void name##_front_init(struct name##_front_ring *f, struct name##_sring *s, \
                                         size_t bytes)                                        \
    {                                                                                         \
        f->req_prod_pvt = f->rsp_cons = f->rsp_prod_seen = 0;                                 \
        f->nr_ents = SKIFF_RING_ENTRIES(bytes, sizeof(union name##_sring_entry));             \
        f->sring = s;                                                                         \
    }                                                                                         \
    static inline void name##_back_init(struct name##_back_ring *b, struct name##_sring *s,   \
                                        size_t bytes)                                         \
    {                                                                                         \
        b->rsp_prod_pvt = b->req_cons = b->req_prod_seen = 0;                                 \
        b->nr_ents = SKIFF_RING_ENTRIES(bytes, sizeof(union name##_sring_entry));             \
        b->sring = s;                                                                         \
    }

/*
 * One side's helpers. The side produces out_t entries at out_pvt into
 * out_prod (checking out_event), and consumes in_t entries from in_cons up
 * to in_prod (arming in_event). `space` is how many entries it may produce
 * now; `room` is how many the peer can possibly have produced beyond in_cons
 * (both from private indices only). f is the side's ring in either case.
 */
#define SKIFF_RING_DEFINE_SIDE(name, side, out_t, in_t, out_pvt, in_cons, in_seen, out_prod,     \
                               out_event, in_prod, in_event, out_f, in_f, put_one, put_many,     \
                               take_one, take_many, space, room)                                 \
    static inline unsigned int name##_##side##_##put_many(struct name##_##side##_ring *f,        \
                                                          const out_t *e, unsigned int n)        \
    {                                                                                            \
        unsigned int free_ = (space), i;                                                         \
        if (n > free_)                                                                           \
            n = free_;                                                                           \
        for (i = 0; i < n; i++)                                                                  \
            f->sring->ring[(f->out_pvt + i) & (f->nr_ents - 1)].out_f = e[i];                    \
        f->out_pvt += n;                                                                         \
        return n;                                                                                \
    }                                                                                            \
    static inline int name##_##side##_##put_one(struct name##_##side##_ring *f, const out_t *e)  \
    {                                                                                            \
        return name##_##side##_##put_many(f, e, 1) == 1 ? 0 : -SKIFF_ENOSPC;                     \
    }                                                                                            \
    static inline int name##_##side##_push(struct name##_##side##_ring *f)                       \
    {                                                                                            \
        RING_IDX old = f->sring->out_prod;                                                       \
        SKIFF_RING_STORE_RELEASE(&f->sring->out_prod, f->out_pvt);                               \
        SKIFF_RING_MB();                                                                         \
        return skiff_ring_need_notify(old, f->out_pvt,                                           \
                                      SKIFF_RING_LOAD_ACQUIRE(&f->sring->out_event));            \
    }                                                                                            \
    static inline int name##_##side##_unconsumed(struct name##_##side##_ring *f, RING_IDX prod)  \
    {                                                                                            \
        int n = skiff_ring_unconsumed(prod, f->in_cons, (room));                                 \
        if (n > 0)                                                                               \
            f->in_seen = prod;                                                                   \
        return n;                                                                                \
    }                                                                                            \
    static inline int name##_##side##_##take_many(struct name##_##side##_ring *f, in_t *out,     \
                                                  unsigned int max)                              \
    {                                                                                            \
        RING_IDX n = f->in_seen - f->in_cons, i;                                                 \
        if (n == 0) {                                                                            \
            int rc = name##_##side##_unconsumed(f, SKIFF_RING_LOAD_ACQUIRE(&f->sring->in_prod)); \
            if (rc <= 0)                                                                         \
                return rc;                                                                       \
            n = (RING_IDX)rc;                                                                    \
        }                                                                                        \
        if (n > max)                                                                             \
            n = max;                                                                             \
        for (i = 0; i < n; i++)                                                                  \
            SKIFF_RING_COPY_ENTRY(&out[i],                                                       \
                                  &f->sring->ring[(f->in_cons + i) & (f->nr_ents - 1)].in_f);    \
        f->in_cons += n;                                                                         \
        return (int)n;                                                                           \
    }                                                                                            \
    static inline int name##_##side##_##take_one(struct name##_##side##_ring *f, in_t *out)      \
    {                                                                                            \
        return name##_##side##_##take_many(f, out, 1);                                           \
    }                                                                                            \
    static inline int name##_##side##_final_check(struct name##_##side##_ring *f)                \
    {                                                                                            \
        int n = name##_##side##_unconsumed(f, SKIFF_RING_LOAD_ACQUIRE(&f->sring->in_prod));      \
        if (n != 0)                                                                              \
            return n;                                                                            \
        SKIFF_RING_STORE_RELEASE(&f->sring->in_event, f->in_cons + 1);                           \
        SKIFF_RING_MB();                                                                         \
        return name##_##side##_unconsumed(f, SKIFF_RING_LOAD_ACQUIRE(&f->sring->in_prod));       \
    }

/*
 * ---- Xen's macro interface, same names and meanings ----
 * For code ported from Xen and for protocols that build entries in place.
 * These trust the shared indices only as far as Xen's do: a consumer using
 * them must check RING_REQUEST_PROD_OVERFLOW / RING_RESPONSE_PROD_OVERFLOW
 * itself and copy entries with RING_COPY_REQUEST / RING_COPY_RESPONSE.
 */

/* Entries of ring r (front or back), a power of two. */
#define RING_SIZE(r) ((r)->nr_ents)

/* SHARED_RING_INIT(s): an empty shared ring (indices 0, events 1, padding 0). */
#define SHARED_RING_INIT(s)                              \
    do {                                                 \
        (s)->req_prod = (s)->rsp_prod = 0;               \
        (s)->req_event = (s)->rsp_event = 1;             \
        __builtin_memset((s)->pvt, 0, sizeof((s)->pvt)); \
        __builtin_memset((s)->pad, 0, sizeof((s)->pad)); \
    } while (0)

/* Attach a front (back) to shared ring s of `bytes` bytes whose indices are at i. */
#define FRONT_RING_ATTACH(r, s, i, bytes)                                 \
    do {                                                                  \
        (r)->req_prod_pvt = (i);                                          \
        (r)->rsp_cons = (i);                                              \
        (r)->rsp_prod_seen = (i);                                         \
        (r)->nr_ents = SKIFF_RING_ENTRIES((bytes), sizeof((s)->ring[0])); \
        (r)->sring = (s);                                                 \
    } while (0)
#define BACK_RING_ATTACH(r, s, i, bytes)                                  \
    do {                                                                  \
        (r)->rsp_prod_pvt = (i);                                          \
        (r)->req_cons = (i);                                              \
        (r)->req_prod_seen = (i);                                         \
        (r)->nr_ents = SKIFF_RING_ENTRIES((bytes), sizeof((s)->ring[0])); \
        (r)->sring = (s);                                                 \
    } while (0)
#define FRONT_RING_INIT(r, s, bytes) FRONT_RING_ATTACH(r, s, 0, bytes)
#define BACK_RING_INIT(r, s, bytes)  BACK_RING_ATTACH(r, s, 0, bytes)

/* Front only: free request slots, and whether there are none. */
#define RING_FREE_REQUESTS(r) (RING_SIZE(r) - ((r)->req_prod_pvt - (r)->rsp_cons))
#define RING_FULL(r)          (RING_FREE_REQUESTS(r) == 0)

/* Unconsumed entries as the shared index says (unchecked; Xen clamps requests). */
#define RING_HAS_UNCONSUMED_RESPONSES(r) ((RING_IDX)((r)->sring->rsp_prod - (r)->rsp_cons))
#define RING_HAS_UNCONSUMED_REQUESTS(r)                                                            \
    (((r)->sring->req_prod - (r)->req_cons) < (RING_SIZE(r) - ((r)->req_cons - (r)->rsp_prod_pvt)) \
         ? ((r)->sring->req_prod - (r)->req_cons)                                                  \
         : (RING_SIZE(r) - ((r)->req_cons - (r)->rsp_prod_pvt)))

/* The slot of index idx, in place (the peer can change it under you). */
#define RING_GET_REQUEST(r, idx)  (&((r)->sring->ring[(idx) & (RING_SIZE(r) - 1)].req))
#define RING_GET_RESPONSE(r, idx) (&((r)->sring->ring[(idx) & (RING_SIZE(r) - 1)].rsp))

/* Copy the entry at idx into *dst exactly once. */
#define RING_COPY_REQUEST(r, idx, dst)  SKIFF_RING_COPY_ENTRY((dst), RING_GET_REQUEST(r, idx))
#define RING_COPY_RESPONSE(r, idx, dst) SKIFF_RING_COPY_ENTRY((dst), RING_GET_RESPONSE(r, idx))

/* Back: would consuming index cons overrun the responses not yet produced? */
#define RING_REQUEST_CONS_OVERFLOW(r, cons) (((cons) - (r)->rsp_prod_pvt) >= RING_SIZE(r))
/* Hostile peer checks: can the peer really have produced up to prod? */
#define RING_REQUEST_PROD_OVERFLOW(r, prod)  (((prod) - (r)->rsp_prod_pvt) > RING_SIZE(r))
#define RING_RESPONSE_PROD_OVERFLOW(r, prod) (((prod) - (r)->rsp_cons) > RING_SIZE(r))

/* Publish private producer indices (no notification decision). */
#define RING_PUSH_REQUESTS(r)  SKIFF_RING_STORE_RELEASE(&(r)->sring->req_prod, (r)->req_prod_pvt)
#define RING_PUSH_RESPONSES(r) SKIFF_RING_STORE_RELEASE(&(r)->sring->rsp_prod, (r)->rsp_prod_pvt)

/* Publish and set notify (an lvalue) to whether the peer must be notified. */
#define RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(r, notify)                                      \
    do {                                                                                    \
        RING_IDX skiff_old_ = (r)->sring->req_prod;                                         \
        SKIFF_RING_STORE_RELEASE(&(r)->sring->req_prod, (r)->req_prod_pvt);                 \
        SKIFF_RING_MB();                                                                    \
        (notify) = skiff_ring_need_notify(skiff_old_, (r)->req_prod_pvt,                    \
                                          SKIFF_RING_LOAD_ACQUIRE(&(r)->sring->req_event)); \
    } while (0)
#define RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(r, notify)                                     \
    do {                                                                                    \
        RING_IDX skiff_old_ = (r)->sring->rsp_prod;                                         \
        SKIFF_RING_STORE_RELEASE(&(r)->sring->rsp_prod, (r)->rsp_prod_pvt);                 \
        SKIFF_RING_MB();                                                                    \
        (notify) = skiff_ring_need_notify(skiff_old_, (r)->rsp_prod_pvt,                    \
                                          SKIFF_RING_LOAD_ACQUIRE(&(r)->sring->rsp_event)); \
    } while (0)

/* Set work (an lvalue) to the unconsumed count, arming the event if it is 0. */
#define RING_FINAL_CHECK_FOR_REQUESTS(r, work)                               \
    do {                                                                     \
        (work) = RING_HAS_UNCONSUMED_REQUESTS(r);                            \
        if (work)                                                            \
            break;                                                           \
        SKIFF_RING_STORE_RELEASE(&(r)->sring->req_event, (r)->req_cons + 1); \
        SKIFF_RING_MB();                                                     \
        (void)SKIFF_RING_LOAD_ACQUIRE(&(r)->sring->req_prod);                \
        (work) = RING_HAS_UNCONSUMED_REQUESTS(r);                            \
    } while (0)
#define RING_FINAL_CHECK_FOR_RESPONSES(r, work)                              \
    do {                                                                     \
        (work) = RING_HAS_UNCONSUMED_RESPONSES(r);                           \
        if (work)                                                            \
            break;                                                           \
        SKIFF_RING_STORE_RELEASE(&(r)->sring->rsp_event, (r)->rsp_cons + 1); \
        SKIFF_RING_MB();                                                     \
        (void)SKIFF_RING_LOAD_ACQUIRE(&(r)->sring->rsp_prod);                \
        (work) = RING_HAS_UNCONSUMED_RESPONSES(r);                           \
    } while (0)

#endif /* SKIFF_PUBLIC_IO_RING_H */
