/*
 * xen_oracle.c - Debian's libxen-dev io/ring.h, the reference: its layout
 * facts, and a front/back pair driven through Xen's own macros for the
 * notification and index tests. Nothing here sees a Skiff header.
 */
#define __XEN_INTERFACE_VERSION__ 0x00040e00

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Xen leaves the barriers to the includer (Linux: virt_mb and friends). */
#define xen_mb()  __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define xen_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define xen_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)

#include <xen/io/ring.h>
#include <xen/io/blkif.h>

#include "ring_test.h"

DEFINE_RING_TYPES(xo64, struct req64, struct rsp64);

#define LAYOUT(out, name)                                                \
    do {                                                                 \
        static union {                                                   \
            struct name##_sring s;                                       \
            uint8_t page[4096];                                          \
        } pg;                                                            \
        struct name##_front_ring fr;                                     \
        (out)->entry_size = sizeof(union name##_sring_entry);            \
        (out)->sring_size = sizeof(struct name##_sring);                 \
        (out)->off_req_prod = offsetof(struct name##_sring, req_prod);   \
        (out)->off_req_event = offsetof(struct name##_sring, req_event); \
        (out)->off_rsp_prod = offsetof(struct name##_sring, rsp_prod);   \
        (out)->off_rsp_event = offsetof(struct name##_sring, rsp_event); \
        (out)->off_ring = offsetof(struct name##_sring, ring);           \
        (out)->const_size_4k = __CONST_RING_SIZE(name, 4096);            \
        (out)->const_size_8k = __CONST_RING_SIZE(name, 8192);            \
        (out)->const_size_16k = __CONST_RING_SIZE(name, 16384);          \
        SHARED_RING_INIT(&pg.s);                                         \
        FRONT_RING_INIT(&fr, &pg.s, 4096);                               \
        (out)->init_size_4k = RING_SIZE(&fr);                            \
    } while (0)

void xen_layout_64(struct ring_layout *out)
{
    LAYOUT(out, xo64);
}

void xen_layout_blkif(struct ring_layout *out)
{
    LAYOUT(out, blkif);
}

unsigned int xen_pow2_floor(unsigned int x)
{
    return __RD32(x);
}

static union {
    struct xo64_sring s;
    uint8_t page[4096];
} xo_page;
static struct xo64_front_ring xo_front;
static struct xo64_back_ring xo_back;

void xo_init(unsigned int start)
{
    SHARED_RING_INIT(&xo_page.s);
    xo_page.s.req_prod = xo_page.s.rsp_prod = start;
    xo_page.s.req_event = xo_page.s.rsp_event = start + 1;
    FRONT_RING_ATTACH(&xo_front, &xo_page.s, start, 4096);
    BACK_RING_ATTACH(&xo_back, &xo_page.s, start, 4096);
}

unsigned int xo_produce(unsigned int k)
{
    unsigned int n = 0;

    for (; n < k && !RING_FULL(&xo_front); n++) {
        struct req64 *req = RING_GET_REQUEST(&xo_front, xo_front.req_prod_pvt);
        req->id = xo_front.req_prod_pvt;
        xo_front.req_prod_pvt++;
    }
    return n;
}

int xo_push_requests(void)
{
    int notify;

    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&xo_front, notify);
    return notify;
}

unsigned int xo_take_requests(unsigned int max)
{
    unsigned int n = 0;
    struct req64 req;

    while (n < max && RING_HAS_UNCONSUMED_REQUESTS(&xo_back)) {
        RING_COPY_REQUEST(&xo_back, xo_back.req_cons, &req);
        xo_back.req_cons++;
        n++;
    }
    return n;
}

unsigned int xo_respond(unsigned int k)
{
    unsigned int n = 0;

    for (; n < k && xo_back.rsp_prod_pvt != xo_back.req_cons; n++) {
        struct rsp64 *rsp = RING_GET_RESPONSE(&xo_back, xo_back.rsp_prod_pvt);
        rsp->id = xo_back.rsp_prod_pvt;
        xo_back.rsp_prod_pvt++;
    }
    return n;
}

int xo_push_responses(void)
{
    int notify;

    RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&xo_back, notify);
    return notify;
}

unsigned int xo_take_responses(unsigned int max)
{
    unsigned int n = 0;

    while (n < max && RING_HAS_UNCONSUMED_RESPONSES(&xo_front)) {
        xo_front.rsp_cons++;
        n++;
    }
    return n;
}

int xo_final_check_requests(void)
{
    int work;

    RING_FINAL_CHECK_FOR_REQUESTS(&xo_back, work);
    return work;
}

int xo_final_check_responses(void)
{
    int work;

    RING_FINAL_CHECK_FOR_RESPONSES(&xo_front, work);
    return work;
}

void xo_header(uint32_t idx[4])
{
    idx[0] = xo_page.s.req_prod;
    idx[1] = xo_page.s.req_event;
    idx[2] = xo_page.s.rsp_prod;
    idx[3] = xo_page.s.rsp_event;
}
