/*
 * blkback.h - the environment-neutral core of dom0's block backend: one
 * struct blkback_ring per disk per guest serves the blkif ring
 * (public/io/blkif.h) on a struct blkdev (dom0-tools/drivers/blkdev.h).
 * Everything it needs from dom0 comes through the ops tables below, so the
 * same code runs in dom0.elf and in host tests and fuzzers.
 *
 * Model (docs/block.md has the why):
 *  - The frontend is hostile. Each request is copied out of the ring once
 *    and the copy validated (HOSTILE R1, R3); an impossible req_prod
 *    disconnects the ring with one log line (R2); a fixed pool of nr_reqs
 *    requests bounds memory and work (R4): when it is empty the core stops
 *    consuming and resumes as requests complete.
 *  - Data moves by one of two strategies, chosen per ring: MAP grants each
 *    segment's page (GNTMAP_device_map: the device DMAs straight into the
 *    guest's page), or COPY it with GNTTABOP_copy through bounce pages of
 *    dom0's own. A partial failure undoes what was done (R5).
 *  - FLUSH_DISKCACHE and WRITE_BARRIER are ordering points: they wait until
 *    every earlier request has completed, then flush the device, then (with
 *    data) write; later requests wait for them (D2, D4). A device error
 *    becomes BLKIF_RSP_ERROR (D5).
 *  - Not thread-safe: one dom0 thread calls everything, and blkdev
 *    completions (which call back into the core) run on that thread.
 *
 * Calls the glue makes:
 *   blkback_ring_init()        when the frontend is Initialised and the ring page is mapped
 *   blkback_ring_kick()        after an event from the frontend, after blkdev_poll_all(),
 *                              and again while it returns 1
 *   blkback_ring_disconnect()  when either side closes or the guest dies (R8)
 *   blkback_ring_destroy()     once blkback_ring_quiesced() (or eops->quiesced said so)
 */
#ifndef BACKENDS_BLKBACK_H
#define BACKENDS_BLKBACK_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <public/grant_table.h>
#include <public/io/blkif.h>
#include <public/skiff.h>

#include "blkdev.h"

/* Segments one request may carry (direct or indirect): one blkdev_req each. */
#define BLKBACK_MAX_SEGS BLKDEV_MAX_SEGS
/* Requests in flight per ring at most: the ring's size. */
#define BLKBACK_MAX_REQS 32u

enum blkback_strategy {
    BLKBACK_MAP,  /* grant-map each segment, DMA into the guest's page */
    BLKBACK_COPY, /* GNTTABOP_copy to/from bounce pages in dom0 */
};

/* One grant mapping, as the core asks for it and the glue fills it in. */
struct blkback_gmap {
    grant_ref_t ref;       /* IN: the frontend's grant */
    bool readonly;         /* IN: map read-only (the device only reads the page) */
    int status;            /* OUT: 0 mapped, else a negative errno (not mapped) */
    void *va;              /* OUT: the page in dom0's address space */
    uint64_t maddr;        /* OUT: its machine address (GNTMAP_device_map) */
    grant_handle_t handle; /* OUT: for unmap */
};

/* A page of dom0's own memory (bounce buffers, the indirect scratch page). */
struct blkback_page {
    void *va;       /* dom0 virtual address, page-aligned */
    uint64_t maddr; /* machine address, for DMA */
    uint64_t gfn;   /* guest frame number, for GNTTABOP_copy (DOMID_SELF side) */
};

/* Grant operations and dom0 pages (dom0: guest-lib grant.h and page_alloc.h). */
struct blkback_grant_ops {
    /*
     * Maps maps[0..n) of domain dom, each as its readonly flag says; sets
     * every status. Returns 0 if all are mapped, else a negative errno: the
     * core then unmaps those whose status is 0 (R5).
     */
    int (*map)(void *ctx, domid_t dom, struct blkback_gmap *maps, unsigned int n);
    /* Unmaps maps[0..n) (all mapped). Cannot fail from the core's point of view. */
    void (*unmap)(void *ctx, struct blkback_gmap *maps, unsigned int n);
    /* GNTTABOP_copy of ops[0..n): 0 if every op succeeded, else a negative errno. */
    int (*copy)(void *ctx, struct gnttab_copy *ops, unsigned int n);
    /* One zeroed page of dom0 memory (COPY strategy only), or a negative errno. */
    int (*page_alloc)(void *ctx, struct blkback_page *pg);
    void (*page_free)(void *ctx, struct blkback_page *pg);
};

/* The rest of the environment. */
struct blkback_env_ops {
    /* Sends an event to the frontend (the ring's event channel). */
    void (*notify)(void *ctx);
    /* One log line (no trailing newline), printf-style. */
    void (*log)(void *ctx, const char *fmt, va_list ap);
    /* Optional: blkback_ring_kick() has work to do (a completion freed the pool). */
    void (*wake)(void *ctx);
    /* Optional: after disconnect, the last in-flight request is gone: safe to destroy. */
    void (*quiesced)(void *ctx);
};

struct blkback_config {
    domid_t frontend;               /* the guest's domid (grant operations) */
    enum blkback_strategy strategy; /* MAP or COPY */
    unsigned int nr_reqs;           /* pool size: 1..BLKBACK_MAX_REQS (0: the maximum) */
    /* feature-max-indirect-segments to advertise: 0 (none) or 12..BLKBACK_MAX_SEGS */
    unsigned int max_indirect_segs;
    bool readonly; /* the guest's mode is "r" (a read-only device is always so) */
    struct blkdev *dev;
    const struct blkback_grant_ops *gops;
    const struct blkback_env_ops *eops;
    void *ctx; /* passed to every op */
};

