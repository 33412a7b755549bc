/*
 * fuzz_start_info.c - libFuzzer harness for guest-lib's start-info parser
 * (guest-lib/src/start_info.c): start_info_parse() on the input as a device
 * tree; an accepted tree must parse into bounded, terminated fields and
 * survive a rebuild with the hypervisor's start_info_build() unchanged.
 */
#include "fuzz_util.h"

#include <libfdt.h>
#include <skiff/start_info.h> /* guest-lib's parser (its include dir comes first) */

#include "hypervisor/include/skiff/start_info.h" /* the hypervisor's builder */

#define EINVAL_ 22

static void check_fields(const struct skiff_start_info *si)
{
    FUZZ_CHECK(fuzz_terminated(si->name, sizeof(si->name)));
    FUZZ_CHECK(fuzz_terminated(si->cmdline, sizeof(si->cmdline)));
    FUZZ_CHECK(fuzz_terminated(si->hv_version, sizeof(si->hv_version)));
    FUZZ_CHECK(si->nr_free <= SKIFF_START_INFO_MAX_RANGES);
    FUZZ_CHECK(si->nr_modules <= SKIFF_START_INFO_MAX_MODULES);
    for (unsigned int i = 0; i < si->nr_free; i++)
        FUZZ_CHECK(si->free[i].base + si->free[i].size >= si->free[i].base);
    for (unsigned int i = 0; i < si->nr_modules; i++)
        FUZZ_CHECK(fuzz_terminated(si->modules[i].cmdline, sizeof(si->modules[i].cmdline)));
}

/* The builder's description of what the parser read. */
static void describe(const struct skiff_start_info *si, struct start_info_desc *d)
{
    memset(d, 0, sizeof(*d));
    d->domid = si->domid;
    d->flags = si->flags;
    d->vcpus = si->vcpus;
    d->name = si->name;
    d->cmdline = si->cmdline;
    d->mem_bytes = si->mem_bytes;
    d->shared_info = si->shared_info;
    d->hypercall_page = si->hypercall_page;
    d->start_info_base = si->start_info_base;
    d->start_info_size = si->start_info_size;
    d->grant_window_base = si->grant_window_base;
    d->grant_window_size = si->grant_window_size;
    d->nr_free = si->nr_free;
    for (unsigned int i = 0; i < si->nr_free; i++)
        d->free[i] = (struct si_range){si->free[i].base, si->free[i].size};
    d->nr_modules = si->nr_modules;
    for (unsigned int i = 0; i < si->nr_modules; i++)
        d->modules[i] =
            (struct si_module){si->modules[i].base, si->modules[i].size, si->modules[i].cmdline};
    d->has_machine_base = si->has_machine_base;
    d->machine_base = si->machine_base;
    d->hv_version = si->hv_version;
}

/* Whatever the parser accepts, the builder writes back and the parser reads the same. */
static void check_round_trip(const struct skiff_start_info *si)
{
    static uint64_t buf[SKIFF_START_INFO_MAX_SIZE / sizeof(uint64_t)];
    static struct skiff_start_info again;
    struct start_info_desc desc;
    const char *why = NULL;

    describe(si, &desc);
    FUZZ_CHECK(start_info_build(buf, sizeof(buf), &desc) == 0);
    FUZZ_CHECK(start_info_parse(buf, sizeof(buf), &again, &why) == 0);
    FUZZ_CHECK(memcmp(si, &again, sizeof(again)) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct skiff_start_info si;
    const char *why = NULL;

    int rc = start_info_parse(data, size, &si, &why);

    if (rc != 0) {
        FUZZ_CHECK(rc == -EINVAL_ && why != NULL && why[0] != '\0');
        return 0;
    }
    check_fields(&si);
    check_round_trip(&si);
    return 0;
}
