/*
 * fuzz_xenstore.h - the input format of fuzz_xenstore, shared with the seed
 * generator: a sequence of records, each
 *
 *   u8 domid (mod FUZZ_XS_DOMAINS) | u16 length (LE) | length bytes of message
 *
 * where the message is handed to xs_handle_message() as it is: a
 * struct xsd_sockmsg header and payload whose lengths may disagree.
 */
#ifndef SKIFF_FUZZ_XENSTORE_H
#define SKIFF_FUZZ_XENSTORE_H

#define FUZZ_XS_DOMAINS      3 /* 0 (dom0), 1 and 2 */
#define FUZZ_XS_MAX_MESSAGES 64

#endif
