/*
 * skiff/setup.h - the portable half of boot: the banner, building dom0 from
 * the first boot module, and running it. The arch code calls these once the
 * CPU, memory and console are up.
 */
#ifndef SKIFF_SETUP_H
#define SKIFF_SETUP_H

#include <skiff/bootinfo.h>
#include <skiff/types.h>

struct domain;

void hv_print_banner(void);

/*
 * Builds dom0 from bi->modules[0] (an ELF image; its module command line is
 * dom0's command line) and copies the other modules into its RAM. On failure
 * prints one line saying why, frees everything and returns a negative errno.
 */
int dom0_build(const struct boot_info *bi, struct domain **out);

/* Builds and enters dom0; stops the machine if it cannot be built. */
noreturn void hv_start_dom0(const struct boot_info *bi);

#endif /* SKIFF_SETUP_H */
