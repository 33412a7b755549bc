/*
 * public/domctl.h - HYPERVISOR_domctl(struct skiff_domctl *op): Skiff's own
 * domain control for the toolstack (Xen's domctl is an unstable internal
 * interface, so only the number, 36, is Xen's).
 *
 * Control domain only (-EPERM for everyone else, on every sub-op). The op is
 * read once and written back once (the whole struct; bytes a sub-op does not
 * define are zero). `domain` names the target domain. Errors common to all:
 * -EFAULT (op not accessible), -EINVAL (interface_version mismatch, bad
 * field), -ESRCH (no such domain, or it is being destroyed), -ENOSYS
 * (unknown cmd). A failed op changes nothing.
 *
 * Life of a domain: createdomain gives a paused domain with zeroed RAM in
 * state "building". The builder (dom0's toolstack) maps its RAM through
 * memory_op(XENMEM_add_to_physmap_batch, XENMAPSPACE_gmfn_foreign), loads
 * the kernel, then sets page permissions, the hypercall page, the
 * shared_info page and the vCPU's entry state with the sub-ops below (only
 * allowed while building: -EBUSY afterwards), and finally unpausedomain,
 * which builds the page tables and lets the domain run. A domain that shuts
 * down (or is killed) stays, in state "shutdown" with its reason, until
 * destroydomain; dom0 gets VIRQ_DOM_EXC whenever a domain shuts down or is
 * destroyed. destroydomain always succeeds for an existing domain other
 * than the caller: its vCPUs stop, its event channels close (peers see
 * their ports unbound) and its memory is freed (later, if another domain
 * still maps some of it).
 */
#ifndef SKIFF_PUBLIC_DOMCTL_H
#define SKIFF_PUBLIC_DOMCTL_H

#include <stdint.h>

#include "grant_table.h"
#include "skiff.h"

/*
 * 2: createdomain gained max_grant_frames, getdomaininfo the grant-table
 * counts (at new offsets; every older field kept its offset).
 */
#define SKIFF_DOMCTL_INTERFACE_VERSION 2

/*
 * createdomain: IN domain = 0 to let the hypervisor choose an id, or the id
 * wanted (-EEXIST if taken). OUT domain = the new id. max_pages at least
 * 256 (1 MiB) and at most what is free (-ENOMEM); weight 1..65535 (0 means
 * the default, 256); cap 0 (none) or 1..100 (% of one CPU); max_ports 0
 * (default 1024) or 2..4096; name NUL-terminated, unique (-EEXIST);
 * max_grant_frames 0 (default SKIFF_GNTTAB_DEFAULT_FRAMES, 4: 2048 entries)
 * or 1..SKIFF_GNTTAB_MAX_FRAMES (64) frames of grant table.
 */
#define SKIFF_DOMCTL_createdomain 1
struct skiff_domctl_createdomain {
    uint64_t max_pages;        /*  0 IN: RAM in 4 KiB pages */
    uint32_t weight;           /*  8 IN */
    uint32_t cap;              /* 12 IN */
    uint32_t max_ports;        /* 16 IN */
    uint32_t flags;            /* 20 IN: none defined, must be 0 */
    char name[32];             /* 24 IN */
    uint32_t max_grant_frames; /* 56 IN: 0 = default */
    uint32_t pad;              /* 60 must be 0 */
};                             /* 64 bytes */

/* destroydomain, pausedomain, unpausedomain: no arguments besides `domain`. */
#define SKIFF_DOMCTL_destroydomain 2
#define SKIFF_DOMCTL_pausedomain   3
#define SKIFF_DOMCTL_unpausedomain 4

/*
 * getdomaininfo: IN domain; OUT the first existing domain with an id >=
 * domain (so a toolstack lists all domains by asking for 0, then id+1, ...
 * until -ESRCH). `domain` of the op is set to the id found.
 */
