/*
 * skiff/domain.h - domains and their vCPUs.
 *
 * A domain owns its RAM (the physmap: guest frame -> machine frame plus the
 * guest's permissions), its vCPUs and its shared_info page. Guest RAM
 * [0, nr_pages) is mapped at the same guest virtual addresses; page 0 is
 * never mapped. The arch layer turns the physmap into page tables.
 *
 * Lock: none yet (one CPU runs the hypervisor with interrupts off).
 */
#ifndef SKIFF_DOMAIN_H
#define SKIFF_DOMAIN_H

#include <arch/vcpu.h>
#include <public/skiff.h>
#include <skiff/types.h>

/* Guest permissions of a physmap entry; an entry of 0 is "not mapped". */
#define P2M_R     1ull
#define P2M_W     2ull
#define P2M_X     4ull
#define P2M_PERMS (P2M_R | P2M_W | P2M_X)

struct physmap {
    uint64_t nr_pages; /* guest RAM is [0, nr_pages) frames */
    uint64_t *p2m;     /* per gfn: mfn << PAGE_SHIFT | P2M_* (0 = not mapped) */
};

enum domain_state {
    DOMAIN_BUILDING, /* being built; never run */
    DOMAIN_RUNNING,  /* may run */
    DOMAIN_SHUTDOWN, /* shut down (shutdown_reason says why); waits to be destroyed */
};

#define DOMAIN_MAX_VCPUS 1
#define DOMAIN_NAME_LEN  32

struct vcpu {
    struct arch_vcpu arch; /* registers first: entry code saves into it */
    struct domain *domain;
    unsigned int vcpu_id;
    struct vcpu_info *info; /* this vCPU's slot in the domain's shared_info */
};

struct domain {
    domid_t domid;
    bool privileged;
    char name[DOMAIN_NAME_LEN];
    enum domain_state state;
    unsigned int shutdown_reason; /* SHUTDOWN_*, valid in DOMAIN_SHUTDOWN */

    struct physmap physmap;
    bool ram_contiguous; /* RAM is one machine range starting at ram_base */
    mfn_t ram_base;

    uint64_t shared_info_gfn;
    struct shared_info *shared_info; /* hypervisor mapping of that frame */

    struct vcpu *vcpu[DOMAIN_MAX_VCPUS];
    struct arch_domain arch;
};

/* Allocates an empty domain with one vCPU. NULL on -ENOMEM. */
struct domain *domain_create(domid_t domid, const char *name, bool privileged);

/*
 * Gives the domain nr_pages of zeroed RAM, mapped read-write, not executable,
 * except page 0 which stays unmapped. With contiguous, the RAM is one machine
 * range aligned to 2 MiB. 0, -ENOMEM or -EINVAL.
 */
int domain_alloc_ram(struct domain *d, uint64_t nr_pages, bool contiguous);

/* Sets the guest permissions of RAM pages [first, first+count). 0 or -EINVAL. */
int domain_set_perms(struct domain *d, uint64_t first_gfn, uint64_t count, uint64_t perms);

/* Machine frame behind a guest frame, or INVALID_MFN if not mapped. */
mfn_t domain_gfn_to_mfn(const struct domain *d, uint64_t gfn);

/* Makes RAM page gfn the domain's shared_info page. 0 or -EINVAL. */
int domain_set_shared_info(struct domain *d, uint64_t gfn);

/* Frees the domain and everything it owns. Always succeeds. */
void domain_destroy(struct domain *d);

/* Shuts the domain down with a SHUTDOWN_* reason (what follows is policy). */
void domain_shutdown(struct domain *d, unsigned int reason);

/* Kills the domain because of what its guest did; prints why and its registers. */
void domain_crash(struct domain *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Called by domain_shutdown; decides what happens next (dom0: stop the machine). */
void domain_shutdown_policy(struct domain *d);

extern struct domain *dom0;

#endif /* SKIFF_DOMAIN_H */