/* What the ring did; for the glue's statistics and for tests. */
struct blkback_stats {
    uint64_t requests; /* requests consumed from the ring */
    uint64_t rsp_okay; /* responses by status */
    uint64_t rsp_error;
    uint64_t rsp_eopnotsupp;
    uint64_t invalid;        /* refused by validation (R3) */
    uint64_t grant_errors;   /* map or copy failed (R5) */
    uint64_t device_errors;  /* the device failed a request (D5) */
    uint64_t device_busy;    /* submits retried after -EBUSY */
    uint64_t pool_exhausted; /* times consumption paused on an empty pool (R4) */
};

enum blkback_phase {
    BLKBACK_FREE,
    BLKBACK_DRAIN, /* an ordering request waiting for earlier ones to complete */
    BLKBACK_FLUSH, /* the device flush of FLUSH_DISKCACHE / WRITE_BARRIER */
    BLKBACK_DATA,  /* the read or write itself */
};

/* One request of the pool: the validated copy and what it holds. */
struct blkback_req {
    struct blkback_ring *ring;
    struct blkback_req *next; /* free list or retry queue */
    enum blkback_phase phase;
    bool in_device;    /* dreq is queued on the device */
    bool busy;         /* on the retry queue after -EBUSY */
    uint64_t id;       /* echoed in the response */
    uint8_t operation; /* echoed in the response */
    bool write;        /* data goes to the disk */
    bool flush;        /* flush before the data (ordering point) */
    uint64_t sector;   /* first disk sector */
    unsigned int nr_segs;
    unsigned int nr_mapped; /* MAP: maps[0..nr_mapped) are mapped */
    struct blkif_request_segment segs[BLKBACK_MAX_SEGS];
    struct blkback_gmap maps[BLKBACK_MAX_SEGS];
    struct blkback_page *bounce; /* COPY: this request's nr_segs_max pages */
    struct blkdev_req dreq;
};

struct blkback_ring {
    struct blkback_config cfg;
    struct blkif_back_ring back;
    bool connected;                              /* consuming and responding */
    bool hostile;                                /* disconnected for an impossible index */
    unsigned int nr_active;                      /* pool requests in use */
    unsigned int nr_in_device;                   /* of them, queued on the device */
    unsigned int segs_max;                       /* segments a request may have here */
    struct blkback_req *free;                    /* free list */
    struct blkback_req *retry_head, *retry_tail; /* -EBUSY, in order */
    struct blkback_req *barrier;                 /* the ordering request being served, if any */
    bool quiesced_told;
    struct blkback_page scratch; /* COPY: where indirect pages are copied to */
    struct blkback_page bounce[BLKBACK_MAX_REQS * BLKBACK_MAX_SEGS]; /* COPY */
    struct gnttab_copy copy_ops[BLKBACK_MAX_SEGS];
    struct blkback_stats stats;
    struct blkback_req pool[BLKBACK_MAX_REQS];
};

/*
 * Attaches r to the shared ring sring (ring_bytes long, mapped by the
 * glue). COPY allocates the bounce pages now, so memory is fixed from here
 * on. -EINVAL for a bad config, -ENOMEM when pages run out (nothing kept).
 */
int blkback_ring_init(struct blkback_ring *r, const struct blkback_config *cfg,
                      struct blkif_sring *sring, size_t ring_bytes);

/*
 * Consumes requests (at most one ring's worth per call), starts them and
 * pushes the responses that are ready. Returns 1 if it stopped with work
 * left (call again), 0 when idle (the request event is armed), -ENOTCONN
 * when disconnected, -EIO the first time it finds the frontend's index
 * impossible (the ring is then disconnected).
 */
int blkback_ring_kick(struct blkback_ring *r);

/*
 * Stops the ring: nothing more is consumed or answered and the shared page
 * is not touched again (the glue may unmap it). Requests not yet on the
 * device are released now; those on the device are released when they
 * complete. Safe to call more than once.
 */
void blkback_ring_disconnect(struct blkback_ring *r);

/* True when disconnected and nothing is in flight: blkback_ring_destroy may run. */
bool blkback_ring_quiesced(const struct blkback_ring *r);

/* Frees the bounce pages. -EBUSY (and nothing done) unless quiesced. */
int blkback_ring_destroy(struct blkback_ring *r);

/* feature-max-indirect-segments and feature-flush-cache to advertise. */
unsigned int blkback_max_indirect_segs(const struct blkback_config *cfg);
bool blkback_can_flush(const struct blkback_config *cfg);

/* ---- inside the core (blkback_*.c) ---- */

/* Outcome of validating a copied request: a status, or "go on". */
#define BLKBACK_VALID 1

/* Validates *rq (already a private copy) into req; BLKBACK_VALID or BLKIF_RSP_*. */
int blkback_decode(struct blkback_ring *r, const struct blkif_request *rq, struct blkback_req *req);
/* Acquires the data pages (map or copy-in) and submits req's current phase. */
void blkback_io_start(struct blkback_req *req);
/* Releases req's grants; copies read data back first when ok (COPY). */
int blkback_io_release(struct blkback_req *req, bool ok);
/* Answers req (if connected), releases it and frees its slot. */
void blkback_finish(struct blkback_req *req, int status);
/* Submits req->dreq; -EBUSY queues it for retry. */
void blkback_submit(struct blkback_req *req);
void blkback_log(struct blkback_ring *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif /* BACKENDS_BLKBACK_H */
