/*
 * runtime.c - the ways a guest-lib program ends (exit, abort, panic, failed
 * assertions, stack-protector and allocator reports) and small libc leftovers.
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <skiff/guest.h>
#include <skiff/hypercall.h>
#include <skiff/page_alloc.h>
#include <skiff/traps.h>

_Noreturn void guest_shutdown(unsigned int reason)
{
    struct sched_shutdown s = {reason};

    console_flush();
    for (;;)
        HYPERVISOR_sched_op(SCHEDOP_shutdown, &s);
}

_Noreturn void exit(int status)
{
    guest_shutdown(status == 0 ? SHUTDOWN_poweroff : SHUTDOWN_crash);
}

_Noreturn void abort(void)
{
    printf("guest: abort()\n");
    guest_shutdown(SHUTDOWN_crash);
}

_Noreturn void panic(const char *fmt, ...)
{
    va_list ap;

    printf("guest: panic: ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    backtrace_from((uint64_t)__builtin_frame_address(0));
    guest_shutdown(SHUTDOWN_crash);
}

_Noreturn void __assert_fail(const char *expr, const char *file, int line, const char *func)
{
    panic("assertion '%s' failed in %s at %s:%d", expr, func, file, line);
}

_Noreturn void __stack_chk_fail(void);
_Noreturn void __stack_chk_fail(void)
{
    panic("stack smashing detected");
}

void guest_lib_bug(const char *what, uintptr_t addr)
{
    panic("allocator: %s (address 0x%lx)", what, (unsigned long)addr);
}

int atoi(const char *s)
{
    return (int)strtol(s, NULL, 10);
}

long labs(long x)
{
    return x < 0 ? -x : x;
}
