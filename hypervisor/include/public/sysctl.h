/*
 * public/sysctl.h - HYPERVISOR_sysctl(struct skiff_sysctl *op): Skiff's own
 * system-wide control operations.
 *
 * Xen's sysctl is a toolstack-internal, unstable interface, so Skiff defines
 * its own (the hypercall number, 35, is Xen's). Control domain only: other
 * domains get -EPERM. The op struct is read once, the reply written once; all
 * bytes of the reply that a sub-op does not define are zero.
 *
 * Errors: -EPERM (not the control domain), -EFAULT (op not readable or not
 * writable), -EINVAL (interface_version mismatch), -ENOSYS (unknown cmd).
 */
#ifndef SKIFF_PUBLIC_SYSCTL_H
#define SKIFF_PUBLIC_SYSCTL_H

#include <stdint.h>

#include "skiff.h"

#define SKIFF_SYSCTL_INTERFACE_VERSION 1

/*
 * SKIFF_SYSCTL_physinfo: machine and memory figures. free_pages is the
 * frame allocator's count of free 4 KiB frames; tests use it to find leaks.
 */
#define SKIFF_SYSCTL_physinfo 1
struct skiff_sysctl_physinfo {
    uint64_t total_pages;  /*  0 OUT: usable RAM frames found at boot */
    uint64_t free_pages;   /*  8 OUT: frames free right now */
    uint64_t heap_used;    /* 16 OUT: bytes in use in the hypervisor heap */
    uint32_t nr_cpus;      /* 24 OUT: CPUs running the hypervisor */
    uint32_t cpu_khz;      /* 28 OUT: calibrated TSC frequency */
    uint32_t lapic_khz;    /* 32 OUT: calibrated LAPIC timer frequency */
    uint32_t cpu_features; /* 36 OUT: SKIFF_CPUFEAT_* found at boot */
    uint64_t timer_ticks;  /* 40 OUT: LAPIC timer interrupts taken */
};                         /* 48 bytes */

/* Bits of skiff_sysctl_physinfo.cpu_features. */
#define SKIFF_CPUFEAT_NX       (1u << 0)
#define SKIFF_CPUFEAT_SMEP     (1u << 1)
#define SKIFF_CPUFEAT_SMAP     (1u << 2)
#define SKIFF_CPUFEAT_PCID     (1u << 3)
#define SKIFF_CPUFEAT_XSAVE    (1u << 4)
#define SKIFF_CPUFEAT_PAGE1GB  (1u << 5)
#define SKIFF_CPUFEAT_UMIP     (1u << 6)
#define SKIFF_CPUFEAT_FSGSBASE (1u << 7)
#define SKIFF_CPUFEAT_TSCDL    (1u << 8)
#define SKIFF_CPUFEAT_INVTSC   (1u << 9)

/*
 * SKIFF_SYSCTL_sched_dump: prints the scheduler's run queue and every
 * vCPU's priority, credit and CPU time on the hypervisor console. No reply.
 */
#define SKIFF_SYSCTL_sched_dump 2

/*
 * SKIFF_SYSCTL_readconsole: the hypervisor console's recent output (the
 * last 16 KiB are kept), for `dmesg`. Bytes are numbered from boot; the
 * call copies up to `count` bytes starting at byte `index` (or at the
 * oldest one still kept, if index is older) to `buffer`, and returns in
 * `count` how many it copied, in `index` the number of the byte after them
 * and in `head` how many bytes were written since boot. Reading until
 * index reaches the first call's head reads everything once (what the
 * reader prints meanwhile comes after it). -EFAULT if buffer is not
 * writable; count above 65536 is treated as 65536.
 */
#define SKIFF_SYSCTL_readconsole 3
struct skiff_sysctl_readconsole {
    SKIFF_GUEST_HANDLE(char) buffer; /*  0 IN */
    uint32_t count;                  /*  8 IN: buffer size; OUT: bytes copied */
    uint32_t pad;                    /* 12 */
    uint64_t index;                  /* 16 IN: first byte wanted; OUT: next byte */
    uint64_t head;                   /* 24 OUT: bytes written since boot */
};                                   /* 32 bytes */

struct skiff_sysctl {
    uint32_t cmd;               /* 0 IN: SKIFF_SYSCTL_* */
    uint32_t interface_version; /* 4 IN: SKIFF_SYSCTL_INTERFACE_VERSION */
    union {
        struct skiff_sysctl_physinfo physinfo;
        struct skiff_sysctl_readconsole readconsole;
        uint8_t pad[120];
    } u; /* 8 OUT */
};       /* 128 bytes */

#endif /* SKIFF_PUBLIC_SYSCTL_H */
