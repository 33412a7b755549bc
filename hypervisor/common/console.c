/*
 * common/console.c - the hypervisor console: leveled printk with a
 * "(skiff) " prefix, raw guest output, a ring of recent output for dmesg,
 * and polled input. Output goes to the arch console (COM1 on x86_64) with
 * "\n" sent as "\r\n".
 */
#include <stdio.h>
#include <string.h>

#include <skiff/arch.h>
#include <skiff/console.h>
#include <skiff/errno.h>

#define LOG_RING_SIZE 16384

enum log_level console_loglevel = LOG_INFO;

static char log_ring[LOG_RING_SIZE];
static size_t log_head; /* total bytes ever written; ring index is head % size */

static void log_ring_put(char c)
{
    log_ring[log_head % LOG_RING_SIZE] = c;
    log_head++;
}

static void emit_raw(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            arch_console_putc('\r');
        arch_console_putc(s[i]);
        log_ring_put(s[i]);
    }
}

void console_write(const char *s, size_t n)
{
    emit_raw(s, n);
}

static void emit_fmt(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    emit_raw(s, n);
}

void vprintk(enum log_level level, const char *fmt, va_list ap)
{
    static const char prefix[] = "(skiff) ";

    if (level > console_loglevel)
        return;
    emit_raw(prefix, sizeof(prefix) - 1);
    vformat(emit_fmt, NULL, fmt, ap);
    emit_raw("\n", 1);
}

void printk(enum log_level level, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintk(level, fmt, ap);
    va_end(ap);
}

size_t console_read_log(char *buf, size_t n)
{
    size_t avail = log_head < LOG_RING_SIZE ? log_head : LOG_RING_SIZE;
    size_t start = log_head - avail;

    if (n > avail)
        n = avail;
    for (size_t i = 0; i < n; i++)
        buf[i] = log_ring[(start + i) % LOG_RING_SIZE];
    return n;
}

size_t console_read_log_from(uint64_t *index, char *buf, size_t n, uint64_t *head)
{
    uint64_t oldest = log_head > LOG_RING_SIZE ? log_head - LOG_RING_SIZE : 0;
    uint64_t start = *index < oldest ? oldest : *index;
    size_t avail = start < log_head ? (size_t)(log_head - start) : 0;

    if (n > avail)
        n = avail;
    for (size_t i = 0; i < n; i++)
        buf[i] = log_ring[(start + i) % LOG_RING_SIZE];
    *index = start + n;
    *head = log_head;
    return n;
}

size_t console_read_input(char *buf, size_t n)
{
    size_t got = 0;
    int c;

    while (got < n && (c = arch_console_getc()) >= 0)
        buf[got++] = (char)c;
    return got;
}

int console_parse_loglevel(const char *s, enum log_level *out)
{
    static const char *const names[] = {"err", "warn", "info", "debug"};

    for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(s, names[i]) == 0) {
            *out = (enum log_level)i;
            return 0;
        }
    }
    if (strcmp(s, "all") == 0) {
        *out = LOG_DEBUG;
        return 0;
    }
    return -EINVAL;
}
