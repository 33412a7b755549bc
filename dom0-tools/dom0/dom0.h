/*
 * dom0.h - pieces of the control domain shared between its files.
 */
#ifndef DOM0_H
#define DOM0_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <public/event_channel.h>
#include <public/sched.h>
#include <public/skiff.h>

#include "ustar.h"

/* Prints the banner: who we are, the hypervisor, memory and modules. */
void dom0_banner(void);

struct dom0_selftest {
    const char *name; /* selftest=<name> */
    const char *what;
    int (*run)(void); /* prints exactly one result line; 0 = success */
};

/* selftest_domains.c: the domain builder's self-tests (ends with a NULL name). */
extern const struct dom0_selftest dom0_domain_selftests[];

/* What must come back after a domain self-test: free frames, domains, dom0's ports. */
struct snapshot {
    uint64_t free_pages;
    int nr_domains;
    uint32_t dom0_ports;
};
/*
 * Common start of a domain self-test: the boot store is there, VIRQ_DOM_EXC
 * is bound, one guest was built and destroyed (so dom0's grant-window page
 * tables exist already), then *s is taken. false (and a test error) if not.
 */
bool selftest_setup(struct snapshot *s);
/* Checks (as test failures) that frames, domains and dom0's ports are as in *before. */
void selftest_expect_snapshot(const struct snapshot *before, const char *when);

/* ---- selftest_util.c: shared by the multi-domain self-tests ---- */

/* Builds a paused guest from the store (on_created: see builder_request). */
int selftest_build(const char *image, unsigned int mem_mib, const char *cmdline, domid_t *id,
                   int (*on_created)(domid_t, void *), void *arg);
/* Offers peer a port of domain dom (EVTCHNOP_alloc_unbound on dom's behalf). */
int selftest_offer_port(domid_t dom, domid_t peer, evtchn_port_t *port);
int selftest_send_event(evtchn_port_t port);
/* The shutdown reason of domain id (~0 if it is gone). */
uint32_t selftest_reason_of(domid_t id);
/* Destroys each (a failure counts against the test). */
void selftest_destroy_all(const domid_t *ids, unsigned int n);

/*
 * An on_created hook: offers the new domain a port of `peer` and writes its
 * command line from fmt (a printf format taking the peer's id and the port).
 * Point the build's cmdline at `cmdline`, filled beforehand with text at
 * least as long as the final one.
 */
struct selftest_binder {
    domid_t peer;
    const char *fmt;
    char cmdline[160];
};
int selftest_offer_to_new_domain(domid_t id, void *arg);

/* selftest_sched.c: scheduler and event-channel self-tests across domains. */
extern const struct dom0_selftest dom0_sched_selftests[];
/* selftest_store.c: the toolstack's use of xenstored. */
extern const struct dom0_selftest dom0_store_selftests[];
/* selftest_rings.c: the PV ring between two domains. */
extern const struct dom0_selftest dom0_ring_selftests[];

/* selftest_grant.c: grant tables between two guests (grant.elf). */
extern const struct dom0_selftest dom0_grant_selftests[];

/* selftest_console.c: the PV console (consoled.c) with hello.elf guests. */
extern const struct dom0_selftest dom0_console_selftests[];
extern const struct dom0_selftest dom0_device_selftests[];    /* drivers/selftest_devices.c */
extern const struct dom0_selftest dom0_blk_selftests[];       /* dom0/selftest_blk.c */
extern const struct dom0_selftest dom0_blk_bench_selftests[]; /* dom0/selftest_blk_bench.c */

/* Runs the named self-test; prints its result line. 0 = success. */
int dom0_selftest(const char *name);
/* Lists the self-tests. */
void dom0_list_selftests(void);

/* The interactive prompt on the hypervisor console. Returns when asked to power off. */
void dom0_shell(void);
/* Runs one prompt command (the line is modified); false when it was poweroff. */
bool dom0_run_command(char *line);

/* ---- cli.c: xl-like verbs ---- */

