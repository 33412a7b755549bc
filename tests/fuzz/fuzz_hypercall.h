/*
 * fuzz_hypercall.h - the input format of fuzz_hypercall, shared by the
 * harness (which decodes it) and the seed generator (which encodes it).
 *
 * An input is a u8 fill (every byte of both domains' fresh RAM), then a
 * sequence of up to FUZZ_HC_MAX_CALLS calls, made one after the other on the
 * two domains; bytes missing at the end read as zero. One call is, in order:
 *
 *   u8          flags          FUZZ_HC_UNPRIVILEGED: made by the domU
 *   value       hypercall number
 *   value x 5   the argument registers
 *   u8          patches        how many patches follow (modulo 8)
 *   patch ...   u16 offset (modulo the RAM size), u8 len, len bytes: written
 *               into the calling domain's RAM before the call, so the structs
 *               handlers read hold fuzz data (pages without a frame are skipped)
 *
 * A value is u8 kind (modulo FV_NR_KINDS) and a little-endian u64 raw, and
 * decodes as described at each kind below. The kinds bias numbers towards
 * what matters: addresses inside, at the edge of and outside guest RAM,
 * lengths around the copy limits, and the known hypercall numbers.
 */
#ifndef SKIFF_FUZZ_HYPERCALL_H
#define SKIFF_FUZZ_HYPERCALL_H

#include <stdint.h>

#define FUZZ_HC_MAX_CALLS    4
#define FUZZ_HC_MAX_PATCHES  8
#define FUZZ_HC_UNPRIVILEGED 0x01

enum fuzz_value_kind {
    FV_RAW,          /* raw */
    FV_SMALL,        /* raw % 16: sub-op numbers, small counts */
    FV_SMALL_DIRTY,  /* raw % 16 with raw's upper 32 bits kept (truncation to int) */
    FV_NEGATIVE,     /* -1 - raw % 16 as 64 bits */
    FV_RAM,          /* an address in guest RAM past page 0 */
    FV_RAM_END,      /* RAM size - raw % 512: at or just before the end of RAM */
    FV_PAGE0,        /* raw % 4096: the never-mapped page 0 */
    FV_SPECIAL_PAGE, /* within a page of the start of a read-only, unmapped or exec-only page */
    FV_HOSTILE,      /* one of the harness's hostile addresses plus a small signed delta */
    FV_LENGTH,       /* one of the harness's lengths: around copy limits and type boundaries */
    FV_HYPERCALL,    /* one of the harness's hypercall numbers (known ones and neighbours) */
    FV_NR_KINDS,
};

#define FUZZ_HC_VALUE_BYTES 9 /* u8 kind + u64 raw */

/* Guest RAM of both fuzzed domains: 16 pages with this layout. */
#define FUZZ_HC_RAM_PAGES  16
#define FUZZ_HC_RO_PAGE    12 /* readable only */
#define FUZZ_HC_HOLE_PAGE  13 /* no permissions: not mapped */
#define FUZZ_HC_XONLY_PAGE 14 /* executable only */
/* Page 0 is never mapped; every other page is readable and writable. */

/*
 * Grants set up before the calls: each domain's table has one frame (mapped
 * into its window and removed again, so the window starts empty as the
 * address model expects), and each grants the other domain
 * FUZZ_HC_GRANT_RW_PAGE writable (ref FUZZ_HC_GRANT_RW_REF) and
 * FUZZ_HC_GRANT_RO_PAGE read-only (ref FUZZ_HC_GRANT_RO_REF). Grant calls may
 * change the other domain's RW page, nothing else of it.
 */
#define FUZZ_HC_PRIV_DOMID    0 /* the privileged domain (not the global dom0) */
#define FUZZ_HC_DOMU_DOMID    7
#define FUZZ_HC_GRANT_RW_REF  1
#define FUZZ_HC_GRANT_RO_REF  2
#define FUZZ_HC_GRANT_RW_PAGE 2
#define FUZZ_HC_GRANT_RO_PAGE 3

#define FUZZ_HC_PAGE_SIZE 4096ull
#define FUZZ_HC_RAM_BYTES (FUZZ_HC_RAM_PAGES * FUZZ_HC_PAGE_SIZE)

#endif /* SKIFF_FUZZ_HYPERCALL_H */
