/*
 * public/start_info.h - what a domain learns about itself when it starts.
 *
 * The builder (the hypervisor for dom0, dom0's toolstack for other domains)
 * writes a flattened device tree (FDT, built and read with libfdt) into the
 * domain's RAM and enters the guest with its guest-physical address in %rdi.
 * The tree is read-only by convention; the guest may reuse its page once it
 * has parsed it. Every address is guest-physical (= guest virtual: RAM is
 * identity-mapped). Cells: #address-cells = #size-cells = 2 (64-bit values
 * as two big-endian 32-bit cells, as usual for FDT).
 *
 *   / {
 *     compatible = "skiff,start-info-v1";
 *     chosen { bootargs = "<domain command line>"; }
 *     memory@0 { device_type = "memory"; reg = <0 mem>; }      RAM [0, mem)
 *     skiff,domain {
 *       domid = <u32>;  flags = <u32 SIF_*>;  vcpus = <u32>;  name = "...";
 *     };
 *     skiff,pages {
 *       shared-info = <u64>;     struct shared_info (public/skiff.h)
 *       hypercall-page = <u64>;  0 when the image had no hypercall-page note
 *       start-info = <u64 base, u64 size>;   this tree's own pages
 *       grant-window = <u64 base, u64 size>; where foreign and granted
 *                                            pages get mapped (memory_op)
 *     };
 *     skiff,free-memory { reg = <base size> ...; };  RAM the guest may use
 *                                                    freely (page aligned)
 *     skiff,modules {                                dom0: boot modules,
 *       module@N { reg = <base size>; cmdline = "..."; };   copied into RAM
 *     };
 *     skiff,console {                       domUs only (dom0 uses console_io)
 *       page = <u64>;   guest-physical address of the console ring page
 *                       (struct xencons_interface, public/io/console.h),
 *                       zeroed by the builder
 *       port = <u32>;   this domain's event channel for the console, offered
 *                       to dom0 (alloc_unbound, remote dom0), which binds it
 *     };
 *     skiff,store {                         domUs only: the XenStore ring
 *       page = <u64>;   guest-physical address of the store ring page
 *                       (struct xenstore_domain_interface, public/io/xs_wire.h),
 *                       zeroed by the builder
 *       port = <u32>;   this domain's event channel for the store, offered
 *                       to dom0, whose xenstored binds it
 *     };
 *     skiff,hypervisor {
 *       version = "<hypervisor version>";   e.g. "0.1.0"
 *       machine-base = <u64>;    dom0 only: machine address of its RAM
 *     };                         (dom0's RAM is machine-contiguous)
 *   };
 *
 * Pages not listed in skiff,free-memory (page 0, the image, modules, the
 * special pages) must not be handed out by the guest's allocator. Page 0 is
 * never mapped: a NULL dereference faults.
 */
#ifndef SKIFF_PUBLIC_START_INFO_H
#define SKIFF_PUBLIC_START_INFO_H

#define SKIFF_START_INFO_COMPATIBLE "skiff,start-info-v1"

/* Node and property names, shared by builders and parsers. */
#define SI_NODE_CHOSEN     "/chosen"
#define SI_PROP_BOOTARGS   "bootargs"
#define SI_NODE_MEMORY     "/memory@0"
#define SI_NODE_DOMAIN     "/skiff,domain"
#define SI_PROP_DOMID      "domid"
#define SI_PROP_FLAGS      "flags"
#define SI_PROP_VCPUS      "vcpus"
#define SI_PROP_NAME       "name"
#define SI_NODE_PAGES      "/skiff,pages"
#define SI_PROP_SHARED     "shared-info"
#define SI_PROP_HCALL_PAGE "hypercall-page"
#define SI_PROP_START_INFO "start-info"
#define SI_PROP_GRANT_WIN  "grant-window"
#define SI_NODE_FREE_MEM   "/skiff,free-memory"
#define SI_NODE_MODULES    "/skiff,modules"
#define SI_PROP_CMDLINE    "cmdline"
#define SI_NODE_CONSOLE    "/skiff,console"
#define SI_NODE_STORE      "/skiff,store"
#define SI_PROP_CONS_PAGE  "page"
#define SI_PROP_CONS_PORT  "port"
#define SI_NODE_HV         "/skiff,hypervisor"
#define SI_PROP_VERSION    "version"
#define SI_PROP_MACH_BASE  "machine-base"

/* skiff,domain/flags: Xen's start_info flag values. */
#define SIF_PRIVILEGED (1u << 0) /* may use privileged hypercalls */
#define SIF_INITDOMAIN (1u << 1) /* the first domain (dom0) */

/* Limits a parser may rely on. */
#define SKIFF_START_INFO_MAX_SIZE    (64 * 1024)
#define SKIFF_START_INFO_MAX_RANGES  16
#define SKIFF_START_INFO_MAX_MODULES 8
#define SKIFF_CMDLINE_MAX            1024

#endif /* SKIFF_PUBLIC_START_INFO_H */
