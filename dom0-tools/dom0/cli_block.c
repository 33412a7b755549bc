/*
 * cli_block.c - the CLI's disk verbs, as xl names them: block-attach,
 * block-detach, block-list, plus block-devices (dom0's own block devices,
 * what a disk can be backed by); and attaching a config's disk=[...].
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "dom0.h"
#include "vbd.h"
#include "vbd_backing.h"

#define DETACH_TIMEOUT_MS 5000

int cli_attach_disk(domid_t id, const struct config_disk *d)
{
    const char *why = "";
    int rc = vbd_attach(id, d->vdev, d->target, d->readonly, &why);

    if (rc)
        printf("block-attach: domain %u: %s: %s\n", id, d->vdev, why);
    return rc;
}

/* block-attach <dom> <disk spec> */
static void block_attach(char *arg)
{
    static struct config_report rep;
    struct config_disk d;
    char *spec = arg ? strchr(arg, ' ') : NULL;
    domid_t id;

    if (!spec) {
        printf("block-attach: usage: block-attach <dom> <backing>,raw,<vdev>[,ro|rw]\n");
        return;
    }
    *spec++ = '\0';
    if (cli_find_domain(arg, &id)) {
        printf("block-attach: no domain '%s'\n", arg);
        return;
    }
    if (config_parse_disk_spec(spec, &d, &rep)) {
        printf("block-attach: %s\n", rep.error);
        return;
    }
    if (cli_attach_disk(id, &d) == 0)
        printf("block-attach: domain %u: %s on %s (%s)\n", id, d.vdev, d.target,
               d.readonly ? "ro" : "rw");
}

/* block-detach <dom> <vdev> */
static void block_detach(char *arg)
{
    char *vdev = arg ? strchr(arg, ' ') : NULL;
    domid_t id;

    if (!vdev) {
        printf("block-detach: usage: block-detach <dom> <vdev>\n");
        return;
    }
    *vdev++ = '\0';
    if (cli_find_domain(arg, &id)) {
        printf("block-detach: no domain '%s'\n", arg);
        return;
    }
    if (vbd_detach(id, vdev, DETACH_TIMEOUT_MS))
        printf("block-detach: domain %u has no disk '%s'\n", id, vdev);
    else
        printf("block-detach: domain %u: %s detached\n", id, vdev);
}

static void block_list(const char *arg)
{
    domid_t id;

    if (!arg || !*arg) {
        printf("block-list: missing domain (name or id)\n");
        return;
    }
    if (cli_find_domain(arg, &id)) {
        printf("block-list: no domain '%s'\n", arg);
        return;
    }
    vbd_list(id);
}

bool cli_block_command(const char *cmd, char *arg)
{
    if (strcmp(cmd, "block-attach") == 0)
        block_attach(arg);
    else if (strcmp(cmd, "block-detach") == 0)
        block_detach(arg);
    else if (strcmp(cmd, "block-list") == 0)
        block_list(arg);
    else
        return false;
    return true;
}
