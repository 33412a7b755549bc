/*
 * fuzz_blkback.c - libFuzzer harness for blkback's core (backends/blkback)
 * with the host fakes of tests/unit/blk: the input configures a ring, then
 * plays a hostile frontend step by step - requests of any bytes, producer
 * indices of any value, entries rewritten after the backend read them,
 * indirect pages, grant and disk failures, disconnects - while the disk
 * completes out of order. After every step: the pool and the mappings stay
 * bounded, every response is well formed, every consumed request is
 * answered once; at the end nothing is left mapped or allocated.
 *
 * Input: 4 header bytes (flags: bit 0 COPY, 1 can_flush, 2 guest ro, 3 disk
 * ro; pool size; disk queue depth; indirect limit), then steps of an op
 * byte and its operands (see step()).
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "blk_fakes.h"
#include "fuzz_util.h"

#define NPAGES 8 /* pages the frontend granted (refs 8..15; 14 and 15 read-only) */

struct fz {
    struct fake_gnt gnt; /* first: fake_gnt_back_ops take the ctx as this */
    struct fake_disk disk;
    struct blkback_ring *back;
    struct blkif_sring *sring;
    uint8_t *pages[NPAGES];
    RING_IDX req_prod, rsp_cons;
    unsigned int responses;
};

static void ev_notify(void *ctx)
{
    (void)ctx;
}

static void ev_log(void *ctx, const char *fmt, va_list ap)
{
    (void)ctx;
    (void)fmt;
    (void)ap;
}

static const struct blkback_env_ops env_ops = {.notify = ev_notify, .log = ev_log};

static int setup(struct fz *z, struct fuzz_reader *in)
{
    uint8_t flags = fuzz_u8(in), nr = fuzz_u8(in), depth = fuzz_u8(in), ind = fuzz_u8(in);
    struct blkback_config cfg = {
        .frontend = FAKE_FRONTEND,
        .strategy = flags & 1 ? BLKBACK_COPY : BLKBACK_MAP,
        .nr_reqs = 1 + nr % 8, /* small pools: more exhaustion, cheaper COPY setup */
        .max_indirect_segs = ind & 1 ? 12 + ind % (BLKBACK_MAX_SEGS - 11) : 0,
        .readonly = flags & 4,
        .dev = &z->disk.dev,
        .gops = &fake_gnt_back_ops,
        .eops = &env_ops,
        .ctx = z,
    };

    fake_gnt_init(&z->gnt);
    fake_disk_init(&z->disk, 64, 1 + depth % 16, flags & 2, flags & 8);
    z->sring = aligned_alloc(4096, 4096);
    memset(z->sring, 0, 4096);
    blkif_sring_init(z->sring);
    for (unsigned int i = 0; i < NPAGES; i++) {
        grant_ref_t ref;
        z->pages[i] = aligned_alloc(4096, 4096);
        memset(z->pages[i], (int)i, 4096);
        FUZZ_CHECK(fake_gnt_grant(&z->gnt, z->pages[i], i >= NPAGES - 2, &ref) == 0);
    }
    z->back = calloc(1, sizeof(*z->back));
    return blkback_ring_init(z->back, &cfg, z->sring, 4096);
}

/* The frontend's view: every new response is well formed. */
static void take_responses(struct fz *z)
{
    RING_IDX prod = z->sring->rsp_prod;

    FUZZ_CHECK((RING_IDX)(z->back->back.req_cons - prod) <= 32); /* answers consumed requests */
    if ((RING_IDX)(prod - z->rsp_cons) > 32) /* this frontend fell behind: its loss */
        z->rsp_cons = prod - 32;
    for (; z->rsp_cons != prod; z->rsp_cons++) {
        const struct blkif_response *r = &z->sring->ring[z->rsp_cons & 31].rsp;
        FUZZ_CHECK(r->status == BLKIF_RSP_OKAY || r->status == BLKIF_RSP_ERROR ||
                   r->status == BLKIF_RSP_EOPNOTSUPP);
        z->responses++;
    }
}

static void check_bounds(struct fz *z)
{
    struct blkback_ring *b = z->back;
    const struct blkback_stats *st = &b->stats;

    /* While connected, every consumed request is answered once or still active. */
    if (b->connected)
        FUZZ_CHECK(st->requests ==
                   st->rsp_okay + st->rsp_error + st->rsp_eopnotsupp + b->nr_active);

    FUZZ_CHECK(b->nr_active <= b->cfg.nr_reqs);
    FUZZ_CHECK(b->nr_in_device <= b->nr_active);
    FUZZ_CHECK(z->gnt.maps <= b->cfg.nr_reqs * b->segs_max);
    FUZZ_CHECK(z->gnt.misuse == 0);
    FUZZ_CHECK(z->disk.nq <= z->disk.dev.queue_depth);
}

