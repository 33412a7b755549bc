/*
 * common/panic.c - panic(): report a hypervisor bug and stop the machine with
 * EXIT_HV_PANIC. A panic while panicking stops at once.
 */
#include <stdarg.h>

#include <skiff/arch.h>
#include <skiff/console.h>
#include <skiff/exit.h>
#include <skiff/panic.h>

void panic(const char *fmt, ...)
{
    static bool panicking;
    va_list ap;

    if (panicking)
        arch_machine_exit(EXIT_HV_PANIC);
    panicking = true;
    va_start(ap, fmt);
    printk(LOG_ERR, "PANIC: hypervisor bug, stopping the machine");
    vprintk(LOG_ERR, fmt, ap);
    va_end(ap);
    arch_dump_stack();
    arch_machine_exit(EXIT_HV_PANIC);
}

/* Only libfdt (Debian's build) checks a stack canary in the hypervisor. */
noreturn void __stack_chk_fail(void);
noreturn void __stack_chk_fail(void)
{
    panic("stack smashing detected in libfdt");
}
