/*
 * fuzz_hypercall_check.h - what fuzz_hypercall.c (which makes the calls)
 * and fuzz_hypercall_check.c (which checks what they did) share: the call
 * record, the state taken before it, and raw access to guest RAM.
 */
#ifndef SKIFF_FUZZ_HYPERCALL_CHECK_H
#define SKIFF_FUZZ_HYPERCALL_CHECK_H

#include <skiff/domain.h>
#include <skiff/hypercall.h>

#include "fuzz_hypercall.h"

/* The two domains of one input: [0] privileged, [1] unprivileged. */
struct hc_world {
    struct domain *d[2];
};

struct hc_call {
    struct hc_world *w;
    struct domain *d; /* the caller */
    uint64_t nr;
    struct hypercall_args args;
    bool returned; /* false: it entered a vCPU (blocked) instead of returning */
    long rc;       /* valid when returned */
};

/* Everything a call must leave alone, taken just before it. */
struct hc_state {
    uint64_t free_frames;
    size_t heap_used;
    size_t console_bytes; /* printed so far */
    domid_t domid;
    bool privileged;
    uint64_t p2m[2][FUZZ_HC_RAM_PAGES];
    uint8_t guarded[3][FUZZ_HC_PAGE_SIZE]; /* the caller's pages it may not write */
    uint8_t other_ram[FUZZ_HC_RAM_BYTES];  /* the other domain's RAM */
};

void hc_take_state(const struct hc_call *c, struct hc_state *s);
/* Checks every invariant after the call; aborts on the first violation. */
void hc_check_call(const struct hc_call *c, const struct hc_state *before);

/* Write guest RAM directly, whatever the guest's permissions: one byte, or all of it. */
void hc_ram_poke(const struct domain *d, uint64_t gpa, uint8_t byte);
void hc_ram_fill(const struct domain *d, uint8_t byte);

#endif /* SKIFF_FUZZ_HYPERCALL_CHECK_H */
