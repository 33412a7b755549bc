/*
 * store_guest.c - the domU of dom0's xenstore self-tests (store.elf): it
 * talks to dom0's xenstored through its own ring (guest-lib connected it
 * before main). Its command line picks what it does:
 *   mode=hello    writes data/hello, checks what it may and may not touch
 *                 (X3), then idles until control/shutdown powers it off
 *   mode=flood    creates nodes until its quota refuses one (X2), writes
 *                 data/flood = <nodes made>, then idles like mode=hello
 *   mode=garbage  writes garbage where the toolstack looks (X4:
 *                 control/feature-poweroff, control/shutdown), then idles
 * Every line it prints starts with "store-guest <domid>:" so dom0's
 * self-tests find them in its console history.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <skiff/guest.h>
#include <skiff/thread.h>
#include <skiff/time.h>
#include <skiff/xenbus.h>

#define IDLE_LIMIT_NS (60ull * 1000000000ull)
#define FLOOD_MAX     5000

static int fail(const char *what, int rc)
{
    printf("store-guest %u: FAILED: %s (%d)\n", start_info.domid, what, rc);
    return 1;
}

/* Sleeps (idle: the control/shutdown watch runs) until powered off; 1 after a minute. */
static int idle_until_shutdown(void)
{
    printf("store-guest %u: waiting for control/shutdown\n", start_info.domid);
    sleep_ns(IDLE_LIMIT_NS);
    printf("store-guest %u: FAILED: no shutdown request came\n", start_info.domid);
    return 1;
}

static int hello(void)
{
    char buf[64], path[64];
    int rc;

    rc = xenbus_read(XBT_NIL, "name", buf, sizeof(buf));
    if (rc < 0 || strcmp(buf, start_info.name) != 0)
        return fail("reading my name from my home", rc);
    rc = xenbus_write(XBT_NIL, "name", "renamed");
    if (rc != -EACCES)
        return fail("writing my name (owned by dom0) was not refused", rc);
    rc = xenbus_read(XBT_NIL, "/local/domain/0/name", buf, sizeof(buf));
    if (rc != -EACCES)
        return fail("reading dom0's home was not refused", rc);
    snprintf(path, sizeof(path), "/local/domain/%u/data/hello", start_info.domid);
    rc = xenbus_printf(XBT_NIL, path, "hello from %u", start_info.domid);
    if (rc)
        return fail("writing data/hello", rc);
    printf("store-guest %u: data/hello written\n", start_info.domid);
    return idle_until_shutdown();
}

/* Makes data/f<i> until the store refuses (the node quota); every refusal is an errno. */
static int flood(void)
{
    char path[32];
    int rc = 0, made = 0;

    for (; made < FLOOD_MAX; made++) {
        snprintf(path, sizeof(path), "data/f%d", made);
        rc = xenbus_write(XBT_NIL, path, "x");
        if (rc)
            break;
    }
    if (rc != -ENOSPC && rc != -ENOMEM)
        return fail("the node quota never refused a write", rc);
    printf("store-guest %u: quota reached after %d nodes (%d)\n", start_info.domid, made, rc);
    /* Room is made by removing, and the connection still works. */
    rc = xenbus_rm(XBT_NIL, "data/f0");
    if (rc == 0)
        rc = xenbus_printf(XBT_NIL, "data/flood", "%d", made);
    if (rc)
        return fail("writing after the quota", rc);
    return idle_until_shutdown();
}

static int garbage(void)
{
    static char big[2000];
    int rc;

    memset(big, 0x01, sizeof(big) - 1);
    rc = xenbus_write(XBT_NIL, "control/feature-poweroff", "1; rm -rf /");
    if (rc == 0)
        rc = xenbus_write(XBT_NIL, "control/feature-reboot", big);
    if (rc == 0)
        rc = xenbus_write(XBT_NIL, "control/shutdown", "../../0/name");
    if (rc)
        return fail("writing garbage into my control nodes", rc);
    printf("store-guest %u: garbage written\n", start_info.domid);
    /* No watch on control/shutdown any more: only the hypervisor can stop it. */
    xenbus_unwatch("control/shutdown", "control-shutdown");
    return idle_until_shutdown();
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "mode=hello";

    if (!xenbus_connected())
        return fail("no store connection", -ENODEV);
    if (strcmp(mode, "mode=hello") == 0)
        return hello();
    if (strcmp(mode, "mode=flood") == 0)
        return flood();
    if (strcmp(mode, "mode=garbage") == 0)
        return garbage();
    return fail("unknown mode (mode=hello|flood|garbage)", -EINVAL);
}
