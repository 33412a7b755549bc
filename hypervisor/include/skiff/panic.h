/*
 * skiff/panic.h - stopping the machine on a hypervisor bug.
 *
 * panic() and BUG_ON/ASSERT are for broken hypervisor invariants only. Bad
 * guest input must never reach them: it gets an error code or kills only the
 * guest (see HOSTILE.md H5).
 */
#ifndef SKIFF_PANIC_H
#define SKIFF_PANIC_H

#include <skiff/types.h>

noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define BUG_ON(cond)                                              \
    do {                                                          \
        if (unlikely(cond))                                       \
            panic("BUG at %s:%d: %s", __FILE__, __LINE__, #cond); \
    } while (0)
#define ASSERT(cond) BUG_ON(!(cond))

#endif /* SKIFF_PANIC_H */
