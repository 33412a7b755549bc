/*
 * events_scan.c - the bit logic of event delivery: which ports an upcall
 * finds pending in the 2-level bitmaps of shared_info and vcpu_info. Pure
 * (state passed in), so the host unit tests run it on ordinary memory.
 */
#include <skiff/events.h>

#define BITS_PER_WORD 64 /* 64 words of 64 ports: the selector has a bit per word */

static unsigned int scan_word(struct shared_info *s, unsigned int w, evtchn_scan_fn *fn, void *ctx)
{
    uint64_t ready = __atomic_load_n(&s->evtchn_pending[w], __ATOMIC_ACQUIRE) &
                     ~__atomic_load_n(&s->evtchn_mask[w], __ATOMIC_ACQUIRE);
    unsigned int calls = 0;

    while (ready) {
        unsigned int bit = (unsigned int)__builtin_ctzll(ready);
        ready &= ready - 1;
        /* Clear first: a send during fn sets the bit (and the selector) again. */
        __atomic_fetch_and(&s->evtchn_pending[w], ~(1ull << bit), __ATOMIC_SEQ_CST);
        fn(w * BITS_PER_WORD + bit, ctx);
        calls++;
    }
    return calls;
}

unsigned int evtchn_scan(struct shared_info *s, struct vcpu_info *vi, evtchn_scan_fn *fn, void *ctx)
{
    unsigned int calls = 0;

    __atomic_store_n(&vi->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
    uint64_t sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    while (sel) {
        unsigned int w = (unsigned int)__builtin_ctzll(sel);
        sel &= sel - 1;
        calls += scan_word(s, w, fn, ctx);
    }
    return calls;
}
