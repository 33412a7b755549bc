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

/* Called once by guest_start: switches output to the ring if there is one. */
void console_init(void);

/* True while output goes through the console ring. */
bool console_uses_ring(void);

/*
 * Up to n bytes of console input, without waiting: from the ring's in side
 * (a domU), or CONSOLEIO_read (dom0; unprivileged guests without a ring get
 * nothing). Returns how many bytes were read.
 */
size_t console_read(char *buf, size_t n);

#endif
