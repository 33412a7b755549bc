/*
 * consoled.h - dom0's console backend: the other end of every domU's
 * console ring (public/io/console.h). docs/toolstack.md, "Consoles".
 */
#ifndef DOM0_CONSOLED_H
#define DOM0_CONSOLED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <public/event_channel.h>
#include <public/skiff.h>

#include "console_history.h"

#define CONSOLED_MAX 64 /* domains with a console at once */
/* dom0 grant-window pages [FIRST, FIRST + CONSOLED_MAX) hold the mapped rings. */
#define CONSOLED_WINDOW_FIRST 1024

/*
 * Registers the backend with the builder (each new domU's console is
 * connected before it runs) and with domctl_destroy (a destroyed domain's
 * console is drained, unmapped and unbound at once). Call once at start.
 */
void consoled_init(void);

/*
 * Drains every console ring that has output: into its history, each
 * complete line printed as "(dN) line". Bounded work per ring and call.
 * Cheap when there is nothing to do; call it wherever dom0 waits.
 */
void consoled_service(void);

/* Writes dom0's console ports into ports[0..max); returns how many. */
unsigned int consoled_ports(evtchn_port_t *ports, unsigned int max);

/* The history of domain id's console, or NULL if it has none. */
const struct console_history *consoled_history(domid_t id);
/* Lines printed for domain id (complete lines and cut long ones), 0 if none. */
uint64_t consoled_lines(domid_t id);

/* Bytes waiting in domain id's out ring (0 if it has no console). */
size_t consoled_pending(domid_t id);

/* Puts n bytes into domain id's input ring and notifies it; bytes written or -errno. */
int consoled_input(domid_t id, const char *s, size_t n);

/* True while domain id's console is connected (not disconnected for breaking the ring). */
bool consoled_connected(domid_t id);

/*
 * Test hook: while held, domain id's ring is not drained (its guest sees a
 * backend that stopped). Releasing it lets the next service drain it.
 */
void consoled_hold(domid_t id, bool hold);

/* Number of consoles connected (for leak checks). */
unsigned int consoled_count(void);

/*
 * console <dom>: prints the domain's history; when interactive, forwards
 * typed lines to it until Ctrl-] (or until its console goes). Scripts
 * (run=, ./skiff run --exec) are not interactive: history only.
 */
void consoled_attach(domid_t id, bool interactive);

#endif
