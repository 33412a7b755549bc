/*
 * consoled.c - dom0's console backend (consoled.h). It owns, for each domU
 * the builder makes, the persistent foreign mapping of its console ring page
 * in dom0's grant window, dom0's end of its console event channel, its
 * 64 KiB history and its half-printed line; and the `console <dom>` command.
 * Output is drained into the history and printed line by line as
 * "(dN) ...", as the hypervisor prints console_io output. The ring is
 * hostile: each batch is copied out once (cons_ring_read_out) and an
 * impossible index disconnects that console only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <skiff/console.h>
#include <skiff/console_ring.h>
#include <skiff/guest.h>
#include <skiff/hypercall.h>

#include "builder.h"
#include "consoled.h"
#include "domctl.h"

#define PAGE             4096ull
#define LINE_MAX         256 /* a longer line is printed in pieces */
#define DRAIN_ROUNDS     16  /* ring-fulls per console and call: a flood cannot hold dom0 */
#define FINAL_ROUNDS     4   /* a dead domain's ring holds at most one ring-full */
#define CTRL_RIGHT_BRACE 0x1d

struct console {
    bool used;
    bool broken; /* the guest broke the ring protocol: no more draining */
    bool held;   /* consoled_hold(): not drained by consoled_service */
    domid_t domid;
    evtchn_port_t port; /* dom0's end */
    struct xencons_interface *ring;
    struct console_history *hist;
    uint64_t lines;
    size_t line_len;
    char line[LINE_MAX];
};

static struct console consoles[CONSOLED_MAX];

/* ---- the window slots ---- */

static uint64_t slot_gfn(const struct console *c)
{
    return start_info.grant_window_base / PAGE + CONSOLED_WINDOW_FIRST + (uint64_t)(c - consoles);
}

static struct xencons_interface *slot_va(const struct console *c)
{
    return (struct xencons_interface *)(uintptr_t)(slot_gfn(c) * PAGE);
}

static struct console *find(domid_t id)
{
    for (unsigned int i = 0; i < CONSOLED_MAX; i++)
        if (consoles[i].used && consoles[i].domid == id)
            return &consoles[i];
    return NULL;
}

static struct console *find_free(void)
{
    for (unsigned int i = 0; i < CONSOLED_MAX; i++)
        if (!consoles[i].used)
            return &consoles[i];
    return NULL;
}

/* ---- output ---- */

static void notify(const struct console *c)
{
    struct evtchn_send op = {.port = c->port};

    HYPERVISOR_event_channel_op(EVTCHNOP_send, &op);
}

/* Prints the line buffer as "(dN) line\n" in one write, on a line of its own. */
static void print_line(struct console *c)
{
    char out[16 + LINE_MAX + 1];
    int len = snprintf(out, sizeof(out), "(d%u) ", c->domid);

    memcpy(out + len, c->line, c->line_len);
    len += (int)c->line_len;
    out[len++] = '\n';
    console_write_line(out, (size_t)len);
    c->line_len = 0;
    c->lines++;
}

/* Control characters other than tab never reach the terminal. */
static void feed(struct console *c, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char b = s[i];
        if (b == '\n') {
            print_line(c);
            continue;
        }
        if (b == '\r')
            continue;
        if (c->line_len == LINE_MAX)
            print_line(c);
        c->line[c->line_len++] = ((b >= ' ' && b != 0x7f) || b == '\t' || (b & 0x80)) ? b : '?';
    }
}

static void disconnect(struct console *c)
{
    c->broken = true;
    printf("consoled: d%u broke its console ring (index out of range); disconnected\n", c->domid);
}

/* Drains up to `rounds` ring-fulls; notifies the guest when it made room. */
static void drain(struct console *c, unsigned int rounds)
{
    char tmp[XENCONS_OUT_SIZE];

    for (unsigned int r = 0; r < rounds && !c->broken; r++) {
        int n = cons_ring_read_out(c->ring, tmp, sizeof(tmp));
        if (n < 0) {
            disconnect(c);
            return;
        }
        if (n == 0)
            return;
        console_history_append(c->hist, tmp, (size_t)n);
        feed(c, tmp, (size_t)n);
        notify(c);
    }
}

static void clear_pending(evtchn_port_t port)
{
    __atomic_fetch_and(&shared_info->evtchn_pending[port / 64], ~(1ull << (port % 64)),
                       __ATOMIC_SEQ_CST);
}

void consoled_service(void)
{
    for (unsigned int i = 0; i < CONSOLED_MAX; i++) {
        struct console *c = &consoles[i];
        if (!c->used || c->broken || c->held)
            continue;
        clear_pending(c->port); /* before draining: a later notify is not lost */
        drain(c, DRAIN_ROUNDS);
    }
}

/* ---- connect and release ---- */

static int bind_port(domid_t id, evtchn_port_t remote, evtchn_port_t *local)
{
    struct evtchn_bind_interdomain b = {.remote_dom = id, .remote_port = remote};
    int rc = (int)HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &b);

    *local = b.local_port;
    return rc;
}

static void close_port(evtchn_port_t port)
{
    struct evtchn_close op = {.port = port};

    HYPERVISOR_event_channel_op(EVTCHNOP_close, &op);
}

