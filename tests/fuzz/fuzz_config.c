/*
 * fuzz_config.c - libFuzzer harness for dom0's xl-style config parser
 * (dom0-tools/config/): config_parse() on the input as it is (no NUL), then
 * checks what came back: exactly one of a config or an error line, every
 * message one printable line, strings terminated inside their buffers,
 * values and counts within the limits, disks and vifs well formed.
 */
#include "fuzz_util.h"

#include <errno.h>

#include "config.h"

static struct domain_config cfg;
static struct config_report rep;

static int printable_line(const char *s, size_t size)
{
    size_t n = strnlen(s, size);

    if (n == size)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < 0x20 || s[i] >= 0x7f)
            return 0;
    return 1;
}

static void check_report(int rc)
{
    FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -E2BIG || rc == -ERANGE);
    FUZZ_CHECK(printable_line(rep.error, sizeof(rep.error)));
    FUZZ_CHECK((rc == 0) == (rep.error[0] == '\0'));
    FUZZ_CHECK(rep.nr_warnings <= CONFIG_MAX_WARNINGS);
    FUZZ_CHECK(rep.warnings_dropped == 0 || rep.nr_warnings == CONFIG_MAX_WARNINGS);
    for (unsigned int i = 0; i < rep.nr_warnings; i++)
        FUZZ_CHECK(printable_line(rep.warnings[i], sizeof(rep.warnings[i])));
}

static void check_disk(const struct config_disk *d)
{
    FUZZ_CHECK(fuzz_terminated(d->target, sizeof(d->target)) && d->target[0]);
    FUZZ_CHECK(fuzz_terminated(d->vdev, sizeof(d->vdev)) && d->vdev[0]);
    FUZZ_CHECK(d->format == CONFIG_DISK_RAW);
    FUZZ_CHECK(d->line >= 1);
}

static void check_vif(const struct config_vif *v)
{
    FUZZ_CHECK(fuzz_terminated(v->bridge, sizeof(v->bridge)));
    FUZZ_CHECK(fuzz_terminated(v->ip, sizeof(v->ip)));
    FUZZ_CHECK(!v->has_mac || !(v->mac[0] & 1));
    FUZZ_CHECK(v->line >= 1);
}

static void check_config(int rc)
{
    FUZZ_CHECK(fuzz_terminated(cfg.name, sizeof(cfg.name)));
    FUZZ_CHECK(fuzz_terminated(cfg.kernel, sizeof(cfg.kernel)));
    FUZZ_CHECK(fuzz_terminated(cfg.cmdline, sizeof(cfg.cmdline)));
    FUZZ_CHECK(cfg.nr_disks <= CONFIG_MAX_DISKS && cfg.nr_vifs <= CONFIG_MAX_VIFS);
    if (rc) { /* a failed parse leaves the defaults */
        FUZZ_CHECK(cfg.name[0] == '\0' && cfg.nr_disks == 0 && cfg.nr_vifs == 0);
        FUZZ_CHECK(cfg.memory_mib == CONFIG_DEFAULT_MEM_MIB);
        return;
    }
    FUZZ_CHECK(cfg.name[0] && cfg.kernel[0]);
    FUZZ_CHECK(cfg.memory_mib >= 1 && cfg.memory_mib <= CONFIG_MAX_MEM_MIB);
    FUZZ_CHECK(cfg.vcpus >= 1 && cfg.vcpus <= CONFIG_MAX_VCPUS);
    FUZZ_CHECK(cfg.on_crash <= CONFIG_ACTION_PRESERVE && cfg.on_reboot <= CONFIG_ACTION_PRESERVE);
    FUZZ_CHECK(cfg.on_poweroff <= CONFIG_ACTION_PRESERVE);
    for (unsigned int i = 0; i < cfg.nr_disks; i++) {
        check_disk(&cfg.disks[i]);
        for (unsigned int j = 0; j < i; j++)
            FUZZ_CHECK(strcmp(cfg.disks[i].vdev, cfg.disks[j].vdev) != 0);
    }
    for (unsigned int i = 0; i < cfg.nr_vifs; i++)
        check_vif(&cfg.vifs[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* An exact-size copy, so a read past the end is caught by ASan. */
    char *text = malloc(size ? size : 1);

    FUZZ_CHECK(text != NULL);
    if (size)
        memcpy(text, data, size);
    int rc = config_parse("fuzz.cfg", text, size, &cfg, &rep);
    check_report(rc);
    check_config(rc);
    free(text);
    return 0;
}
