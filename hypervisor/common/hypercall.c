/*
 * common/hypercall.c - the hypercall dispatcher, driven by the one table in
 * public/hypercalls.def.
 */
#include <public/skiff.h>
#include <skiff/domain.h>
#include <skiff/errno.h>
#include <skiff/hypercall.h>

enum hypercall_who {
    HC_ANY,
    HC_PRIV,
};

struct hypercall_entry {
    hypercall_fn *fn;
    enum hypercall_who who;
    const char *name;
};

static const struct hypercall_entry hypercall_table[SKIFF_NR_HYPERCALLS] = {
#define HYPERCALL(name, nr, who, nargs, params, args) [nr] = {do_##name, HC_##who, #name},
#include <public/hypercalls.def>
#undef HYPERCALL
};

long hypercall_dispatch(struct vcpu *v, uint64_t nr, const struct hypercall_args *args)
{
    const struct hypercall_entry *e;

    if (nr >= SKIFF_NR_HYPERCALLS)
        return -ENOSYS;
    e = &hypercall_table[nr];
    if (!e->fn)
        return -ENOSYS;
    if (e->who == HC_PRIV && !v->domain->privileged)
        return -EPERM;
    return e->fn(v, args);
}

const char *hypercall_name(uint64_t nr)
{
    if (nr >= SKIFF_NR_HYPERCALLS || !hypercall_table[nr].name)
        return "?";
    return hypercall_table[nr].name;
}
