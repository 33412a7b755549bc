/*
 * skiff/console.h - the hypervisor console: leveled log output to the serial
 * port, a ring buffer of recent output (for dmesg), and console input.
 */
#ifndef SKIFF_CONSOLE_H
#define SKIFF_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>

enum log_level {
    LOG_ERR = 0,
    LOG_WARN = 1,
    LOG_INFO = 2,
    LOG_DEBUG = 3,
};

/* Messages above this level are not printed (boot option loglvl=). */
extern enum log_level console_loglevel;

void printk(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vprintk(enum log_level level, const char *fmt, va_list ap);

#define pr_err(...)   printk(LOG_ERR, __VA_ARGS__)
#define pr_warn(...)  printk(LOG_WARN, __VA_ARGS__)
#define pr_info(...)  printk(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) printk(LOG_DEBUG, __VA_ARGS__)

/* Raw output (no prefix, no level): guest console writes. */
void console_write(const char *s, size_t n);

/* Copies up to n bytes of the log ring (oldest first); returns the count. */
size_t console_read_log(char *buf, size_t n);
/*
 * Up to n bytes of recent output starting at byte *index (counted from
 * boot; an index older than the ring holds starts at the oldest kept).
 * Returns how many; *index becomes the next byte's number, *head the
 * number of bytes written so far.
 */
size_t console_read_log_from(uint64_t *index, char *buf, size_t n, uint64_t *head);

/* Non-blocking read of console input; returns bytes read. */
size_t console_read_input(char *buf, size_t n);

/* Parses "err|warn|info|debug"; returns 0 or -EINVAL. */
int console_parse_loglevel(const char *s, enum log_level *out);

#endif /* SKIFF_CONSOLE_H */