/* The domain named by a name or a number: 0, -ESRCH, or -EINVAL (empty). */
int cli_find_domain(const char *what, domid_t *id);
/* cli_block.c: block-attach/-detach/-list; false if cmd is none of them. */
bool cli_block_command(const char *cmd, char *arg);
struct config_disk;
/* Attaches one disk=[...] entry to domain id; a failure prints one line. */
int cli_attach_disk(domid_t id, const struct config_disk *d);
/* false while a script runs (run=, ./skiff run --exec): nothing waits for typing. */
bool cli_interactive(void);
/* xl list: Name, ID, Mem, VCPUs, State, Time(s). */
void cli_list(void);
/* create <file.cfg>: parse an xl config from the store and build it. */
int cli_create_from_config(const char *file, domid_t *created);
/* destroy/shutdown/reboot/pause/unpause <dom>; false if cmd is none of them. */
bool cli_domain_verb(const char *cmd, const char *arg);
void cli_info(void);
void cli_uptime(void);
/* The hypervisor's recent console output (sysctl readconsole). */
void cli_dmesg(void);
/* ---- store_nodes.c: dom0's xenstored and each domain's home in it ---- */
struct xs_store;
/* The store (made on first use); NULL if out of memory. */
struct xs_store *store_nodes(void);
/* /local/domain/<id> with name, domid, memory/target; the domain introduced. */
int store_nodes_add_domain(domid_t id, const char *name, uint64_t mem_mib, uint64_t ring_gfn,
                           evtchn_port_t ring_port);
/*
 * Writes request ("poweroff", "reboot") to the domain's control/shutdown if
 * it advertised control/feature-<request> = "1" and its ring is up: 0;
 * -EOPNOTSUPP / -ENODEV otherwise (the caller falls back).
 */
int store_nodes_request_shutdown(domid_t id, const char *request);
/* Waits (serving rings) until the guest cleared control/shutdown; false on timeout. */
bool store_nodes_shutdown_acked(domid_t id, unsigned int timeout_ms);
/* Releases domain id (its ring, watches, transactions) and removes its home. */
void store_nodes_remove_domain(domid_t id);
/* Releases and removes the homes of domains that no longer exist; how many. */
int store_nodes_reconcile(void);
/* xenstore-ls/-read/-write/-rm; false if cmd is none of them. */
bool store_nodes_command(const char *cmd, char *arg);

/* ---- lifecycle.c: on_poweroff / on_reboot / on_crash of config domains ---- */
struct domain_config;
/* Watches domain id, created from cfg, for its on_* actions. */
void lifecycle_manage(domid_t id, const struct domain_config *cfg);
/* Stops watching id (destroyed from the prompt). */
void lifecycle_forget(domid_t id);
/* Carries out the actions of watched domains that have stopped. */
void lifecycle_service(void);
/* Sleeps ms, carrying out actions as domains stop. */
void lifecycle_sleep_ms(unsigned int ms);

/* Runs commands, one per line or separated by ';' (echoed with the prompt). */
void cli_run_script(const char *text, size_t len);
/* Runs a script from the boot store. */
int cli_run_store_script(const char *file);

/* ---- store.c: the boot store (module "store", a ustar archive) ---- */

/* The archive in dom0's memory; -ENOENT without a store module. */
int store_get(const void **archive, size_t *size);
/* The file called name; -ENOENT / -EINVAL with *why set. */
int store_find(const char *name, struct ustar_entry *e, const char **why);
/* Lists the store's files on the console. */
void store_print(void);

/* ---- domains.c: toolstack verbs ---- */

#define DOMAINS_DEFAULT_MEM_MIB 8
#define DOMAINS_MAX_MEM_MIB     (256u * 1024) /* below the grant window at 512 GiB */

struct domain_spec {
    const char *image;             /* file in the boot store */
    const char *name;              /* NULL: the image's name, made unique */
    uint64_t mem_mib;              /* RAM in MiB */
    const char *cmdline;           /* NULL: empty */
    bool paused;                   /* build but do not unpause */
    unsigned int max_grant_frames; /* 0: the default */
    /* See builder_request: called after creation, before the start info. */
    int (*on_created)(domid_t id, void *arg);
    void *on_created_arg;
};

/* Builds spec from the store; on failure prints "create: <image>: <why> (error N)". */
int domains_create(const struct domain_spec *spec, domid_t *id, const char **why);
/* Number of domains listed by getdomaininfo (dom0 included). */
int domains_count(void);
/* Prints the domain list (xl list style). */
void domains_print_list(void);

/* Binds VIRQ_DOM_EXC once; returns its port or a negative errno. */
int domains_watch(void);
/* Waits until every domain in ids[] has shut down. 0, -ETIMEDOUT, or -ESRCH if one is gone. */
int domains_wait_shutdown(const domid_t *ids, unsigned int n, unsigned int timeout_ms);
/* Waits until domain id shows all of the SKIFF_DOMINF_* flags. 0, -ETIMEDOUT, -ESRCH. */
int domains_wait_flags(domid_t id, uint32_t flags, unsigned int timeout_ms);

/*
 * Blocks until port (0: none) or a console port is pending, or until the
 * absolute time `until`; then serves the consoles.
 */
void domains_poll_until(evtchn_port_t port, uint64_t until);
/* Sleeps (SCHEDOP_poll with a timeout), letting other domains run. */
void domains_sleep_ms(unsigned int ms);

#endif
