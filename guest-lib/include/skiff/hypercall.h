/*
 * skiff/hypercall.h - calling the hypervisor from a guest.
 *
 * HYPERVISOR_<name>() wrappers are generated from the hypervisor's one table
 * of hypercalls (public/hypercalls.def). Each calls the matching 32-byte stub
 * of the hypercall page the builder filled, so the entry instruction can
 * change without rebuilding guests. Arguments go in rdi, rsi, rdx, r10, r8;
 * rcx, r11 and the five argument registers may change (a hypercall that
 * restarts itself leaves its new arguments there). The call pushes a return
 * address, so guest code is built with -mno-red-zone.
 */
#ifndef SKIFF_GUEST_HYPERCALL_H
#define SKIFF_GUEST_HYPERCALL_H

#include <stdint.h>

#include <public/arch-x86_64.h>
#include <public/callback.h>
#include <public/domctl.h>
#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/memory.h>
#include <public/physdev.h>
#include <public/sched.h>
#include <public/skiff.h>
#include <public/sysctl.h>
#include <public/version.h>

extern char hypercall_page[4096];

/*
 * _hypercallN(nr, args...): macros, so that nr is a compile-time constant for
 * the stub offset. All five argument registers are outputs of every call: a
 * hypercall that restarts itself (a continuation) leaves new values in them.
 */
#define _HC_CALL    "call hypercall_page + %c[offset]"
#define _HC_OFF(nr) [offset] "i"((nr)*SKIFF_HYPERCALL_STUB_SIZE)
#define _HC_CLOBBER "rcx", "r11", "memory"
#define _HC_DECLS                          \
    register uint64_t rdi_ __asm__("rdi"); \
    register uint64_t rsi_ __asm__("rsi"); \
    register uint64_t rdx_ __asm__("rdx"); \
    register uint64_t r10_ __asm__("r10"); \
    register uint64_t r8_ __asm__("r8");   \
    long ret_

/* Used argument registers are inputs and outputs; the others outputs only. */
#define _hypercall1(nr, a1)                                                                      \
    ({                                                                                           \
        _HC_DECLS;                                                                               \
        rdi_ = (a1);                                                                             \
        __asm__ volatile(_HC_CALL                                                                \
                         : "=a"(ret_), "+r"(rdi_), "=r"(rsi_), "=r"(rdx_), "=r"(r10_), "=r"(r8_) \
                         : _HC_OFF(nr)                                                           \
                         : _HC_CLOBBER);                                                         \
        ret_;                                                                                    \
    })

#define _hypercall2(nr, a1, a2)                                                                  \
    ({                                                                                           \
        _HC_DECLS;                                                                               \
        rdi_ = (a1);                                                                             \
        rsi_ = (a2);                                                                             \
        __asm__ volatile(_HC_CALL                                                                \
                         : "=a"(ret_), "+r"(rdi_), "+r"(rsi_), "=r"(rdx_), "=r"(r10_), "=r"(r8_) \
                         : _HC_OFF(nr)                                                           \
                         : _HC_CLOBBER);                                                         \
        ret_;                                                                                    \
    })

#define _hypercall3(nr, a1, a2, a3)                                                              \
    ({                                                                                           \
        _HC_DECLS;                                                                               \
        rdi_ = (a1);                                                                             \
        rsi_ = (a2);                                                                             \
        rdx_ = (a3);                                                                             \
        __asm__ volatile(_HC_CALL                                                                \
                         : "=a"(ret_), "+r"(rdi_), "+r"(rsi_), "+r"(rdx_), "=r"(r10_), "=r"(r8_) \
                         : _HC_OFF(nr)                                                           \
                         : _HC_CLOBBER);                                                         \
        ret_;                                                                                    \
    })

