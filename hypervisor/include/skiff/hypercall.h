/*
 * skiff/hypercall.h - hypercall dispatch. The handler table is generated from
 * public/hypercalls.def; each handler gets the calling vCPU and the raw
 * argument registers and decodes them itself.
 */
#ifndef SKIFF_HYPERCALL_H
#define SKIFF_HYPERCALL_H

#include <skiff/types.h>

struct vcpu;

/* The five argument registers (rdi, rsi, rdx, r10, r8 on x86_64), in place. */
struct hypercall_args {
    uint64_t arg[5];
};

typedef long hypercall_fn(struct vcpu *v, const struct hypercall_args *args);

#define HYPERCALL(name, nr, who, nargs, params, args) hypercall_fn do_##name;
#include <public/hypercalls.def>
#undef HYPERCALL

/* Runs hypercall nr for v. Unknown numbers: -ENOSYS; privileged from others: -EPERM. */
long hypercall_dispatch(struct vcpu *v, uint64_t nr, const struct hypercall_args *args);

/*
 * Makes the guest issue hypercall nr again with new arguments when it next
 * runs (bounded work per call). The handler's return value is then ignored.
 */
void arch_hypercall_continue(struct vcpu *v, uint64_t nr, const struct hypercall_args *args);

/* Name of hypercall nr for logs ("?" if none). */
const char *hypercall_name(uint64_t nr);

#endif /* SKIFF_HYPERCALL_H */
