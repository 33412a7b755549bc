/*
 * skiff/domain.h - domains and their vCPUs.
 *
 * A domain owns its RAM (the physmap: guest frame -> machine frame plus the
 * guest's permissions), its vCPUs, its event channels, its grant window and
 * its shared_info page. Guest RAM [0, nr_pages) is mapped at the same guest
 * virtual addresses; page 0 is never mapped. The arch layer turns the
 * physmap into page tables.
 *
 * Lifetime: a domain is listed from creation until it is destroyed. It is
 * freed when it is destroyed and no other domain maps its pages any more
 * (refs counts those mappings); until then it lingers, unlisted (a zombie).
 *
 * Lock: none yet (one CPU runs the hypervisor with interrupts off).
 */
#ifndef SKIFF_DOMAIN_H
#define SKIFF_DOMAIN_H

#include <arch/vcpu.h>
#include <public/sched.h>
#include <public/skiff.h>
#include <skiff/evtchn.h>
#include <skiff/grant_table.h>
#include <skiff/sched.h>
#include <skiff/timer.h>
#include <skiff/types.h>
#include <skiff/window.h>

/* Guest permissions of a physmap entry; an entry of 0 is "not mapped". */
#define P2M_R     1ull
#define P2M_W     2ull
#define P2M_X     4ull
#define P2M_PERMS (P2M_R | P2M_W | P2M_X)
#define P2M_UC    8ull /* device memory: uncached (grant window only) */

struct physmap {
    uint64_t nr_pages; /* guest RAM is [0, nr_pages) frames */
    uint64_t *p2m;     /* per gfn: mfn << PAGE_SHIFT | P2M_* (0 = not mapped) */
};

enum domain_state {
    DOMAIN_BUILDING, /* being built; never run */
    DOMAIN_RUNNING,  /* may run (unless paused) */
    DOMAIN_SHUTDOWN, /* shut down (shutdown_reason says why); waits to be destroyed */
    DOMAIN_DYING,    /* destroyed; lingers while others map its pages */
};

#define DOMAIN_MAX_VCPUS 1
#define DOMAIN_NAME_LEN  32
#define DOMAIN_MAX_DOMID 255 /* ids 0..255 */

struct vcpu {
    struct arch_vcpu arch; /* registers first: entry code saves into it */
    struct domain *domain;
    unsigned int vcpu_id;
    struct vcpu_info *info; /* this vCPU's slot in the domain's shared_info */

    struct sched_unit sched;
    bool blocked; /* SCHEDOP_block or poll: waits for an event */
    bool polling; /* SCHEDOP_poll: wakes on one of poll_ports */
    unsigned int nr_poll_ports;
    evtchn_port_t poll_ports[SCHED_POLL_MAX_PORTS];
    struct timer timer;      /* set_timer_op: sends VIRQ_TIMER */
    struct timer poll_timer; /* SCHEDOP_poll timeout */
    evtchn_port_t virq_port[NR_VIRQS];
    uint64_t event_callback; /* upcall entry (callback_op), 0 = none */
};

struct domain {
    domid_t domid;
    bool privileged;
    char name[DOMAIN_NAME_LEN];
    enum domain_state state;
    unsigned int shutdown_reason; /* SHUTDOWN_*, valid in DOMAIN_SHUTDOWN */
    unsigned int pause_count;     /* > 0: no vCPU runs */
    unsigned int refs;            /* mappings of its pages held by other domains */

    struct physmap physmap;
    bool ram_contiguous; /* RAM is one machine range starting at ram_base */
    mfn_t ram_base;

    uint64_t shared_info_gfn;
    struct shared_info *shared_info; /* hypervisor mapping of that frame */

    uint32_t weight, cap; /* scheduling parameters */
    struct evtchn_table evtchn;
    struct grant_window window;
    struct grant_table *grant; /* its grant table and maptrack (grant_table.c) */

    struct vcpu *vcpu[DOMAIN_MAX_VCPUS];
    struct arch_domain arch;
};

/* Settings of a new domain. */
struct domain_config {
    domid_t domid;
    const char *name;
    bool privileged;
    uint32_t weight, cap;
    unsigned int max_ports;
    uint64_t window_pages;
    unsigned int max_grant_frames; /* 0: GNTTAB_DEFAULT_FRAMES */
};

/*
 * Allocates an empty, paused domain with one vCPU and lists it. NULL on
 * -ENOMEM or if the id is taken (names are the toolstack's business).
 */
struct domain *domain_create(const struct domain_config *cfg);

/*
 * Gives the domain nr_pages of zeroed RAM, mapped read-write, not executable,
 * except page 0 which stays unmapped. With contiguous, the RAM is one machine
 * range aligned to 2 MiB. 0, -ENOMEM or -EINVAL.
 */
int domain_alloc_ram(struct domain *d, uint64_t nr_pages, bool contiguous);

/* Sets the guest permissions of RAM pages [first, first+count). 0 or -EINVAL. */
int domain_set_perms(struct domain *d, uint64_t first_gfn, uint64_t count, uint64_t perms);

/* Machine frame behind a guest RAM frame, or INVALID_MFN if not mapped. */
mfn_t domain_gfn_to_mfn(const struct domain *d, uint64_t gfn);

/* Makes RAM page gfn the domain's shared_info page. 0 or -EINVAL. */
int domain_set_shared_info(struct domain *d, uint64_t gfn);

/* Lets a built domain run for the first time (page tables built). 0 or error. */
int domain_start(struct domain *d);

void domain_pause(struct domain *d);
void domain_unpause(struct domain *d);

/*
 * Stops the domain, closes its channels, unlists it and frees it (at once,
 * or when the last mapping of its pages goes). Always succeeds.
 */
void domain_destroy(struct domain *d);

/* Takes and drops a reference held by a mapping of d's pages. */
void domain_get(struct domain *d);
void domain_put(struct domain *d);

/* Shuts the domain down with a SHUTDOWN_* reason (what follows is policy). */
void domain_shutdown(struct domain *d, unsigned int reason);

/* Kills the domain because of what its guest did; prints why and its registers. */
void domain_crash(struct domain *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Called by domain_shutdown; decides what happens next (dom0: stop the machine). */
void domain_shutdown_policy(struct domain *d);

/* A listed domain by id (DOMID_SELF is not resolved here), or NULL. */
struct domain *domain_by_id(domid_t id);
/* Any domain by id, including one being destroyed (for dropping references). */
struct domain *domain_by_id_any(domid_t id);
/* The first listed domain with an id >= id, or NULL. */
struct domain *domain_next(domid_t id);
/* Resolves DOMID_SELF against caller. */
struct domain *domain_lookup(struct domain *caller, domid_t id);

/* Domains alive (listed or lingering), for leak checks. */
unsigned int domain_count(void);

extern struct domain *dom0;

#endif /* SKIFF_DOMAIN_H */