static void put_request(struct fz *z, struct fuzz_reader *in)
{
    union blkif_sring_entry *e = &z->sring->ring[z->req_prod & 31];
    unsigned int len = fuzz_u8(in) % (sizeof(e->req) + 1);

    memset(&e->req, 0, sizeof(e->req));
    fuzz_take(in, &e->req, len);
    z->req_prod++;
    __atomic_store_n(&z->sring->req_prod, z->req_prod, __ATOMIC_RELEASE);
}

static void inject(struct fz *z, struct fuzz_reader *in)
{
    uint8_t which = fuzz_u8(in), n = fuzz_u8(in) % 8;

    switch (which % 5) {
    case 0:
        z->gnt.fail_map_in = n;
        break;
    case 1:
        z->gnt.fail_copy_in = n;
        break;
    case 2:
        z->disk.fail_write_in = n;
        break;
    case 3:
        z->disk.fail_flush_in = n;
        break;
    default:
        z->disk.fail_sector = n * 8;
        break;
    }
}

/* One step of the script; false at the end of the input. */
static bool step(struct fz *z, struct fuzz_reader *in)
{
    uint8_t op, *p;
    uint16_t off;

    if (!in->left)
        return false;
    op = fuzz_u8(in);
    switch (op % 9) {
    case 0: /* a request: any bytes */
        put_request(z, in);
        break;
    case 1: /* an event from the frontend */
        (void)blkback_ring_kick(z->back);
        break;
    case 2: /* the disk completes some requests */
        fake_disk_complete(&z->disk, fuzz_u8(in) % 8);
        break;
    case 8: /* both */
        fake_disk_complete(&z->disk, 0);
        (void)blkback_ring_kick(z->back);
        break;
    case 3: /* any producer index */
        z->req_prod = (RING_IDX)fuzz_u64(in);
        z->sring->req_prod = z->req_prod;
        break;
    case 4: /* rewrite a byte of an entry after the fact (R1) */
        p = (uint8_t *)&z->sring->ring[fuzz_u8(in) % 32];
        p[fuzz_u8(in) % sizeof(union blkif_sring_entry)] = fuzz_u8(in);
        break;
    case 5: /* write into a granted page (indirect segments, data) */
        p = z->pages[fuzz_u8(in) % NPAGES];
        off = fuzz_u16(in) % (4096 - 8);
        fuzz_take(in, p + off, 8);
        break;
    case 6:
        inject(z, in);
        break;
    case 7:
        blkback_ring_disconnect(z->back);
        break;
    }
    /* Read responses as soon as they can appear, before this frontend writes again. */
    if (z->back->connected)
        take_responses(z);
    check_bounds(z);
    return true;
}

static void teardown(struct fz *z)
{
    blkback_ring_disconnect(z->back);
    for (unsigned int i = 0; i < 64 && !blkback_ring_quiesced(z->back); i++)
        fake_disk_complete(&z->disk, 0);
    FUZZ_CHECK(blkback_ring_quiesced(z->back));
    FUZZ_CHECK(blkback_ring_destroy(z->back) == 0);
    FUZZ_CHECK(z->gnt.maps == 0);
    FUZZ_CHECK(z->gnt.pages_live == 0);
    FUZZ_CHECK(z->gnt.misuse == 0);
    FUZZ_CHECK(z->disk.nq == 0);
    for (unsigned int i = 0; i < NPAGES; i++)
        free(z->pages[i]);
    free(z->back);
    free(z->sring);
    fake_disk_fini(&z->disk);
    fake_gnt_fini(&z->gnt);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct fz z;
    struct fuzz_reader in = fuzz_reader_init(data, size);
    unsigned int steps = 0;

    memset(&z, 0, sizeof(z));
    FUZZ_CHECK(setup(&z, &in) == 0);
    while (steps++ < 4096 && step(&z, &in))
        ;
    (void)blkback_ring_kick(z.back);
    fake_disk_complete(&z.disk, 0);
    (void)blkback_ring_kick(z.back);
    if (z.back->connected)
        take_responses(&z);
    teardown(&z);
    return 0;
}
