/*
 * dom0.h - pieces of the control domain shared between its files.
 */
#ifndef DOM0_H
#define DOM0_H

#include <stdbool.h>

/* Prints the banner: who we are, the hypervisor, memory and modules. */
void dom0_banner(void);

/* Runs the named self-test; prints its result line. 0 = success. */
int dom0_selftest(const char *name);
/* Lists the self-tests. */
void dom0_list_selftests(void);

/* The interactive prompt on the hypervisor console. Returns when asked to power off. */
void dom0_shell(void);

#endif
