/*
 * console.c - guest console output and input: printf and friends format
 * with the shared vformat() into a line buffer that is flushed at each
 * newline or when full. A domU with a console page (skiff/console.h) flushes
 * into the ring's out side and notifies dom0, waiting on its port while the
 * ring is full; dom0, guests without a page and a domU whose backend stopped
 * draining use HYPERVISOR_console_io(CONSOLEIO_write).
 */
#include <stdio.h>
#include <string.h>

#include <skiff/console.h>
#include <skiff/console_ring.h>
#include <skiff/guest.h>
#include <skiff/hypercall.h>
#include <skiff/time.h>

#define CONSOLE_BUF   512
#define POLL_SLICE_NS 10000000ull /* re-check the ring at least every 10 ms */

static char buf[CONSOLE_BUF];
static size_t used;

static bool mid_line; /* the last byte written was not a newline */

static struct xencons_interface *ring; /* NULL: console_io */
static evtchn_port_t ring_port;

void console_init(void)
{
    if (!start_info.has_console || (start_info.flags & SIF_INITDOMAIN))
        return;
    ring = (struct xencons_interface *)(uintptr_t)start_info.console_page;
    ring_port = start_info.console_port;
}

bool console_uses_ring(void)
{
    return ring != NULL;
}

static void notify(void)
{
    struct evtchn_send op = {.port = ring_port};

    HYPERVISOR_event_channel_op(EVTCHNOP_send, &op);
}

static void clear_port(void)
{
    __atomic_fetch_and(&shared_info->evtchn_pending[ring_port / 64], ~(1ull << (ring_port % 64)),
                       __ATOMIC_SEQ_CST);
}

static bool ring_has_room(void)
{
    XENCONS_RING_IDX cons = __atomic_load_n(&ring->out_cons, __ATOMIC_ACQUIRE);

    return (XENCONS_RING_IDX)(ring->out_prod - cons) < sizeof(ring->out);
}

/* Blocks on the port until dom0 made room; false after CONSOLE_RING_TIMEOUT_MS. */
static bool wait_for_room(void)
{
    uint64_t deadline = monotonic_ns() + CONSOLE_RING_TIMEOUT_MS * 1000000ull;

    for (;;) {
        clear_port(); /* before looking: a notify after this wakes the poll */
        if (ring_has_room())
            return true;
        uint64_t now = monotonic_ns();
        if (now >= deadline)
            return false;
        struct sched_poll p = {.ports = &ring_port,
                               .nr_ports = 1,
                               .timeout =
                                   now + POLL_SLICE_NS < deadline ? now + POLL_SLICE_NS : deadline};
        HYPERVISOR_sched_op(SCHEDOP_poll, &p);
    }
}

static void give_up_ring(void)
{
    static const char msg[] =
        "guest-lib: console backend stopped draining the ring; using console_io from now on\n";

    ring = NULL;
    HYPERVISOR_console_io(CONSOLEIO_write, sizeof(msg) - 1, (char *)msg);
}

/* Writes all n bytes into the ring, or what is left through console_io. */
static void ring_write(const char *s, size_t n)
{
    while (n > 0) {
        size_t w = cons_ring_write_out(ring, s, n);
        s += w;
        n -= w;
        notify();
        if (n > 0 && !wait_for_room()) {
            give_up_ring();
            HYPERVISOR_console_io(CONSOLEIO_write, (unsigned int)n, (char *)s);
            return;
        }
    }
}

static void write_out(const char *s, size_t n)
{
    if (n == 0)
        return;
    if (ring)
        ring_write(s, n);
    else
        HYPERVISOR_console_io(CONSOLEIO_write, (unsigned int)n, (char *)s);
    mid_line = s[n - 1] != '\n';
}

void console_flush(void)
{
    write_out(buf, used);
    used = 0;
}

void console_write_line(const char *s, size_t n)
{
    console_flush();
    if (mid_line)
        write_out("\n", 1);
    write_out(s, n);
}

void console_wait_drained(unsigned int timeout_ms)
{
    uint64_t deadline = monotonic_ns() + timeout_ms * 1000000ull;

    while (ring && __atomic_load_n(&ring->out_cons, __ATOMIC_ACQUIRE) != ring->out_prod &&
           monotonic_ns() < deadline) {
        struct sched_poll p = {.ports = &ring_port, .nr_ports = 1, .timeout = deadline};
        clear_port();
        if (__atomic_load_n(&ring->out_cons, __ATOMIC_ACQUIRE) == ring->out_prod)
            break;
        HYPERVISOR_sched_op(SCHEDOP_poll, &p);
    }
}

size_t console_read(char *out, size_t n)
{
    if (!ring) {
        long got = (start_info.flags & SIF_PRIVILEGED)
                       ? HYPERVISOR_console_io(CONSOLEIO_read, (unsigned int)n, out)
                       : 0;
        return got > 0 ? (size_t)got : 0;
    }
    size_t got = cons_ring_read_in(ring, out, n);
    if (got > 0)
        notify();
    return got;
}

static void console_putc(char c)
{
    if (used == sizeof(buf))
        console_flush();
    buf[used++] = c;
    if (c == '\n')
        console_flush();
}

static void emit(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    for (size_t i = 0; i < n; i++)
        console_putc(s[i]);
}

int vprintf(const char *restrict fmt, va_list ap)
{
    return vformat(emit, NULL, fmt, ap);
}

int printf(const char *restrict fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

int putchar(int c)
{
    console_putc((char)c);
    return (unsigned char)c;
}

int puts(const char *s)
{
    emit(NULL, s, strlen(s));
    console_putc('\n');
    return 0;
}
