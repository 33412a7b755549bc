/*
 * store_nodes.c - dom0's xenstored instance and what the toolstack keeps
 * in it: each domain's home /local/domain/<id> (name, domid, memory
 * target; readable by the domain, owned by dom0, as xl does it), the
 * domain introduced to the store while it lives and released and removed
 * when it is gone (store_nodes_reconcile). Plus the xenstore-ls / -read /
 * -write / -rm prompt commands, acting as dom0.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <skiff/time.h>

#include "dom0.h"
#include "domctl.h"
#include "xenstore.h"
#include "xenstored.h"

#define PATH_MAX_LEN 128
#define LS_BUF       4096
#define LS_DEPTH     8
/* The hypervisor's domain ids are below 256 (its domain table). */
#define STORE_NODES_MAX_DOMID 256

static struct xs_store *store;

/* Under a domain's home, owned by the domain: control (shutdown and its features), data, device. */
static const char *const domain_owned[] = {"control", "data", "device", "error"};

static int write_str(const char *path, const char *value)
{
    return xs_write(store, 0, 0, path, value, strlen(value));
}

struct xs_store *store_nodes(void)
{
    if (store)
        return store;
    if (xs_store_create(NULL, xenstored_transport(), &store)) {
        store = NULL;
        return NULL;
    }
    /* dom0's own home, as xl has it. */
    write_str("/local/domain/0/name", "Domain-0");
    write_str("/local/domain/0/domid", "0");
    return store;
}

