/*
 * console_history.h - the last CONSOLE_HISTORY_SIZE bytes a domain printed,
 * kept by dom0's console backend for `console <dom>`. Pure code (no
 * hypercalls), also built on the host by tests/unit/dom0.
 */
#ifndef DOM0_CONSOLE_HISTORY_H
#define DOM0_CONSOLE_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONSOLE_HISTORY_SIZE (64 * 1024) /* a power of two */

struct console_history {
    uint64_t total; /* bytes ever appended; byte i is at buf[i % SIZE] while kept */
    char buf[CONSOLE_HISTORY_SIZE];
};

void console_history_reset(struct console_history *h);
/* Appends n bytes; older bytes beyond the last CONSOLE_HISTORY_SIZE are dropped. */
void console_history_append(struct console_history *h, const char *s, size_t n);
/* Bytes kept: min(total, CONSOLE_HISTORY_SIZE). */
size_t console_history_len(const struct console_history *h);
/* Copies kept bytes [from, from + n) (0 = the oldest kept) to out; returns how many. */
size_t console_history_copy(const struct console_history *h, size_t from, char *out, size_t n);
/* True if the kept bytes contain the NUL-terminated string s (which may span the wrap). */
bool console_history_contains(const struct console_history *h, const char *s);

#endif
