/*
 * make_bad_images.c - a host tool run at build time: from one good guest
 * image it writes the broken images of the boot store (bad-*.elf) that
 * dom0's builder must refuse (HOSTILE.md X5), each broken in one way.
 *
 *   make_bad_images GOOD.elf OUTDIR
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct image {
    unsigned char *bytes;
    size_t size;
};

static void die(const char *what, const char *arg)
{
    fprintf(stderr, "make_bad_images: %s %s\n", what, arg);
    exit(1);
}

static struct image read_image(const char *path)
{
    struct image img = {0};
    FILE *f = fopen(path, "rb");

    if (!f)
        die("cannot open", path);
    fseek(f, 0, SEEK_END);
    img.size = (size_t)ftell(f);
    rewind(f);
    img.bytes = malloc(img.size);
    if (!img.bytes || fread(img.bytes, 1, img.size, f) != img.size)
        die("cannot read", path);
    fclose(f);
    if (img.size < sizeof(Elf64_Ehdr) || memcmp(img.bytes, ELFMAG, SELFMAG) != 0)
        die("not an ELF image:", path);
    return img;
}

static void write_file(const char *dir, const char *name, const void *bytes, size_t size)
{
    char path[4096];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "wb");
    if (!f || fwrite(bytes, 1, size, f) != size || fclose(f) != 0)
        die("cannot write", path);
}

static Elf64_Ehdr *ehdr(struct image *img)
{
    return (Elf64_Ehdr *)img->bytes;
}

/* The first PT_LOAD whose flags are exactly `flags`. */
static Elf64_Phdr *segment(struct image *img, uint32_t flags)
{
    Elf64_Ehdr *eh = ehdr(img);

    for (unsigned int i = 0; i < eh->e_phnum; i++) {
        Elf64_Phdr *ph = (Elf64_Phdr *)(img->bytes + eh->e_phoff + i * sizeof(Elf64_Phdr));
        if (ph->p_type == PT_LOAD && ph->p_flags == flags)
            return ph;
    }
    die("good image lacks a segment with flags", flags == (PF_R | PF_X) ? "R-X" : "R/RW");
    return NULL;
}

static struct image copy_of(const struct image *good)
{
    struct image img = {malloc(good->size), good->size};

    if (!img.bytes)
        die("out of memory", "");
    memcpy(img.bytes, good->bytes, good->size);
    return img;
}

/* Each variant breaks one rule of the builder's ELF checks. */
static void beyond_ram(struct image *img)
{
    segment(img, PF_R | PF_W)->p_vaddr = 0x40000000; /* 1 GiB: no test guest has that much */
}

static void overlapping(struct image *img)
{
    segment(img, PF_R)->p_vaddr = segment(img, PF_R | PF_X)->p_vaddr + 0x1000;
}

static void writable_text(struct image *img)
{
    segment(img, PF_R | PF_X)->p_flags |= PF_W;
}

static void phdrs_past_end(struct image *img)
{
    ehdr(img)->e_phoff = img->size - 16;
}

static void huge_segment(struct image *img)
{
    segment(img, PF_R | PF_W)->p_memsz = 0xffffffffffff0000ull; /* wraps the address space */
}

static void entry_in_data(struct image *img)
{
    ehdr(img)->e_entry = segment(img, PF_R)->p_vaddr;
}

struct variant {
    const char *name;
    void (*patch)(struct image *img);
};

static const struct variant variants[] = {
    {"bad-beyond-ram.elf", beyond_ram}, {"bad-overlap.elf", overlapping},
    {"bad-wx.elf", writable_text},      {"bad-phoff.elf", phdrs_past_end},
    {"bad-huge.elf", huge_segment},     {"bad-entry.elf", entry_in_data},
};

int main(int argc, char **argv)
{
    static const char not_elf[] = "This is a text file, not an ELF image. It is longer than an\n"
                                  "ELF header, so the builder must look at its magic number\n"
                                  "to refuse it.\n";
    struct image good;

    if (argc != 3) {
        fprintf(stderr, "usage: make_bad_images GOOD.elf OUTDIR\n");
        return 2;
    }
    good = read_image(argv[1]);
    for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
        struct image img = copy_of(&good);
        variants[i].patch(&img);
        write_file(argv[2], variants[i].name, img.bytes, img.size);
        free(img.bytes);
    }
    write_file(argv[2], "bad-truncated.elf", good.bytes, good.size / 2);
    write_file(argv[2], "bad-notelf.elf", not_elf, sizeof(not_elf) - 1);
    free(good.bytes);
    return 0;
}