int store_nodes_add_domain(domid_t id, const char *name, uint64_t mem_mib, uint64_t ring_gfn,
                           evtchn_port_t ring_port)
{
    char home[PATH_MAX_LEN], path[PATH_MAX_LEN], value[32], perms[16];
    int rc, n;

    if (!store_nodes())
        return -ENOMEM;
    store_nodes_reconcile();
    snprintf(home, sizeof(home), "/local/domain/%u", id);
    rc = xs_mkdir(store, 0, 0, home);
    if (rc)
        return rc;
    /* Owned by dom0, readable by the domain ("n0" "r<id>"). */
    n = snprintf(perms, sizeof(perms), "n0%cr%u", '\0', id);
    rc = xs_set_perms(store, 0, 0, home, perms, (size_t)n + 1);
    snprintf(path, sizeof(path), "%s/name", home);
    if (rc == 0)
        rc = write_str(path, name);
    snprintf(path, sizeof(path), "%s/domid", home);
    snprintf(value, sizeof(value), "%u", id);
    if (rc == 0)
        rc = write_str(path, value);
    snprintf(path, sizeof(path), "%s/memory/target", home);
    snprintf(value, sizeof(value), "%lu", (unsigned long)(mem_mib * 1024));
    if (rc == 0)
        rc = write_str(path, value);
    /* Directories the domain writes itself, as libxl makes them. */
    for (unsigned int i = 0; rc == 0 && i < sizeof(domain_owned) / sizeof(domain_owned[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", home, domain_owned[i]);
        rc = xs_mkdir(store, 0, 0, path);
        n = snprintf(perms, sizeof(perms), "n%u", id);
        if (rc == 0)
            rc = xs_set_perms(store, 0, 0, path, perms, (size_t)n + 1);
    }
    snprintf(path, sizeof(path), "%s/control/shutdown", home);
    if (rc == 0)
        rc = write_str(path, "");
    if (rc == 0)
        rc = xs_introduce(store, 0, id, ring_gfn, ring_port); /* maps and binds the ring */
    if (rc)
        xs_rm(store, 0, 0, home);
    return rc;
}

void store_nodes_remove_domain(domid_t id)
{
    char home[PATH_MAX_LEN];

    if (!store || !xs_is_introduced(store, id))
        return;
    xs_release(store, 0, id); /* unmaps and unbinds its ring */
    snprintf(home, sizeof(home), "/local/domain/%u", id);
    xs_rm(store, 0, 0, home);
}

int store_nodes_reconcile(void)
{
    struct skiff_domctl_getdomaininfo info;
    int removed = 0;

    if (!store)
        return 0;
    for (unsigned int id = 1; id < STORE_NODES_MAX_DOMID; id++) {
        if (!xs_is_introduced(store, (uint16_t)id))
            continue;
        if (domctl_getinfo_of((domid_t)id, &info) == 0)
            continue;
        store_nodes_remove_domain((domid_t)id);
        removed++;
    }
    return removed;
}

/* The guest's control/feature-<request> is exactly "1" (anything else: no feature, X4). */
static bool has_feature(domid_t id, const char *request)
{
    char path[PATH_MAX_LEN], value[4];
    size_t len;

    snprintf(path, sizeof(path), "/local/domain/%u/control/feature-%s", id, request);
    if (xs_read(store, 0, 0, path, value, sizeof(value), &len))
        return false;
    return len == 1 && value[0] == '1';
}

int store_nodes_request_shutdown(domid_t id, const char *request)
{
    char path[PATH_MAX_LEN];

    if (!store || !xs_is_introduced(store, id) || !xenstored_connected(id))
        return -ENODEV;
    if (!has_feature(id, request))
        return -EOPNOTSUPP;
    snprintf(path, sizeof(path), "/local/domain/%u/control/shutdown", id);
    return write_str(path, request);
}

bool store_nodes_shutdown_acked(domid_t id, unsigned int timeout_ms)
{
    char path[PATH_MAX_LEN], value[16];
    size_t len;
    uint64_t until = monotonic_ns() + timeout_ms * 1000000ull;

    snprintf(path, sizeof(path), "/local/domain/%u/control/shutdown", id);
    for (;;) {
        if (!store || xs_read(store, 0, 0, path, value, sizeof(value), &len) != 0)
            return false; /* gone */
        if (len == 0)
            return true;
        if (monotonic_ns() >= until)
            return false;
        domains_poll_until(0, monotonic_ns() + 2000000ull);
    }
}

/* ---- prompt commands ---- */

static void ls(const char *path, unsigned int depth)
{
    static char children[LS_DEPTH][LS_BUF];
    char value[256], child[PATH_MAX_LEN * 2];
    size_t len, vlen;

    if (depth >= LS_DEPTH || xs_directory(store, 0, 0, path, children[depth], LS_BUF, &len))
        return;
    for (size_t off = 0; off < len; off += strlen(children[depth] + off) + 1) {
        const char *name = children[depth] + off;
        snprintf(child, sizeof(child), "%s/%s", strcmp(path, "/") ? path : "", name);
        if (xs_read(store, 0, 0, child, value, sizeof(value) - 1, &vlen))
            vlen = 0;
        value[vlen] = '\0';
        printf("%*s%s = \"%s\"\n", (int)depth, "", name, value);
        ls(child, depth + 1);
    }
}

static void report(const char *cmd, const char *path, int rc)
{
    if (rc)
        printf("%s: %s: %s\n", cmd, path, xs_error_name(rc));
}

bool store_nodes_command(const char *cmd, char *arg)
{
    char value[1024];
    size_t len;
    char *val;

    if (strncmp(cmd, "xenstore-", 9) != 0)
        return false;
    if (!store_nodes()) {
        printf("%s: no store (out of memory)\n", cmd);
        return true;
    }
    store_nodes_reconcile();
    if (strcmp(cmd, "xenstore-ls") == 0) {
        ls(arg && *arg ? arg : "/", 0);
        return true;
    }
    if (!arg || !*arg) {
        printf("%s: missing path\n", cmd);
        return true;
    }
    if (strcmp(cmd, "xenstore-read") == 0) {
        int rc = xs_read(store, 0, 0, arg, value, sizeof(value) - 1, &len);
        if (rc == 0) {
            value[len] = '\0';
            printf("%s\n", value);
        }
        report(cmd, arg, rc);
    } else if (strcmp(cmd, "xenstore-write") == 0) {
        val = strchr(arg, ' ');
        if (!val) {
            printf("%s: usage: xenstore-write <path> <value>\n", cmd);
            return true;
        }
        *val++ = '\0';
        report(cmd, arg, write_str(arg, val));
    } else if (strcmp(cmd, "xenstore-rm") == 0) {
        report(cmd, arg, xs_rm(store, 0, 0, arg));
    } else {
        printf("unknown command '%s' (xenstore-ls, -read, -write, -rm)\n", cmd);
    }
    return true;
}
