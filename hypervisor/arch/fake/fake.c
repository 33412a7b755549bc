/*
 * fake.c - the fake architecture: the arch interface (skiff/arch.h) on the
 * host, so the portable core runs in unit tests and fuzzers. Machine memory
 * is a host buffer, the console is a string, and the arch-specific
 * hypercalls are stubs that return -ENOSYS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arch/fake.h>
#include <public/sysctl.h>
#include <skiff/arch.h>
#include <skiff/domain.h>
#include <skiff/errno.h>
#include <skiff/frame.h>
#include <skiff/hypercall.h>

#define CONSOLE_CAP (1 << 20)

static uint8_t *mem_base;
static size_t mem_size;
static uint64_t *pool_bitmap;
static char console_buf[CONSOLE_CAP + 1];
static size_t console_len;
static char input_buf[4096];
static size_t input_head, input_len;

jmp_buf *fake_exit_jmp;
unsigned int fake_exit_code;

void fake_machine_init(size_t bytes)
{
    size_t frames = bytes / PAGE_SIZE;

    mem_size = frames * PAGE_SIZE;
    mem_base = aligned_alloc(PAGE_SIZE, mem_size);
    if (!mem_base)
        abort();
    memset(mem_base, 0x5a, mem_size); /* not zero: callers must zero what they use */
    pool_bitmap = calloc(1, frame_pool_bitmap_bytes(frames));
    frame_pool_init(&hv_frames, 0, frames, pool_bitmap);
    frame_pool_add(&hv_frames, mfn(1), frames - 1);
    fake_pages_mapped = fake_tlb_flushes = 0;
    fake_map_page_error = 0;
    fake_console_clear();
    input_head = input_len = 0;
}

void fake_machine_fini(void)
{
    free(mem_base);
    free(pool_bitmap);
    mem_base = NULL;
    pool_bitmap = NULL;
}

void *arch_maddr_to_virt(maddr_t ma)
{
    if (ma.ma >= mem_size)
        abort();
    return mem_base + ma.ma;
}

maddr_t arch_virt_to_maddr(const void *va)
{
    const uint8_t *p = va;

    if (p < mem_base || p >= mem_base + mem_size)
        abort();
    return maddr((uint64_t)(p - mem_base));
}

const char *fake_console_output(void)
{
    console_buf[console_len] = '\0';
    return console_buf;
}

void fake_console_clear(void)
{
    console_len = 0;
    console_buf[0] = '\0';
}

void fake_console_input(const char *s)
{
    size_t n = strlen(s);

    if (n > sizeof(input_buf) - input_len)
        n = sizeof(input_buf) - input_len;
    memcpy(input_buf + input_len, s, n);
    input_len += n;
}

void arch_console_putc(char c)
{
    if (console_len < CONSOLE_CAP)
        console_buf[console_len++] = c;
}

int arch_console_getc(void)
{
    if (input_head == input_len)
        return -1;
    return (unsigned char)input_buf[input_head++];
}

noreturn void arch_machine_exit(unsigned int code)
{
    fake_exit_code = code;
    if (fake_exit_jmp)
        longjmp(*fake_exit_jmp, (int)code + 1);
    fprintf(stderr, "fake arch: machine exit 0x%x\n%s\n", code, fake_console_output());
    abort();
}

void arch_dump_stack(void)
{
}

int arch_domain_init(struct domain *d)
{
    mfn_t f = frame_alloc();

    if (!mfn_valid(f))
        return -ENOMEM;
    d->arch.root_mfn = f.mfn;
    return 0;
}

void arch_domain_destroy(struct domain *d)
{
    if (d->arch.root_mfn)
        frame_free(mfn(d->arch.root_mfn));
    d->arch.root_mfn = 0;
}

int arch_domain_map_ram(struct domain *d)
{
    d->arch.mapped = true;
    return 0;
}

void arch_vcpu_init(struct vcpu *v, uint64_t entry, uint64_t stack, uint64_t arg0)
{
    v->arch.entry = entry;
    v->arch.stack = stack;
    v->arch.arg0 = arg0;
}

void arch_vcpu_dump(const struct vcpu *v)
{
    (void)v;
}

noreturn void arch_vcpu_run(struct vcpu *v)
{
    (void)v;
    if (fake_exit_jmp)
        longjmp(*fake_exit_jmp, FAKE_RUN_VCPU);
    abort();
}