#define SKIFF_DOMCTL_getdomaininfo 5
#define SKIFF_DOMINF_building      (1u << 0) /* never unpaused yet */
#define SKIFF_DOMINF_running       (1u << 1) /* runnable or running */
#define SKIFF_DOMINF_blocked       (1u << 2) /* waiting for an event */
#define SKIFF_DOMINF_paused        (1u << 3) /* paused by the toolstack */
#define SKIFF_DOMINF_shutdown      (1u << 4) /* shut down: see shutdown_reason */
#define SKIFF_DOMINF_privileged    (1u << 5)
struct skiff_domctl_getdomaininfo {
    domid_t domid;             /*  0 OUT */
    uint16_t pad;              /*  2 */
    uint32_t flags;            /*  4 OUT: SKIFF_DOMINF_* */
    uint32_t shutdown_reason;  /*  8 OUT: SHUTDOWN_*, valid with _shutdown */
    uint32_t nr_vcpus;         /* 12 OUT */
    uint64_t tot_pages;        /* 16 OUT: RAM pages */
    uint64_t cpu_time_ns;      /* 24 OUT: time its vCPUs ran */
    uint32_t weight;           /* 32 OUT */
    uint32_t cap;              /* 36 OUT */
    uint32_t nr_ports;         /* 40 OUT: event channels in use */
    uint32_t max_ports;        /* 44 OUT */
    char name[32];             /* 48 OUT */
    uint32_t nr_grant_frames;  /* 80 OUT: frames its grant table has now */
    uint32_t max_grant_frames; /* 84 OUT: frames it may grow to */
    uint32_t nr_grant_maps;    /* 88 OUT: grants of other domains it maps (maptrack) */
    uint32_t nr_grants_active; /* 92 OUT: entries of its table other domains use now */
};                             /* 96 bytes */

/*
 * setvcpucontext (building only): where vcpu 0 starts: rip, rsp, and rdi
 * (the start info's address, by convention). rip must be executable guest
 * RAM, rsp canonical (-EINVAL).
 */
#define SKIFF_DOMCTL_setvcpucontext 6
struct skiff_domctl_setvcpucontext {
    uint32_t vcpu; /*  0 IN: 0 */
    uint32_t pad;  /*  4 */
    uint64_t rip;  /*  8 IN */
    uint64_t rsp;  /* 16 IN */
    uint64_t rdi;  /* 24 IN */
};

/* hypercall_init (building only): fill guest page gfn with the hypercall stubs. */
#define SKIFF_DOMCTL_hypercall_init 7
struct skiff_domctl_hypercall_init {
    uint64_t gfn; /* 0 IN */
};

/* set_shared_info (building only): RAM page gfn becomes the shared_info page (zeroed). */
#define SKIFF_DOMCTL_set_shared_info 8
struct skiff_domctl_set_shared_info {
    uint64_t gfn; /* 0 IN */
};

/*
 * set_page_perms (building only): guest permissions of RAM pages [gfn,
 * gfn+count): SKIFF_PERM_* bits; R is implied; W together with X is refused
 * (-EINVAL), as is page 0 or a range outside RAM.
 */
#define SKIFF_DOMCTL_set_page_perms 9
#define SKIFF_PERM_R                1u
#define SKIFF_PERM_W                2u
#define SKIFF_PERM_X                4u
struct skiff_domctl_set_page_perms {
    uint64_t gfn;   /*  0 IN */
    uint64_t count; /*  8 IN */
    uint32_t perms; /* 16 IN */
    uint32_t pad;   /* 20 */
};

/* sched_setparams: weight (1..65535, 0 = keep) and cap (0..100). */
#define SKIFF_DOMCTL_sched_setparams 10
struct skiff_domctl_sched_params {
    uint32_t weight; /* 0 IN */
    uint32_t cap;    /* 4 IN */
};

struct skiff_domctl {
    uint32_t cmd;               /* 0 IN: SKIFF_DOMCTL_* */
    uint32_t interface_version; /* 4 IN: SKIFF_DOMCTL_INTERFACE_VERSION */
    domid_t domain;             /* 8 IN/OUT */
    uint16_t pad[3];            /* 10 */
    union {
        struct skiff_domctl_createdomain createdomain;
        struct skiff_domctl_getdomaininfo getdomaininfo;
        struct skiff_domctl_setvcpucontext setvcpucontext;
        struct skiff_domctl_hypercall_init hypercall_init;
        struct skiff_domctl_set_shared_info set_shared_info;
        struct skiff_domctl_set_page_perms set_page_perms;
        struct skiff_domctl_sched_params sched_params;
        uint8_t pad[112];
    } u; /* 16 */
};       /* 128 bytes */

#endif /* SKIFF_PUBLIC_DOMCTL_H */
