/*
 * blk_fakes.h - the host stand-ins the block split-driver tests (and
 * tests/fuzz/fuzz_blkback.c) run blkfront and blkback on: a grant table
 * shared by both ends with failure injection and leak accounting, and an
 * asynchronous RAM disk implementing dom0's struct blkdev that completes
 * out of order, keeps a "stable" image apart from its cache (what a flush
 * makes durable) and injects errors.
 */
#ifndef TESTS_BLK_FAKES_H
#define TESTS_BLK_FAKES_H

#include <stdbool.h>
#include <stdint.h>

#include <public/grant_table.h>

#include "blkback.h"
#include "blkdev.h"
#include "blkfront.h"

/* ---- the grant table (fake_grant.c) ---- */

#define FAKE_GNT_REFS  2048u
#define FAKE_GNT_PAGES 2048u
#define FAKE_BACKEND   0 /* the backend's domid */
#define FAKE_FRONTEND  7 /* the frontend's domid */

struct fake_gnt_entry {
    bool used;
    bool readonly;
    void *page;
    unsigned int maps; /* backend mappings of it */
};

struct fake_gnt {
    struct fake_gnt_entry e[FAKE_GNT_REFS];
    void *pages[FAKE_GNT_PAGES]; /* dom0 pages by gfn */
    unsigned int grants;         /* entries in use */
    unsigned int maps;           /* mappings in place */
    unsigned int pages_live;     /* dom0 pages allocated */
    unsigned int misuse;         /* unmaps of something not mapped, ends of free refs */
    unsigned int fail_map_in;    /* n > 0: the n-th map from now fails */
    unsigned int fail_copy_in;   /* n > 0: the n-th copy op from now fails */
    unsigned int fail_grant_in;  /* n > 0: the n-th grant from now fails */
    uint64_t map_calls, copy_ops;
};

void fake_gnt_init(struct fake_gnt *g);
/* Releases what is left (pages); the counters say whether anything leaked. */
void fake_gnt_fini(struct fake_gnt *g);
/* The frontend's side: grant a page, end a grant. */
int fake_gnt_grant(struct fake_gnt *g, const void *va, bool readonly, grant_ref_t *ref);
int fake_gnt_end(struct fake_gnt *g, grant_ref_t ref);
void *fake_gnt_page_alloc(struct fake_gnt *g);
void fake_gnt_page_free(struct fake_gnt *g, void *va);
/* blkback's grant ops on this table (ctx: the struct fake_gnt, or what starts with one). */
extern const struct blkback_grant_ops fake_gnt_back_ops;

/* ---- the disk (fake_disk.c) ---- */

#define FAKE_DISK_QUEUE 64u

struct fake_disk {
    struct blkdev dev;
    uint8_t *cache;  /* what reads see: writes land here when they complete */
    uint8_t *stable; /* what survives a crash: the cache as a flush found it */
    struct blkdev_req *queue[FAKE_DISK_QUEUE];
    uint8_t *snap[FAKE_DISK_QUEUE]; /* a flush's view of the cache at submit */
    unsigned int nq;
    uint32_t rng;
    unsigned int fail_write_in; /* n > 0: the n-th write from now fails (-EIO) */
    unsigned int fail_flush_in; /* n > 0: the n-th flush from now fails (-EIO) */
    uint64_t fail_sector;       /* a write touching this sector fails (UINT64_MAX: none) */
    uint64_t reads, writes, flushes, errors, busy;
};

/* A RAM disk of `sectors` sectors, queue depth `depth` (<= FAKE_DISK_QUEUE). */
void fake_disk_init(struct fake_disk *d, uint64_t sectors, unsigned int depth, bool can_flush,
                    bool readonly);
void fake_disk_fini(struct fake_disk *d);
/* Completes up to max queued requests (0: all), in a shuffled order; how many. */
unsigned int fake_disk_complete(struct fake_disk *d, unsigned int max);

/* ---- blkfront on blkback through all of the above (blk_env.c) ---- */

struct blk_env_cfg {
    enum blkback_strategy strategy;
    unsigned int nr_reqs;       /* blkback's pool (0: the maximum) */
    unsigned int back_indirect; /* feature-max-indirect-segments (0: none) */
    bool guest_ro;              /* the guest's mode is "r" */
    uint64_t sectors;           /* disk size */
    unsigned int depth;         /* disk queue depth */
    bool can_flush, disk_ro;
};

struct blk_env {
    struct fake_gnt gnt; /* first: blkback's ctx is the env, fake_gnt_back_ops take it as this */
    struct blk_env_cfg cfg;
    struct fake_disk disk;
    struct blkback_ring *back;
    void *ring_page;
    struct blkfront front;
    unsigned int per_round; /* disk completions per pump (0: all) */
    unsigned int back_notified, front_notified, wakes, quiesced;
    unsigned int log_lines;
    char last_log[256];
};

/* Fakes, a connected blkback ring and a connected blkfront. */
void blk_env_init(struct blk_env *e, const struct blk_env_cfg *cfg);
/* A fresh ring page and blkback ring (after blk_env_back_stop), frontend not told. */
void blk_env_back_start(struct blk_env *e);
/* Disconnects blkback, lets the disk finish, destroys the ring and frees its page. */
void blk_env_back_stop(struct blk_env *e);
/* What blkfront_connect is told. */
struct blkfront_info blk_env_info(const struct blk_env *e);
/* One round: kick blkback until idle, complete disk requests, kick again. */
void blk_env_pump(struct blk_env *e);
/* Tears everything down (the leak counters stay readable in e->gnt). */
void blk_env_fini(struct blk_env *e);

#endif /* TESTS_BLK_FAKES_H */
