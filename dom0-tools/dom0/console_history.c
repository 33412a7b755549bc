/*
 * console_history.c - a domain's console history (console_history.h): a
 * byte ring of CONSOLE_HISTORY_SIZE indexed by a 64-bit running total, so
 * the kept bytes are always [total - len, total).
 */
#include <string.h>

#include "console_history.h"

#define MASK (CONSOLE_HISTORY_SIZE - 1)

_Static_assert((CONSOLE_HISTORY_SIZE & MASK) == 0, "history size is a power of two");

void console_history_reset(struct console_history *h)
{
    h->total = 0;
}

void console_history_append(struct console_history *h, const char *s, size_t n)
{
    if (n > CONSOLE_HISTORY_SIZE) { /* only the last SIZE bytes can stay */
        h->total += n - CONSOLE_HISTORY_SIZE;
        s += n - CONSOLE_HISTORY_SIZE;
        n = CONSOLE_HISTORY_SIZE;
    }
    size_t off = (size_t)(h->total & MASK);
    size_t first = n < CONSOLE_HISTORY_SIZE - off ? n : CONSOLE_HISTORY_SIZE - off;

    memcpy(h->buf + off, s, first);
    memcpy(h->buf, s + first, n - first);
    h->total += n;
}

size_t console_history_len(const struct console_history *h)
{
    return h->total < CONSOLE_HISTORY_SIZE ? (size_t)h->total : CONSOLE_HISTORY_SIZE;
}

static char byte_at(const struct console_history *h, size_t i)
{
    return h->buf[(size_t)((h->total - console_history_len(h) + i) & MASK)];
}

size_t console_history_copy(const struct console_history *h, size_t from, char *out, size_t n)
{
    size_t len = console_history_len(h);

    if (from >= len)
        return 0;
    if (n > len - from)
        n = len - from;
    for (size_t i = 0; i < n; i++)
        out[i] = byte_at(h, from + i);
    return n;
}

bool console_history_contains(const struct console_history *h, const char *s)
{
    size_t len = console_history_len(h), m = strlen(s);

    for (size_t i = 0; m <= len && i <= len - m; i++) {
        size_t j = 0;
        while (j < m && byte_at(h, i + j) == s[j])
            j++;
        if (j == m)
            return true;
    }
    return false;
}
