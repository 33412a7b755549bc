/*
 * skiff/guest.h - what every guest-lib program can use: its start info, its
 * shared_info page, and ways to stop.
 *
 * A program provides `int main(int argc, char **argv)`. argv[0] is the
 * domain's name and the rest come from its command line split at spaces.
 * Returning from main shuts the domain down (poweroff for 0, crash
 * otherwise).
 */
#ifndef SKIFF_GUEST_H
#define SKIFF_GUEST_H

#include <stdint.h>

#include <public/skiff.h>
#include <skiff/start_info.h>

extern struct skiff_start_info start_info;
extern struct shared_info *shared_info;

/* SCHEDOP_shutdown with a SHUTDOWN_* reason; does not return. */
_Noreturn void guest_shutdown(unsigned int reason);

/* Prints a message, the caller's backtrace, and crashes the domain. */
_Noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Image bounds from the linker script. */
extern char __image_start[], __etext[], __image_end[];

#endif
