/*
 * store.c - dom0's boot store: the boot module whose command line is
 * "store", a ustar archive of guest images that the hypervisor copied into
 * dom0's RAM (start info skiff,modules). Read with builder/ustar.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <skiff/guest.h>

#include "dom0.h"

#define STORE_CMDLINE "store"

int store_get(const void **archive, size_t *size)
{
    for (unsigned int i = 0; i < start_info.nr_modules; i++) {
        const struct si_module_info *m = &start_info.modules[i];
        if (strcmp(m->cmdline, STORE_CMDLINE) == 0) {
            *archive = (const void *)(uintptr_t)m->base;
            *size = (size_t)m->size;
            return 0;
        }
    }
    return -ENOENT;
}

int store_find(const char *name, struct ustar_entry *e, const char **why)
{
    const void *archive;
    size_t size;

    if (store_get(&archive, &size)) {
        *why = "no boot store (a module with command line \"" STORE_CMDLINE "\")";
        return -ENOENT;
    }
    return ustar_find(archive, size, name, e, why);
}

void store_print(void)
{
    struct ustar_iter it;
    struct ustar_entry e;
    const char *why;
    const void *archive;
    size_t size;
    unsigned int n = 0;
    int rc;

    if (store_get(&archive, &size)) {
        printf("store: no boot store (a module with command line \"" STORE_CMDLINE "\")\n");
        return;
    }
    ustar_iter_init(&it, archive, size);
    while ((rc = ustar_next(&it, &e, &why)) == 1) {
        printf("  %-24s %8lu bytes\n", e.name, (unsigned long)e.size);
        n++;
    }
    if (rc < 0)
        printf("store: damaged after %u files: %s\n", n, why);
    else
        printf("store: %u files, %lu bytes\n", n, (unsigned long)size);
}
