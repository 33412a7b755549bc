/*
 * public/features.h - feature bits reported by XENVER_get_features.
 *
 * Numbers are Xen's. Skiff reports (in submap 0):
 *   XENFEAT_auto_translated_physmap: guests see guest-physical frames only.
 *   XENFEAT_dom0: reported to domain 0 only.
 */
#ifndef SKIFF_PUBLIC_FEATURES_H
#define SKIFF_PUBLIC_FEATURES_H

#define XENFEAT_writable_page_tables    0
#define XENFEAT_auto_translated_physmap 2
#define XENFEAT_dom0                    11
#define XENFEAT_NR_SUBMAPS              1

#endif /* SKIFF_PUBLIC_FEATURES_H */
