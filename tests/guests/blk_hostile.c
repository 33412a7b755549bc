/*
 * blk_hostile.c - blk.elf's mode=hostile: a frontend that connects like a
 * good one, then writes requests into the shared ring by hand, past
 * blkfront's checks, and expects dom0's blkback to answer each with an
 * error (HOSTILE R3, R5) and to go on serving good requests; at the end an
 * impossible req_prod (R2) must make it disconnect rather than loop.
 * xvda is read-write, xvdb read-only.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <public/io/blkif.h>
#include <skiff/grant.h>
#include <skiff/guest.h>
#include <skiff/page_alloc.h>
#include <skiff/thread.h>
#include <skiff/time.h>
#include <skiff/xenbus.h>

#include "blkfront_xen.h"

#define WAIT_NS (10ull * 1000000000ull)

int blk_hostile(unsigned int domid);

static unsigned int me, failures;
static uint64_t next_id = 1000;

static void check(bool ok, const char *what)
{
    if (!ok)
        failures++;
    printf("blk-hostile %u: %s: %s\n", me, what, ok ? "ok" : "FAILED");
}

/* Pushes *rq (id filled in here) and waits for its response; the status, or -ETIMEDOUT. */
static int exchange(struct blkfront_dev *d, struct blkif_request *rq)
{
    struct blkif_front_ring *fr = &d->xen.core.front;
    uint64_t until = monotonic_ns() + WAIT_NS;
    int notify;

    rq->id = next_id++;
    *RING_GET_REQUEST(fr, fr->req_prod_pvt) = *rq;
    fr->req_prod_pvt++;
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(fr, notify);
    (void)notify; /* always notify: a hostile frontend need not be polite */
    blkfront_xen_ops.notify(&d->xen);
    while (monotonic_ns() < until) {
        while (RING_HAS_UNCONSUMED_RESPONSES(fr)) {
            struct blkif_response rsp = *RING_GET_RESPONSE(fr, fr->rsp_cons);
            fr->rsp_cons++;
            if (rsp.id == rq->id)
                return rsp.status;
        }
        thread_yield();
        sleep_ns(100000);
    }
    return -ETIMEDOUT;
}

static struct blkif_request data_req(uint8_t op, uint64_t sector, grant_ref_t ref)
{
    struct blkif_request rq = {.operation = op, .nr_segments = 1, .sector_number = sector};

    rq.seg[0] = (struct blkif_request_segment){.gref = ref, .first_sect = 0, .last_sect = 7};
    return rq;
}

static void bad_requests(struct blkfront_dev *d, grant_ref_t good, uint64_t sectors)
{
    struct blkif_request rq;

    rq = data_req(BLKIF_OP_READ, 0, 4000); /* never granted */
    check(exchange(d, &rq) == BLKIF_RSP_ERROR, "R3/R5 read into a grant ref never granted");
    rq = data_req(BLKIF_OP_READ, 0, good);
    rq.nr_segments = BLKIF_MAX_SEGMENTS_PER_REQUEST + 1;
    check(exchange(d, &rq) == BLKIF_RSP_ERROR, "R3 12 segments in a direct request");
    rq = data_req(BLKIF_OP_WRITE, 0, good);
    rq.nr_segments = 0;
    check(exchange(d, &rq) == BLKIF_RSP_ERROR, "R3 a write of no segments");
    rq = data_req(BLKIF_OP_READ, 0, good);
    rq.seg[0].first_sect = 5;
    rq.seg[0].last_sect = 2;
    check(exchange(d, &rq) == BLKIF_RSP_ERROR, "R3 first_sect > last_sect");
    rq = data_req(BLKIF_OP_READ, 0, good);
    rq.seg[0].last_sect = 8;
    check(exchange(d, &rq) == BLKIF_RSP_ERROR, "R3 last_sect 8");
    rq = data_req(BLKIF_OP_READ, sectors - 4, good);
    check(exchange(d, &rq) == BLKIF_RSP_ERROR, "R3 a range past the end of the disk");
    rq = data_req(BLKIF_OP_WRITE, UINT64_MAX - 3, good);
    check(exchange(d, &rq) == BLKIF_RSP_ERROR, "R3 a range that wraps");
    rq = data_req(77, 0, good);
    check(exchange(d, &rq) == BLKIF_RSP_EOPNOTSUPP, "R3 an unknown operation");
    rq = data_req(BLKIF_OP_READ, 0, good);
    rq.nr_segments = 2;
    rq.seg[1] = (struct blkif_request_segment){.gref = 4001, .first_sect = 0, .last_sect = 7};
    check(exchange(d, &rq) == BLKIF_RSP_ERROR, "R5 the second of two segments unmappable");
    /* Ending the grant works only if blkback unmapped what it had mapped. */
    check(gnttab_end_access(good) == 0, "R5 the first segment's page is not left mapped");
}

/* One good read: the backend still serves this ring. */
static bool still_served(struct blkfront_dev *d, void *page)
{
    grant_ref_t ref;
    bool ok;

    if (gnttab_grant_access(d->xen.backend_id, (uint64_t)(uintptr_t)page / 4096, false, &ref))
        return false;
    struct blkif_request rq = data_req(BLKIF_OP_READ, 8, ref);
    ok = exchange(d, &rq) == BLKIF_RSP_OKAY;
    gnttab_end_access(ref);
    return ok;
}

