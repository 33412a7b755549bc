/*
 * common/hc_console.c - HYPERVISOR_console_io: guest writes to and dom0 reads
 * from the hypervisor console (public/skiff.h documents the ABI).
 */
#include <stdio.h>

#include <public/skiff.h>
#include <skiff/console.h>
#include <skiff/domain.h>
#include <skiff/errno.h>
#include <skiff/guest_access.h>
#include <skiff/hypercall.h>

#define CONSOLE_WRITE_CHUNK 4096 /* bytes printed per call before it restarts */
#define CONSOLE_COPY_BUF    256
#define CONSOLE_READ_MAX    1024

/* Prints guest bytes; lines of domains other than dom0 get a "(dN) " prefix. */
static void console_emit_guest(struct domain *d, const char *buf, size_t n)
{
    static domid_t last_domid = DOMID_SELF;
    static bool at_line_start = true;
    char prefix[16];

    for (size_t i = 0; i < n; i++) {
        if (d->domid != 0 && (at_line_start || last_domid != d->domid)) {
            if (!at_line_start)
                console_write("\n", 1);
            int len = snprintf(prefix, sizeof(prefix), "(d%u) ", d->domid);
            console_write(prefix, (size_t)len);
        }
        console_write(&buf[i], 1);
        at_line_start = buf[i] == '\n';
        last_domid = d->domid;
    }
}

/*
 * The first call checks the whole buffer, so nothing is printed from a bad
 * one; its continuations (cmd with CONSOLEIO_CONTINUED) check only the chunk
 * they print, keeping a long write linear.
 */
static long console_write_from_guest(struct vcpu *v, uint64_t buf, uint32_t count, bool continued)
{
    struct domain *d = v->domain;
    char tmp[CONSOLE_COPY_BUF];
    uint32_t todo = count < CONSOLE_WRITE_CHUNK ? count : CONSOLE_WRITE_CHUNK;

    if (guest_range_check(d, gva(buf), continued ? todo : count, P2M_R))
        return -EFAULT;
    for (uint32_t done = 0; done < todo;) {
        uint32_t n = todo - done < sizeof(tmp) ? todo - done : sizeof(tmp);
        if (copy_from_guest(d, tmp, gva(buf + done), n))
            return -EFAULT;
        console_emit_guest(d, tmp, n);
        done += n;
    }
    if (count > todo) {
        struct hypercall_args next = {
            {CONSOLEIO_write | CONSOLEIO_CONTINUED, count - todo, buf + todo}};
        arch_hypercall_continue(v, __HYPERVISOR_console_io, &next);
    }
    return 0;
}

static long console_read_to_guest(struct vcpu *v, uint64_t buf, uint32_t count)
{
    char tmp[CONSOLE_READ_MAX];
    size_t want = count < sizeof(tmp) ? count : sizeof(tmp);

    if (!v->domain->privileged)
        return -EPERM;
    /* Check the whole buffer first, so input is not consumed when it is bad. */
    if (guest_range_check(v->domain, gva(buf), count, P2M_W))
        return -EFAULT;
    size_t got = console_read_input(tmp, want);
    if (copy_to_guest(v->domain, gva(buf), tmp, got))
        return -EFAULT;
    return (long)got;
}

long do_console_io(struct vcpu *v, const struct hypercall_args *args)
{
    int cmd = (int)args->arg[0];
    uint32_t count = (uint32_t)args->arg[1];
    uint64_t buf = args->arg[2];

    switch (cmd) {
    case CONSOLEIO_write:
        return console_write_from_guest(v, buf, count, false);
    case CONSOLEIO_write | CONSOLEIO_CONTINUED:
        return console_write_from_guest(v, buf, count, true);
    case CONSOLEIO_read:
        return console_read_to_guest(v, buf, count);
    default:
        return -ENOSYS;
    }
}
