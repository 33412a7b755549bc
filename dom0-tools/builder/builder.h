/*
 * builder.h - dom0's domain builder: turns an ELF image held in dom0's
 * memory into a running (or paused) domain. docs/toolstack.md walks
 * through the steps.
 */
#ifndef DOM0_BUILDER_H
#define DOM0_BUILDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <public/event_channel.h>
#include <public/skiff.h>

#define BUILDER_MIN_MEM     (1ull << 20) /* the hypervisor's minimum (256 pages) */
#define BUILDER_NAME_MAX    31
#define BUILDER_WINDOW_SIZE (256 * 4096ull) /* dom0 window pages the builder uses */

struct builder_request {
    const char *name;    /* unique, 1..31 printable characters, no spaces */
    uint64_t mem_bytes;  /* RAM, a multiple of 4 KiB, at least BUILDER_MIN_MEM */
    const char *cmdline; /* the guest's command line, or NULL */
    const void *image;   /* the ELF image, in dom0's memory */
    size_t image_size;
    bool leave_paused; /* build it but do not let it run yet */
    /* Frames its grant table may grow to: 0 (the default, 4) or 1..64. */
    unsigned int max_grant_frames;
    /*
     * Called once the domain exists, before its start info is written, or
     * NULL. It may set up things the guest must find at start (event
     * channels offered to it, say) and rewrite the text req->cmdline points
     * to (so that it can name them); a non-zero return fails the build.
     */
    int (*on_created)(domid_t id, void *arg);
    void *on_created_arg;
};

/*
 * Every domain the builder makes gets a console: a zeroed page of its RAM
 * (guest_layout_add_console) and a port of the new domain offered to dom0
 * (EVTCHNOP_alloc_unbound, remote dom0), both named in its start info
 * (skiff,console). The backend registered here is called with them once the
 * domain is loaded, before it is unpaused; a non-zero return fails the build
 * (the domain is destroyed). Without a backend the guest's output waits in
 * the ring until the guest gives up on it (guest-lib's console.c).
 */
struct builder_ring {
    uint64_t gfn;       /* the ring page, a frame of the new domain */
    evtchn_port_t port; /* the new domain's port, offered to dom0 */
};
typedef int builder_console_fn(domid_t id, const struct builder_ring *c);
void builder_set_console_backend(builder_console_fn *fn);

/*
 * The same for the xenstore ring (skiff,store; struct
 * xenstore_domain_interface): dom0's xenstored maps the page, binds the
 * port and introduces the domain. The name is the domain's (for its home).
 */
typedef int builder_store_fn(domid_t id, const char *name, uint64_t mem_bytes,
                             const struct builder_ring *r);
void builder_set_store_backend(builder_store_fn *fn);

/*
 * Builds the domain req describes. Everything about the request and the
 * image is checked before the domain is created; a failure after that
 * destroys the half-built domain. Returns 0 with *domid set, or a negative
 * errno with *why set to one line saying what went wrong (the image's
 * problem for -ENOEXEC, the hypervisor's refusal otherwise).
 */
int builder_build(const struct builder_request *req, domid_t *domid, const char **why);

#endif /* DOM0_BUILDER_H */