static void read_only_disk(void *page)
{
    struct blkfront_dev ro;
    grant_ref_t ref;

    if (blkfront_dev_connect(&ro, "device/vbd/51728", WAIT_NS)) {
        check(false, "connect xvdb");
        return;
    }
    check(ro.info.readonly, "xvdb is advertised read-only");
    if (gnttab_grant_access(ro.xen.backend_id, (uint64_t)(uintptr_t)page / 4096, false, &ref) ==
        0) {
        struct blkif_request rq = data_req(BLKIF_OP_WRITE, 0, ref);
        check(exchange(&ro, &rq) == BLKIF_RSP_ERROR, "R3 a write to a read-only disk");
        gnttab_end_access(ref);
    }
    blkfront_dev_close(&ro, WAIT_NS);
}

/* R2: req_prod far beyond the backend's consumer: it must disconnect, not loop. */
static void impossible_index(struct blkfront_dev *d)
{
    struct blkif_front_ring *fr = &d->xen.core.front;
    uint64_t until = monotonic_ns() + WAIT_NS;

    fr->sring->req_prod = fr->req_prod_pvt + 1000;
    blkfront_xen_ops.notify(&d->xen);
    while (xenbus_read_state(d->backend) < XenbusStateClosing && monotonic_ns() < until)
        sleep_ns(1000000);
    check(xenbus_read_state(d->backend) >= XenbusStateClosing,
          "R2 an impossible req_prod: the backend disconnected");
}

int blk_hostile(unsigned int domid)
{
    struct blkfront_dev d;
    void *page = page_alloc(1);
    grant_ref_t good;

    me = domid;

    if (!page || blkfront_dev_connect(&d, "device/vbd/51712", WAIT_NS)) {
        printf("blk-hostile %u: FAILED: cannot connect xvda\n", me);
        return 1;
    }
    check(still_served(&d, page), "a good read before");
    if (gnttab_grant_access(d.xen.backend_id, (uint64_t)(uintptr_t)page / 4096, false, &good))
        return 1;
    bad_requests(&d, good, d.info.sectors); /* ends the grant */
    check(still_served(&d, page), "a good read after every bad request");
    read_only_disk(page);
    impossible_index(&d);
    blkfront_dev_close(&d, WAIT_NS);
    printf("blk-guest %u: %s: hostile requests, %u failed checks\n", me, failures ? "FAILED" : "ok",
           failures);
    return failures ? 1 : 0;
}

/* ---- mode=x4: garbage where blkback reads the frontend's nodes ---- */

struct garbage {
    const char *ring_ref, *event_channel, *protocol;
};

/* One bad handshake on disk `node`: the backend must refuse it (Closing, an error node). */
static void bad_handshake(const char *node, const struct garbage *g, const char *what)
{
    char be[128], path[192], err[128];
    int st;

    snprintf(path, sizeof(path), "%s/backend", node);
    if (xenbus_read(XBT_NIL, path, be, sizeof(be)) < 0 ||
        xenbus_wait_for_state(be, XenbusStateInitWait, node, WAIT_NS) < 0) {
        check(false, what);
        return;
    }
    snprintf(path, sizeof(path), "%s/ring-ref", node);
    xenbus_write(XBT_NIL, path, g->ring_ref);
    snprintf(path, sizeof(path), "%s/event-channel", node);
    xenbus_write(XBT_NIL, path, g->event_channel);
    snprintf(path, sizeof(path), "%s/protocol", node);
    xenbus_write(XBT_NIL, path, g->protocol);
    xenbus_switch_state(node, XenbusStateInitialised);
    st = xenbus_wait_for_state(be, XenbusStateClosing, node, WAIT_NS);
    snprintf(path, sizeof(path), "%s/error", be);
    if (xenbus_read(XBT_NIL, path, err, sizeof(err)) < 0)
        err[0] = '\0';
    check(st >= XenbusStateClosing && err[0] != '\0', what);
    printf("blk-hostile %u:   backend said: %s\n", me, err);
}

int blk_x4(unsigned int domid);
int blk_x4(unsigned int domid)
{
    static const struct garbage cases[] = {
        {"12; rm -rf /", "3", "x86_64-abi"},
        {"99999999999", "3", "x86_64-abi"},
        {"8", "0", "x86_64-abi"},
        {"8", "70000", "x86_64-abi"},
        {"8", "3", "x86_32-abi"},
    };
    static const char *const what[] = {
        "X4 ring-ref not a number",      "X4 ring-ref out of range",        "X4 event-channel 0",
        "X4 event-channel out of range", "X4 a protocol it does not speak",
    };
    char node[32];

    me = domid;
    for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(node, sizeof(node), "device/vbd/%u", 51712 + 16 * i);
        bad_handshake(node, &cases[i], what[i]);
    }
    printf("blk-guest %u: %s: garbage handshakes, %u failed checks\n", me,
           failures ? "FAILED" : "ok", failures);
    return failures ? 1 : 0;
}
