/*
 * blkdev.c - the registry of dom0's block devices (see blkdev.h): drivers
 * register, users look up by name and poll for completions.
 */
#include <errno.h>
#include <string.h>

#include "blkdev.h"

static struct blkdev *devices;

int blkdev_register(struct blkdev *dev)
{
    if (blkdev_find(dev->name))
        return -EEXIST;
    struct blkdev **tail = &devices;
    while (*tail)
        tail = &(*tail)->next;
    dev->next = NULL;
    *tail = dev;
    return 0;
}

int blkdev_unregister(struct blkdev *dev)
{
    for (struct blkdev **p = &devices; *p; p = &(*p)->next) {
        if (*p == dev) {
            *p = dev->next;
            dev->next = NULL;
            return 0;
        }
    }
    return -ENOENT;
}

struct blkdev *blkdev_find(const char *name)
{
    for (struct blkdev *d = devices; d; d = d->next)
        if (!strcmp(d->name, name))
            return d;
    return NULL;
}

struct blkdev *blkdev_first(void)
{
    return devices;
}

void blkdev_poll_all(void)
{
    for (struct blkdev *d = devices; d; d = d->next)
        if (d->poll)
            d->poll(d);
}
