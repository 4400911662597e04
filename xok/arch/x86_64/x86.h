/*
 * x86.h: x86-64 constants and the few privileged instructions the kernel
 * uses, as inline functions.  Included by assembly too (constants only).
 */
#ifndef XOK_X86_H
#define XOK_X86_H

#define KERNBASE  0xFFFFFFFF80000000
#define PHYSBASE  0xFFFF800000000000
#define KSTACK_SIZE (4 * 4096)

#define PTE_P   0x001
#define PTE_W   0x002
#define PTE_U   0x004
#define PTE_PWT 0x008
#define PTE_PCD 0x010
#define PTE_A   0x020
#define PTE_D   0x040
#define PTE_PS  0x080
#define PTE_G   0x100

#define CR0_PE  0x00000001
#define CR0_MP  0x00000002
#define CR0_EM  0x00000004
#define CR0_TS  0x00000008
#define CR0_NE  0x00000020     /* x87 errors raise #MF, not FERR#/IRQ 13 */
#define CR0_WP  0x00010000
#define CR0_PG  0x80000000
#define CR4_PAE 0x00000020
#define CR4_PGE 0x00000080
#define CR4_OSFXSR     0x00000200
#define CR4_OSXMMEXCPT 0x00000400

#define MSR_EFER   0xC0000080
#define MSR_STAR   0xC0000081
#define MSR_LSTAR  0xC0000082
#define MSR_CSTAR  0xC0000083     /* SYSCALL from compatibility mode */
#define MSR_SFMASK 0xC0000084
#define MSR_SYSENTER_CS 0x174     /* 0: SYSENTER raises #GP */
#define MSR_FSBASE 0xC0000100
#define MSR_GSBASE 0xC0000101
#define MSR_KERNEL_GSBASE 0xC0000102  /* swapgs's; unused (no swapgs) */
#define EFER_SCE 0x001
#define EFER_LME 0x100
#define EFER_NXE 0x800

#define GD_KT  0x08     /* kernel code */
#define GD_KD  0x10     /* kernel data */
#define GD_UT32 0x18    /* null descriptor: STAR's sysret layout only */
#define GD_UD  0x20     /* user data */
#define GD_UT  0x28     /* user code (64-bit) */
#define GD_TSS 0x30

#define T_SYSCALL 256   /* trapno of a frame built by syscall_entry */

/* struct trapframe (kern.h, checked there), for trapentry.S: the
 * general registers, then trapno and err, then what iretq pops. */
#define TF_R15     0
#define TF_R14     8
#define TF_R13    16
#define TF_R12    24
#define TF_R11    32
#define TF_R10    40
#define TF_R9     48
#define TF_R8     56
#define TF_RBP    64
#define TF_RDI    72
#define TF_RSI    80
#define TF_RDX    88
#define TF_RCX    96
#define TF_RBX   104
#define TF_RAX   112
#define TF_TRAPNO 120
#define TF_ERR   128
#define TF_RIP   136
#define TF_CS    144
#define TF_RFLAGS 152
#define TF_RSP   160
#define TF_SS    168
#define TF_SIZE  176

#define FL_CF  0x001
#define FL_PF  0x004
#define FL_AF  0x010
#define FL_ZF  0x040
#define FL_SF  0x080
#define FL_TF  0x100
#define FL_IF  0x200
#define FL_DF  0x400
#define FL_OF  0x800
#define FL_IOPL_MASK 0x3000
#define FL_NT  0x4000
#define FL_RF  0x10000
#define FL_VM  0x20000
#define FL_AC  0x40000
#define FL_VIF 0x80000
#define FL_VIP 0x100000
#define FL_ID  0x200000
#define FL_RESERVED1 0x2        /* always 1 */
/* The flags an environment's context may carry back to user mode: the
 * arithmetic flags, TF (single-step: a #DB to itself), DF, RF, AC and
 * ID.  Never IOPL, VM, VIF/VIP, and never NT: it means nothing in
 * 64-bit mode except that IRET raises #GP. */
#define FL_USER (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_TF | FL_DF | \
	FL_OF | FL_RF | FL_AC | FL_ID)

#ifndef __ASSEMBLER__
#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v)
{ __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v)
{ __asm__ volatile("outw %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v)
{ __asm__ volatile("outl %0, %1" :: "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port)
{ uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint16_t inw(uint16_t port)
{ uint16_t v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint32_t inl(uint16_t port)
{ uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}
static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{ __asm__ volatile("wrmsr" :: "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))); }
static inline uint64_t rcr0(void)
{ uint64_t v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline void lcr0(uint64_t v) { __asm__ volatile("mov %0, %%cr0" :: "r"(v)); }
static inline uint64_t rcr2(void)
{ uint64_t v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline uint64_t rcr3(void)
{ uint64_t v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline void lcr3(uint64_t v) { __asm__ volatile("mov %0, %%cr3" :: "r"(v) : "memory"); }
static inline uint64_t rcr4(void)
{ uint64_t v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void lcr4(uint64_t v) { __asm__ volatile("mov %0, %%cr4" :: "r"(v)); }
static inline void invlpg(uint64_t va)
{ __asm__ volatile("invlpg (%0)" :: "r"(va) : "memory"); }
static inline uint64_t read_rbp(void)
{ uint64_t v; __asm__ volatile("mov %%rbp, %0" : "=r"(v)); return v; }
static inline void cli(void) { __asm__ volatile("cli"); }
static inline void clts(void) { __asm__ volatile("clts"); }
static inline void sti_hlt(void) { __asm__ volatile("sti; hlt; cli" ::: "memory"); }
/* The data segment registers: %ds %es %fs %gs, in that order.  The
 * kernel never uses them (64-bit mode), so they hold the current
 * environment's values while it runs. */
static inline void segs_save(uint16_t s[4])
{
	__asm__ volatile("movw %%ds, %0; movw %%es, %1; movw %%fs, %2; movw %%gs, %3"
	    : "=m"(s[0]), "=m"(s[1]), "=m"(s[2]), "=m"(s[3]));
}
static inline void segs_load(const uint16_t s[4])
{
	__asm__ volatile("movw %0, %%ds; movw %1, %%es; movw %2, %%fs; movw %3, %%gs"
	    :: "m"(s[0]), "m"(s[1]), "m"(s[2]), "m"(s[3]) : "memory");
}
static inline void fxsave(void *p) { __asm__ volatile("fxsave64 (%0)" :: "r"(p) : "memory"); }
static inline void fxrstor(void *p) { __asm__ volatile("fxrstor64 (%0)" :: "r"(p) : "memory"); }

#endif /* __ASSEMBLER__ */
#endif /* XOK_X86_H */
