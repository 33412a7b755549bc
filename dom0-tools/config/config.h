/*
 * config.h - xl-style domain configuration files (`xl.cfg` syntax), parsed
 * from bytes in memory into a struct domain_config the domain builder
 * consumes. Portable C: built into dom0 (freestanding) and on the host.
 *
 * The text is untrusted: every length and count is bounded (CONFIG_*_MAX
 * below), any byte sequence gives either a filled config or exactly one
 * error line "file:line: what is wrong", and nothing is read outside
 * [text, text + len). The parser allocates nothing and keeps no state.
 * See docs/toolstack.md, "Domain configuration files".
 */
#ifndef DOM0_CONFIG_H
#define DOM0_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Defaults (as xl's): 8 MiB is dom0's DOMAINS_DEFAULT_MEM_MIB. */
#define CONFIG_DEFAULT_MEM_MIB 8
#define CONFIG_DEFAULT_VCPUS   1

/* Limits on the input. */
#define CONFIG_FILE_MAX   (64 * 1024) /* bytes in one file */
#define CONFIG_LINE_MAX   2048        /* bytes in one line, newline excluded */
#define CONFIG_STRING_MAX 1024        /* bytes in one decoded string value */
#define CONFIG_LIST_MAX   64          /* items in any one list */

/* Limits on the values (buffer sizes, NUL included). */
#define CONFIG_MAX_MEM_MIB (256u * 1024) /* dom0's DOMAINS_MAX_MEM_MIB */
#define CONFIG_MAX_VCPUS   32            /* SKIFF_LEGACY_MAX_VCPUS */
#define CONFIG_NAME_MAX    32            /* the builder's 1..31 characters */
#define CONFIG_PATH_MAX    256           /* a boot-store name (USTAR_NAME_MAX) */
#define CONFIG_CMDLINE_MAX 1024          /* the builder's command-line limit */
#define CONFIG_MAX_DISKS   16
#define CONFIG_MAX_VIFS    8
#define CONFIG_VDEV_MAX    16
#define CONFIG_BRIDGE_MAX  16 /* IFNAMSIZ */
#define CONFIG_IP_MAX      16 /* "255.255.255.255" */

/* Reports. */
#define CONFIG_MSG_MAX      192 /* one "file:line: message" line, NUL included */
#define CONFIG_MAX_WARNINGS 8   /* kept; more are counted in warnings_dropped */

/* What to do when the guest powers off, reboots or crashes (xl's on_*). */
enum config_action {
    CONFIG_ACTION_DESTROY,
    CONFIG_ACTION_RESTART,
    CONFIG_ACTION_PRESERVE,
};

enum config_disk_format {
    CONFIG_DISK_RAW,
};

/* One disk=[...] entry; kept for the block backend. */
struct config_disk {
    char target[CONFIG_PATH_MAX]; /* backing file in the boot store; non-empty */
    char vdev[CONFIG_VDEV_MAX];   /* xvd*, hd* or sd*; non-empty */
    enum config_disk_format format;
    bool readonly; /* access=ro / r; default rw */
    unsigned int line;
};

/* One vif=[...] entry; kept for the network backend. */
struct config_vif {
    bool has_mac;
    uint8_t mac[6];                 /* valid when has_mac */
    char bridge[CONFIG_BRIDGE_MAX]; /* "" = the default bridge */
    char ip[CONFIG_IP_MAX];         /* "" = none; else a dotted quad */
    unsigned int line;
};

struct domain_config {
    char name[CONFIG_NAME_MAX];       /* required */
    char kernel[CONFIG_PATH_MAX];     /* required: an ELF in the boot store */
    char cmdline[CONFIG_CMDLINE_MAX]; /* cmdline, or root= and extra as xl builds it */
    uint64_t memory_mib;              /* 1..CONFIG_MAX_MEM_MIB */
    unsigned int vcpus;               /* 1..CONFIG_MAX_VCPUS */
    enum config_action on_poweroff;   /* default destroy */
    enum config_action on_reboot;     /* default restart */
    enum config_action on_crash;      /* default destroy */
    struct config_disk disks[CONFIG_MAX_DISKS];
    unsigned int nr_disks;
    struct config_vif vifs[CONFIG_MAX_VIFS];
    unsigned int nr_vifs;
};

/* What the parser has to say: at most one error, a few warnings. */
struct config_report {
    char error[CONFIG_MSG_MAX]; /* "" on success */
    char warnings[CONFIG_MAX_WARNINGS][CONFIG_MSG_MAX];
    unsigned int nr_warnings;      /* kept in warnings[] */
    unsigned int warnings_dropped; /* beyond CONFIG_MAX_WARNINGS */
};

/* Sets *cfg to the defaults (no name, no kernel, no devices). */
void config_defaults(struct domain_config *cfg);

/*
 * Parses len bytes at text (no NUL needed) named file in messages. 0 and a
 * complete *cfg; or a negative errno (-EINVAL bad input, -E2BIG a limit)
 * with rep->error set to one line and *cfg back to the defaults. Warnings
 * (keys xl knows but Skiff ignores) are in rep either way. Every message is
 * one line of printable ASCII. The structs are large: keep them off small
 * stacks.
 */
int config_parse(const char *file, const char *text, size_t len, struct domain_config *cfg,
                 struct config_report *rep);

/*
 * One xl disk spec on its own (block-attach): "target,format,vdev,access"
 * or key=value items, as in disk=[...]. 0, or a negative errno with
 * rep->error set to "disk spec: ...".
 */
int config_parse_disk_spec(const char *spec, struct config_disk *out, struct config_report *rep);

/* "destroy", "restart" or "preserve". */
const char *config_action_name(enum config_action a);

#endif
