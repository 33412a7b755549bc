/*
 * arch/vcpu.h (fake) - per-vCPU and per-domain state of the fake
 * architecture: just enough to record what the core asked for.
 */
#ifndef ARCH_VCPU_H
#define ARCH_VCPU_H

#include <stdbool.h>
#include <stdint.h>

struct arch_vcpu {
    uint64_t entry, stack, arg0; /* from arch_vcpu_init */
    bool continued;              /* arch_hypercall_continue was called */
    uint64_t cont_nr;
    uint64_t cont_args[5];
    long retval; /* from arch_vcpu_set_retval */
};

struct arch_domain {
    uint64_t root_mfn; /* a frame standing in for page tables (0 = none) */
    bool mapped;       /* arch_domain_map_ram ran */
};

#endif /* ARCH_VCPU_H */