/* The builder's console backend: map the page, bind the port. */
static int connect(domid_t id, const struct builder_ring *bc)
{
    struct console *c = find_free();
    int rc;

    if (!c || find(id))
        return -ENOSPC;
    memset(c, 0, sizeof(*c));
    c->hist = malloc(sizeof(*c->hist));
    if (!c->hist)
        return -ENOMEM;
    rc = domctl_map_foreign(id, bc->gfn, slot_gfn(c), 1);
    if (rc)
        goto err_free;
    rc = bind_port(id, bc->port, &c->port);
    if (rc)
        goto err_unmap;
    console_history_reset(c->hist);
    c->domid = id;
    c->ring = slot_va(c);
    c->used = true;
    return 0;
err_unmap:
    domctl_unmap_foreign(slot_gfn(c), 1);
err_free:
    free(c->hist);
    c->hist = NULL;
    return rc;
}

/* After domctl_destroy: what is left is printed, then everything released. */
static void release(domid_t id)
{
    struct console *c = find(id);

    if (!c)
        return;
    drain(c, FINAL_ROUNDS);
    if (c->line_len > 0)
        print_line(c);
    close_port(c->port);
    domctl_unmap_foreign(slot_gfn(c), 1); /* the dead domain's frames go now */
    free(c->hist);
    memset(c, 0, sizeof(*c));
}

void consoled_init(void)
{
    if (start_info.grant_window_size < (CONSOLED_WINDOW_FIRST + CONSOLED_MAX) * PAGE) {
        printf("consoled: dom0's grant window is too small; domU consoles are not served\n");
        return;
    }
    builder_set_console_backend(connect);
    domctl_add_destroy_hook(release);
}

/* ---- queries and input ---- */

unsigned int consoled_ports(evtchn_port_t *ports, unsigned int max)
{
    unsigned int n = 0;

    for (unsigned int i = 0; i < CONSOLED_MAX && n < max; i++)
        if (consoles[i].used && !consoles[i].broken && !consoles[i].held)
            ports[n++] = consoles[i].port;
    return n;
}

const struct console_history *consoled_history(domid_t id)
{
    const struct console *c = find(id);

    return c ? c->hist : NULL;
}

uint64_t consoled_lines(domid_t id)
{
    const struct console *c = find(id);

    return c ? c->lines : 0;
}

size_t consoled_pending(domid_t id)
{
    const struct console *c = find(id);

    return c ? cons_ring_out_pending(c->ring) : 0;
}

bool consoled_connected(domid_t id)
{
    const struct console *c = find(id);

    return c && !c->broken;
}

void consoled_hold(domid_t id, bool hold)
{
    struct console *c = find(id);

    if (c)
        c->held = hold;
}

unsigned int consoled_count(void)
{
    unsigned int n = 0;

    for (unsigned int i = 0; i < CONSOLED_MAX; i++)
        n += consoles[i].used;
    return n;
}

int consoled_input(domid_t id, const char *s, size_t n)
{
    struct console *c = find(id);

    if (!c)
        return -ENOENT;
    if (c->broken)
        return -EIO;
    size_t w = cons_ring_write_in(c->ring, s, n);
    notify(c);
    return (int)w;
}

/* ---- console <dom> ---- */

static void show_history(const struct console *c)
{
    char chunk[1024];
    size_t from = 0, n;

    while ((n = console_history_copy(c->hist, from, chunk, sizeof(chunk))) > 0) {
        for (size_t i = 0; i < n; i++)
            if ((chunk[i] < ' ' && chunk[i] != '\n' && chunk[i] != '\t' && !(chunk[i] & 0x80)) ||
                chunk[i] == 0x7f)
                chunk[i] = '?';
        HYPERVISOR_console_io(CONSOLEIO_write, (unsigned int)n, chunk);
        from += n;
    }
}

/* One typed byte: Ctrl-] ends (false); Enter forwards the line. */
static bool typed(domid_t id, char ch, char *line, size_t *len)
{
    if (ch == CTRL_RIGHT_BRACE)
        return false;
    if (ch == '\r' || ch == '\n') {
        printf("\n");
        line[(*len)++] = '\n';
        if (consoled_input(id, line, *len) < (int)*len)
            printf("console: d%u: input ring full or gone; line dropped\n", id);
        *len = 0;
    } else if ((ch == 0x7f || ch == '\b') && *len > 0) {
        (*len)--;
        printf("\b \b");
    } else if (ch >= ' ' && ch < 0x7f && *len + 2 < LINE_MAX) {
        line[(*len)++] = ch;
        putchar(ch);
    }
    console_flush();
    return true;
}

/* Forwards typed lines until Ctrl-] or until the domain's console goes. */
static void forward_input(domid_t id)
{
    char line[LINE_MAX];
    size_t len = 0;

    for (;;) {
        char ch;
        if (!find(id))
            return;
        if (HYPERVISOR_console_io(CONSOLEIO_read, 1, &ch) != 1) {
            consoled_service();
            HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
            continue;
        }
        if (!typed(id, ch, line, &len))
            return;
    }
}

void consoled_attach(domid_t id, bool interactive)
{
    const struct console *c;

    consoled_service();
    c = find(id);
    if (!c) {
        printf("console: domain %u has no console (dom0 has none)\n", id);
        return;
    }
    printf("console: d%u: last %lu bytes of output (of %lu)%s\n", id,
           (unsigned long)console_history_len(c->hist), (unsigned long)c->hist->total,
           interactive ? "; typed lines go to the domain, Ctrl-] returns" : "");
    console_flush();
    show_history(c);
    if (interactive)
        forward_input(id);
    printf("\n");
}
