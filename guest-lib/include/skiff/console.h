/*
 * skiff/console.h - a guest's PV console (output through printf & co. is in
 * <stdio.h>). A domU whose start info names a console page (skiff,console)
 * writes its output into that ring for dom0's console backend and reads its
 * input from it; dom0, and any guest without a console page, uses
 * HYPERVISOR_console_io.
 */
#ifndef SKIFF_GUEST_CONSOLE_H
#define SKIFF_GUEST_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

/* How long a writer waits for dom0 to make room in a full ring before it
 * gives the ring up and writes with console_io from then on (saying so once). */
#define CONSOLE_RING_TIMEOUT_MS 3000
/* How long a guest leaving main() waits for dom0 to take its last output. */
#define CONSOLE_EXIT_DRAIN_MS 200

/* Called once by guest_start: switches output to the ring if there is one. */
void console_init(void);

/* True while output goes through the console ring. */
bool console_uses_ring(void);

/*
 * Writes the n bytes of s (a whole line, ending in a newline) past the line
 * buffer: what is buffered goes first, and if the console is in the middle
 * of a line (a prompt, say) a newline is written before s, as the hypervisor
 * does before another domain's line. dom0's console backend prints guests'
 * lines with it.
 */
void console_write_line(const char *s, size_t n);

/*
 * Waits up to timeout_ms for the backend to take everything in the out ring
 * (returns at once without a ring). guest_start calls it before shutting
 * down, so a guest's last lines come out before the hypervisor reports its
 * shutdown.
 */
void console_wait_drained(unsigned int timeout_ms);

/*
 * Up to n bytes of console input, without waiting: from the ring's in side
 * (a domU), or CONSOLEIO_read (dom0; unprivileged guests without a ring get
 * nothing). Returns how many bytes were read.
 */
size_t console_read(char *buf, size_t n);

#endif
