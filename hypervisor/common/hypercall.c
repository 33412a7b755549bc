/*
 * common/hypercall.c - the hypercall dispatcher, driven by the one table in
 * public/hypercalls.def.
 */
#include <public/skiff.h>
#include <skiff/domain.h>
#include <skiff/errno.h>
#include <skiff/hypercall.h>

/* Unknown numbers. */
static long do_ni_hypercall(struct vcpu *v, const struct hypercall_args *args)
{
    return -ENOSYS;
}

/* PRIV hypercalls go through a wrapper that refuses everyone else. */
#define HC_FN_ANY(name)  do_##name
#define HC_FN_PRIV(name) priv_do_##name
#define HC_WRAP_ANY(name)
#define HC_WRAP_PRIV(name)                                                        \
    static long priv_do_##name(struct vcpu *v, const struct hypercall_args *args) \
    {                                                                             \
        if (!v->domain->privileged)                                               \
            return -EPERM;                                                        \
        return do_##name(v, args);                                                \
    }
#define HYPERCALL(name, nr, who, nargs, params, args) HC_WRAP_##who(name)
#include <public/hypercalls.def>
#undef HYPERCALL

/*
 * Every slot is filled, so dispatch is an index and an indirect call. The
 * range default is overridden on purpose by the table's entries.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
static hypercall_fn *const hypercall_table[SKIFF_NR_HYPERCALLS] = {
    [0 ... SKIFF_NR_HYPERCALLS - 1] = do_ni_hypercall,
#define HYPERCALL(name, nr, who, nargs, params, args) [nr] = HC_FN_##who(name),
#include <public/hypercalls.def>
#undef HYPERCALL
};
#pragma GCC diagnostic pop

static const char *const hypercall_names[SKIFF_NR_HYPERCALLS] = {
#define HYPERCALL(name, nr, who, nargs, params, args) [nr] = #name,
#include <public/hypercalls.def>
#undef HYPERCALL
};

long hypercall_dispatch(struct vcpu *v, uint64_t nr, const struct hypercall_args *args)
{
    if (unlikely(nr >= SKIFF_NR_HYPERCALLS))
        return -ENOSYS;
    return hypercall_table[nr](v, args);
}

const char *hypercall_name(uint64_t nr)
{
    if (nr >= SKIFF_NR_HYPERCALLS || !hypercall_names[nr])
        return "?";
    return hypercall_names[nr];
}