noreturn void arch_idle(void)
{
    if (fake_exit_jmp)
        longjmp(*fake_exit_jmp, FAKE_IDLE);
    abort();
}

void arch_vcpu_set_retval(struct vcpu *v, long value)
{
    v->arch.retval = value;
}

void arch_vcpu_destroy(struct vcpu *v)
{
    (void)v;
}

uint64_t fake_pages_mapped;
uint64_t fake_tlb_flushes;
int fake_map_page_error;

int arch_map_page(struct domain *d, uint64_t gfn, mfn_t f, uint64_t perms)
{
    (void)d;
    (void)gfn;
    (void)f;
    (void)perms;
    if (fake_map_page_error)
        return fake_map_page_error;
    fake_pages_mapped++;
    return 0;
}

void arch_unmap_page(struct domain *d, uint64_t gfn)
{
    (void)d;
    (void)gfn;
    fake_pages_mapped--;
    fake_tlb_flushes++; /* the "TLB" is flushed before this returns */
}

uint64_t fake_cycles;
uint64_t fake_timer_deadline;

uint64_t arch_cycles(void)
{
    return fake_cycles;
}

void arch_timer_program(uint64_t deadline)
{
    fake_timer_deadline = deadline;
}

void arch_fill_hypercall_page(void *page)
{
    memset(page, 0xcc, PAGE_SIZE);
    memcpy(page, "FAKEHCPG", 8);
}

uint64_t arch_guest_va_limit(void)
{
    return 1ull << 47;
}

void arch_fill_physinfo(struct skiff_sysctl_physinfo *pi)
{
    pi->nr_cpus = 1;
    pi->cpu_khz = 1000000;
    pi->lapic_khz = 1000;
}

void arch_hypercall_continue(struct vcpu *v, uint64_t nr, const struct hypercall_args *args)
{
    v->arch.continued = true;
    v->arch.cont_nr = nr;
    memcpy(v->arch.cont_args, args->arg, sizeof(v->arch.cont_args));
}

long do_iret(struct vcpu *v, const struct hypercall_args *args)
{
    return -ENOSYS;
}

long do_set_trap_table(struct vcpu *v, const struct hypercall_args *args)
{
    return -ENOSYS;
}

long do_set_segment_base(struct vcpu *v, const struct hypercall_args *args)
{
    return -ENOSYS;
}

/* ---- host stand-ins for Skiff's libc subset (arch/host_compat.h) ---- */

size_t strlcpy(char *restrict dst, const char *restrict src, size_t size)
{
    size_t len = strlen(src);

    if (size > 0) {
        size_t n = len < size - 1 ? len : size - 1;
        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}

int vformat(format_emit_fn *emit, void *ctx, const char *fmt, va_list ap)
{
    char buf[4096];
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);

    if (n > 0)
        emit(ctx, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
    return n;
}

/* ---- device interrupts: a fake IOAPIC ---- */

unsigned int fake_gsi_count = 24;
struct fake_gsi fake_gsis[32];

unsigned int arch_gsi_count(void)
{
    return fake_gsi_count;
}

bool arch_gsi_hv_owned(unsigned int gsi)
{
    return gsi == 0 || gsi == 2 || gsi == 4 || gsi == 8;
}

void arch_gsi_setup(unsigned int gsi, bool level, bool active_low)
{
    if (gsi >= 32)
        abort();
    fake_gsis[gsi].routed = true;
    fake_gsis[gsi].level = level;
    fake_gsis[gsi].active_low = active_low;
    fake_gsis[gsi].masked = true;
}

void arch_gsi_mask(unsigned int gsi)
{
    if (gsi >= 32)
        abort();
    fake_gsis[gsi].masked = true;
}

void arch_gsi_unmask(unsigned int gsi)
{
    if (gsi >= 32 || !fake_gsis[gsi].routed)
        abort(); /* the core unmasked a pin it never routed */
    fake_gsis[gsi].masked = false;
    fake_gsis[gsi].unmasks++;
}

/* ---- device memory: frames 0xfe000-0xfefff are "MMIO", 0xfee00 is the LAPIC ---- */

bool arch_mmio_frame_ok(uint64_t mfn)
{
    return mfn >= 0xfe000 && mfn < 0xff000 && mfn != 0xfee00 && mfn != 0xfec00;
}
