/*
 * skiff/types.h - basic types of the hypervisor core: typed addresses and
 * frame numbers (so a machine address cannot be passed where a guest address
 * is expected), page-size helpers and small utility macros.
 */
#ifndef SKIFF_TYPES_H
#define SKIFF_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1ul << PAGE_SHIFT)
#define PAGE_MASK  (~(PAGE_SIZE - 1))

#define ARRAY_SIZE(a)         (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)        (((x) + ((a)-1)) & ~((__typeof__(x))(a)-1))
#define ALIGN_DOWN(x, a)      ((x) & ~((__typeof__(x))(a)-1))
#define IS_ALIGNED(x, a)      (((x) & ((__typeof__(x))(a)-1)) == 0)
#define MIN(a, b)             ((a) < (b) ? (a) : (b))
#define MAX(a, b)             ((a) > (b) ? (a) : (b))
#define likely(x)             __builtin_expect(!!(x), 1)
#define unlikely(x)           __builtin_expect(!!(x), 0)
#define noreturn              _Noreturn
#define container_of(p, t, m) ((t *)((char *)(p)-offsetof(t, m)))
#define STRINGIFY_(x)         #x
#define STRINGIFY(x)          STRINGIFY_(x)

/* A machine (host-physical) address and a machine frame number. */
typedef struct {
    uint64_t ma;
} maddr_t;
typedef struct {
    uint64_t mfn;
} mfn_t;

/* A guest-physical address and guest frame number (auto-translated guests). */
typedef struct {
    uint64_t gpa;
} gpaddr_t;
typedef struct {
    uint64_t gfn;
} gfn_t;

/*
 * A guest virtual address, as passed in a hypercall argument. Guest RAM is
 * identity-mapped, but the hypervisor never dereferences one: it goes through
 * copy_from_guest / copy_to_guest (skiff/guest_access.h).
 */
typedef struct {
    uint64_t va;
} gva_t;

#define INVALID_MFN ((mfn_t){~0ull})

static inline maddr_t maddr(uint64_t a)
{
    return (maddr_t){a};
}
static inline mfn_t mfn(uint64_t f)
{
    return (mfn_t){f};
}
static inline gfn_t gfn(uint64_t f)
{
    return (gfn_t){f};
}
static inline gva_t gva(uint64_t a)
{
    return (gva_t){a};
}
static inline maddr_t mfn_to_maddr(mfn_t f)
{
    return maddr(f.mfn << PAGE_SHIFT);
}
static inline mfn_t maddr_to_mfn(maddr_t a)
{
    return mfn(a.ma >> PAGE_SHIFT);
}
static inline bool mfn_valid(mfn_t f)
{
    return f.mfn != INVALID_MFN.mfn;
}
static inline bool mfn_eq(mfn_t a, mfn_t b)
{
    return a.mfn == b.mfn;
}

#endif /* SKIFF_TYPES_H */
