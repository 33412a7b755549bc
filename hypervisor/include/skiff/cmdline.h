/*
 * skiff/cmdline.h - parsing "name=value" boot command lines against a table
 * of options. Used for the hypervisor's own command line (loglvl=, dom0_mem=,
 * ...; see docs/architecture.md for the list).
 */
#ifndef SKIFF_CMDLINE_H
#define SKIFF_CMDLINE_H

#include <skiff/types.h>

enum cmdline_type {
    OPT_BOOL,   /* name, name=on|off|yes|no|true|false|1|0, no-name */
    OPT_UINT,   /* decimal, or hex after 0x; must fit uint64_t */
    OPT_SIZE,   /* number with optional K, M or G suffix (binary units), in bytes */
    OPT_STRING, /* copied, must fit dest_size including the NUL */
};

struct cmdline_option {
    const char *name;
    enum cmdline_type type;
    void *dest; /* bool *, uint64_t *, or char[dest_size] */
    size_t dest_size;
};

/* Called once per problem with a one-line description. */
typedef void cmdline_report_fn(void *ctx, const char *problem);

/*
 * Applies every word of cmdline that names an option; reports unknown options
 * and bad values (leaving the option's default). Returns the number of
 * problems reported.
 */
int cmdline_parse(const char *cmdline, const struct cmdline_option *opts, size_t nr_opts,
                  cmdline_report_fn *report, void *ctx);

/* The hypervisor's options, filled by hv_parse_cmdline(). */
struct hv_options {
    char loglvl[16];
    char console[16];
    uint64_t dom0_mem;     /* bytes */
    uint64_t tick_hz;      /* scheduler ticks per second, 0 = off */
    uint64_t timeslice_ms; /* scheduler timeslice */
    uint64_t ratelimit_us; /* shortest run before a wake-up preempts */
    bool tsc_deadline;     /* use the TSC-deadline timer when the CPU has it */
    bool smep, smap, umip;
    char hv_selftest[16]; /* "fault" or "bug": crash on purpose to check the panic report */
};

extern struct hv_options hv_opts;

/* Parses the hypervisor command line into hv_opts (defaults first). */
int hv_parse_cmdline(const char *cmdline);

#endif /* SKIFF_CMDLINE_H */