#define _hypercall4(nr, a1, a2, a3, a4)                                                          \
    ({                                                                                           \
        _HC_DECLS;                                                                               \
        rdi_ = (a1);                                                                             \
        rsi_ = (a2);                                                                             \
        rdx_ = (a3);                                                                             \
        r10_ = (a4);                                                                             \
        __asm__ volatile(_HC_CALL                                                                \
                         : "=a"(ret_), "+r"(rdi_), "+r"(rsi_), "+r"(rdx_), "+r"(r10_), "=r"(r8_) \
                         : _HC_OFF(nr)                                                           \
                         : _HC_CLOBBER);                                                         \
        ret_;                                                                                    \
    })

#define _hypercall5(nr, a1, a2, a3, a4, a5)                                                      \
    ({                                                                                           \
        _HC_DECLS;                                                                               \
        rdi_ = (a1);                                                                             \
        rsi_ = (a2);                                                                             \
        rdx_ = (a3);                                                                             \
        r10_ = (a4);                                                                             \
        r8_ = (a5);                                                                              \
        __asm__ volatile(_HC_CALL                                                                \
                         : "=a"(ret_), "+r"(rdi_), "+r"(rsi_), "+r"(rdx_), "+r"(r10_), "+r"(r8_) \
                         : _HC_OFF(nr)                                                           \
                         : _HC_CLOBBER);                                                         \
        ret_;                                                                                    \
    })

/* Arguments are passed as 64-bit register values. */
#define _HC_U64(x)              ((uint64_t)(uintptr_t)(x))
#define _HC_MAP1(a)             _HC_U64(a)
#define _HC_MAP2(a, b)          _HC_U64(a), _HC_U64(b)
#define _HC_MAP3(a, b, c)       _HC_U64(a), _HC_U64(b), _HC_U64(c)
#define _HC_MAP4(a, b, c, d)    _HC_U64(a), _HC_U64(b), _HC_U64(c), _HC_U64(d)
#define _HC_MAP5(a, b, c, d, e) _HC_U64(a), _HC_U64(b), _HC_U64(c), _HC_U64(d), _HC_U64(e)

/* An extra expansion step so that _HC_MAPn's commas become argument separators. */
#define _HC_CALLN(n, ...) _hypercall##n(__VA_ARGS__)

/* nargs 0 (iret) gets no wrapper: it is entered by a jump with a frame. */
#define _HC_WRAPPER_0(name, nr, params, args)
#define _HC_WRAPPER_N(n, name, nr, params, args)  \
    static inline long HYPERVISOR_##name params   \
    {                                             \
        return _HC_CALLN(n, nr, _HC_MAP##n args); \
    }
#define _HC_WRAPPER_1(name, nr, params, args) _HC_WRAPPER_N(1, name, nr, params, args)
#define _HC_WRAPPER_2(name, nr, params, args) _HC_WRAPPER_N(2, name, nr, params, args)
#define _HC_WRAPPER_3(name, nr, params, args) _HC_WRAPPER_N(3, name, nr, params, args)
#define _HC_WRAPPER_4(name, nr, params, args) _HC_WRAPPER_N(4, name, nr, params, args)
#define _HC_WRAPPER_5(name, nr, params, args) _HC_WRAPPER_N(5, name, nr, params, args)

#define HYPERCALL(name, nr, who, nargs, params, args) _HC_WRAPPER_##nargs(name, nr, params, args)
#include <public/hypercalls.def>
#undef HYPERCALL

/* A raw call of any number (tests use it for unknown numbers). */
static inline long hypercall_raw(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                                 uint64_t a5)
{
    register uint64_t rdi __asm__("rdi") = a1;
    register uint64_t rsi __asm__("rsi") = a2;
    register uint64_t rdx __asm__("rdx") = a3;
    register uint64_t r10 __asm__("r10") = a4;
    register uint64_t r8 __asm__("r8") = a5;
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10), "+r"(r8)
                     : "a"(nr)
                     : "rcx", "r11", "memory");
    return ret;
}

#endif
