/*
 * blkfront.h - the environment-neutral core of the PV block frontend: the
 * front ring of public/io/blkif.h, the request id table, an asynchronous
 * I/O API (many requests in flight, a queue when the ring is full) and a
 * synchronous one on top. Grants, events and memory come through struct
 * blkfront_ops, so the same code runs in guests (blkfront_xen.c) and in
 * host tests against blkback.
 *
 * Model:
 *  - An I/O (struct blkfront_io, owned by the caller until done() runs) is
 *    a read or write of any number of 512-byte sectors from or to a buffer
 *    aligned to 512 bytes, or a flush. It is split into ring requests of up
 *    to 11 segments (one per page touched), or of up to the backend's
 *    feature-max-indirect-segments through indirect requests. done(io,
 *    status) runs exactly once, from blkfront_poll(): 0, or -EIO (a part
 *    failed), -EOPNOTSUPP (the backend refused the operation).
 *  - I/Os start in submission order; a flush waits until every earlier I/O
 *    has completed, so it covers them all (D2) whatever the backend does.
 *  - Every request gets an id never used before; a response whose id was
 *    never issued or was already answered is ignored and counted (R7). A
 *    backend whose rsp_prod is impossible (R2) breaks the connection: every
 *    I/O fails with -EIO.
 *  - After blkfront_disconnect(), I/Os that were in flight are kept and
 *    issued again, whole and in order, by the next blkfront_connect() (reads
 *    and writes are idempotent).
 *  - Not thread-safe; done() runs from blkfront_poll() in the caller's context.
 */
#ifndef FRONTENDS_BLKFRONT_H
#define FRONTENDS_BLKFRONT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <public/grant_table.h>
#include <public/io/blkif.h>

/* Requests in flight at most: the ring's size. */
#define BLKFRONT_MAX_REQS 32u
/* Segments per indirect request at most (one indirect page holds 512). */
#define BLKFRONT_MAX_SEGS 128u

struct blkfront_ops {
    /* Grants the backend access to the page at va (page-aligned); *ref names it. */
    int (*grant)(void *ctx, const void *va, bool readonly, grant_ref_t *ref);
    /* Ends a grant: 0, or -EBUSY while the backend still maps the page. */
    int (*end_grant)(void *ctx, grant_ref_t ref);
    /* Sends an event to the backend. */
    void (*notify)(void *ctx);
    /* Optional: one log line, printf-style. */
    void (*log)(void *ctx, const char *fmt, va_list ap);
    /* Optional: a zeroed page for indirect segments (NULL: no indirect requests). */
    void *(*page_alloc)(void *ctx);
    void (*page_free)(void *ctx, void *va);
    /* Sync API only: waits until an event may have arrived. */
    void (*wait)(void *ctx);
};

/* What the backend advertises (its xenstore nodes). */
struct blkfront_info {
    uint64_t sectors;               /* capacity in 512-byte sectors */
    unsigned int sector_size;       /* 512 (the only size supported here) */
    unsigned int info;              /* VDISK_* */
    bool readonly;                  /* mode "r" */
    bool can_flush;                 /* feature-flush-cache */
    unsigned int max_indirect_segs; /* feature-max-indirect-segments, 0 if absent */
};

enum blkfront_op {
    BLKFRONT_READ,
    BLKFRONT_WRITE,
    BLKFRONT_FLUSH,
};

struct blkfront_io;
typedef void blkfront_done_fn(struct blkfront_io *io, int status);

struct blkfront_io {
    /* Filled by the caller. */
    enum blkfront_op op;
    uint64_t sector; /* first 512-byte sector */
    void *buf;       /* 512-byte aligned; unused for a flush */
    size_t len;      /* bytes, a multiple of 512; 0 for a flush */
    blkfront_done_fn *done;
    void *cookie;
    /* The core's. */
    struct blkfront_io *next; /* queue link */
    uint64_t seq;             /* submission order */
    size_t issued;            /* bytes handed to the ring so far */
    unsigned int parts;       /* ring requests not yet answered */
    int status;
    bool queued, restart;
};

/* One ring request in flight (a part of an I/O). */
struct blkfront_slot {
    struct blkfront_io *io; /* NULL: free */
    uint64_t id;
    unsigned int nr_grefs;
    grant_ref_t grefs[BLKFRONT_MAX_SEGS];
    bool indirect; /* ind_gref is granted */
    grant_ref_t ind_gref;
    void *ind_page;
};

struct blkfront_stats {
    uint64_t requests;        /* ring requests issued */
    uint64_t responses;       /* matched responses */
    uint64_t bogus_responses; /* ids never issued or already answered (R7) */
    uint64_t errors;          /* responses with an error status */
    uint64_t grants_busy;     /* end_grant said the backend still maps a page */
    uint64_t resubmitted;     /* I/Os issued again after a reconnect */
};

struct blkfront {
    const struct blkfront_ops *ops;
    void *ctx;
    struct blkif_front_ring front;
    bool attached;  /* a shared ring is set up */
    bool connected; /* the backend is Connected: requests flow */
    bool broken;    /* the backend broke the protocol (R2) */
    struct blkfront_info info;
    unsigned int max_segs; /* per request: 11, or the indirect limit */
    unsigned int nr_inflight;
    uint64_t next_id; /* generation part of ids */
    uint64_t next_seq;
    struct blkfront_io *q_head, *q_tail;
    struct blkfront_stats stats;
    struct blkfront_slot slots[BLKFRONT_MAX_REQS];
};

/* An idle frontend without a ring. */
void blkfront_init(struct blkfront *bf, const struct blkfront_ops *ops, void *ctx);
/*
 * Sets up sring (ring_bytes of zeroed, page-aligned memory the glue then
 * grants to the backend) as the shared ring. -EINVAL if too small.
 */
int blkfront_attach(struct blkfront *bf, struct blkif_sring *sring, size_t ring_bytes);
/*
 * The backend is Connected with these properties: I/Os flow, starting with
 * the ones that were in flight at the last disconnect. -EINVAL without an
 * attached ring; -EOPNOTSUPP for a sector size other than 512.
 */
int blkfront_connect(struct blkfront *bf, const struct blkfront_info *info);
/*
 * The backend went away: the ring is forgotten (the glue may free it), its
 * grants ended, and the I/Os in flight kept for the next connect.
 */
void blkfront_disconnect(struct blkfront *bf);
/* Fails every I/O with -ENOTCONN and frees the indirect pages. */
void blkfront_destroy(struct blkfront *bf);

/*
 * Starts io (or queues it). 0: done() will run once. -EINVAL (alignment,
 * length, range past the end), -EROFS (write to a read-only disk),
 * -EOPNOTSUPP (flush not advertised), -ENOTCONN (never connected).
 */
int blkfront_submit(struct blkfront *bf, struct blkfront_io *io);
/*
 * Takes the responses that arrived, completes I/Os, issues queued ones and
 * re-arms the response event. Call on every event from the backend. The
 * number of responses matched to requests, or -EIO if the backend broke the protocol.
 */
int blkfront_poll(struct blkfront *bf);

/* Synchronous I/O through ops->wait and blkfront_poll: 0 or a negative errno. */
int blkfront_read(struct blkfront *bf, uint64_t sector, void *buf, size_t len);
int blkfront_write(struct blkfront *bf, uint64_t sector, const void *buf, size_t len);
int blkfront_flush(struct blkfront *bf);

#endif /* FRONTENDS_BLKFRONT_H */
