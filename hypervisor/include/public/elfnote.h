/*
 * public/elfnote.h - ELF notes a guest image carries for its domain builder.
 *
 * Notes live in a PT_NOTE segment with name "Skiff" (SKIFF_ELFNOTE_NAME).
 *
 * SKIFF_ELFNOTE_HYPERCALL_PAGE (type 1, 8-byte descriptor): guest virtual
 *   address of a page-aligned, 4 KiB, executable page inside one of the
 *   image's PT_LOAD segments. The builder fills it with one 32-byte stub per
 *   hypercall before the guest starts. An image without this note gets no
 *   hypercall page (it can still use `syscall` directly). A note whose address
 *   is misaligned or not inside an executable segment makes the image invalid.
 */
#ifndef SKIFF_PUBLIC_ELFNOTE_H
#define SKIFF_PUBLIC_ELFNOTE_H

#define SKIFF_ELFNOTE_NAME           "Skiff"
#define SKIFF_ELFNOTE_HYPERCALL_PAGE 1

#endif /* SKIFF_PUBLIC_ELFNOTE_H */
