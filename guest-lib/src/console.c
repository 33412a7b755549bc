/*
 * console.c - guest console output: printf and friends format with the
 * shared vformat() into a line buffer that goes to the hypervisor console
 * with HYPERVISOR_console_io(CONSOLEIO_write) at each newline or when full.
 */
#include <stdio.h>
#include <string.h>

#include <skiff/hypercall.h>

#define CONSOLE_BUF 512

static char buf[CONSOLE_BUF];
static size_t used;

void console_flush(void)
{
    if (used > 0)
        HYPERVISOR_console_io(CONSOLEIO_write, (unsigned int)used, buf);
    used = 0;
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
