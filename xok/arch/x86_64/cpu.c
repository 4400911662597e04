/*
 * cpu.c: per-CPU descriptor tables (GDT, TSS, IDT), the syscall MSRs and
 * the FPU/SSE state every environment starts with.
 *
 * User code runs in 64-bit mode only.  The GDT holds exactly one code
 * segment ring 3 may load (0x28, 64-bit) and one data segment (0x20);
 * slot 0x18, which STAR's SYSRET layout names, is a null descriptor, so
 * a far return, far jump or IRET to a 32-bit segment faults in user mode
 * (#GP to the environment).  The LDTR is null and the GDT holds no call
 * gate.  CSTAR
 * still points at a handler that turns a compatibility-mode SYSCALL into
 * a #UD for its caller, and SYSENTER_CS is 0 so SYSENTER raises #GP.
 */
#include "../../kern.h"

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t ist, type;
	uint16_t off_mid;
	uint32_t off_hi, zero;
} __attribute__((packed));

struct dtr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

extern char kstack_top[], dfstack_top[];
extern uint64_t trap_vectors[48];
extern char syscall_entry[], syscall_compat_entry[];

static uint64_t gdt[8] __attribute__((aligned(16))) = {
	0,
	0x00AF9A000000FFFFULL,  /* 0x08 kernel code */
	0x00CF92000000FFFFULL,  /* 0x10 kernel data */
	0,                      /* 0x18 null: no 32-bit user code */
	0x00CFF2000000FFFFULL,  /* 0x20 user data */
	0x00AFFA000000FFFFULL,  /* 0x28 user code */
	0, 0,                   /* 0x30 TSS */
};
static struct tss tss __attribute__((aligned(16)));
static struct idt_gate idt[256] __attribute__((aligned(16)));
uint8_t fx_default[512] __attribute__((aligned(16)));
uint32_t mxcsr_mask;

static void
set_gate(int n, uint64_t handler, int dpl, int ist)
{
	idt[n].off_lo = handler & 0xffff;
	idt[n].sel = GD_KT;
	idt[n].ist = (uint8_t)ist;
	idt[n].type = (uint8_t)(0x8e | (dpl << 5));  /* interrupt gate */
	idt[n].off_mid = (handler >> 16) & 0xffff;
	idt[n].off_hi = (uint32_t)(handler >> 32);
	idt[n].zero = 0;
}

/*
 * Under KVM the kernel's memcpy and memset use rep string instructions
 * (xok/lib/string.c: on the project machines' nested KVM each kernel
 * instruction is slow and a rep is cheap; under TCG the loops are
 * faster).  KVM's CPUID signature is "KVMKVMKVM\0\0\0".
 */
static void
tune_strings(void)
{
	uint32_t a, b, c, d;

	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
	    : "a"(1), "c"(0));
	if (!(c & (1u << 31)))          /* no hypervisor */
		return;
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
	    : "a"(0x40000000), "c"(0));
	if (b == 0x4b4d564b && c == 0x564b4d56 && d == 0x4d) {
		xok_rep_strings = 1;
		kprintf("xok: KVM: memcpy and memset use rep movsq/stosq\n");
	}
}

void
cpu_init(void)
{
	uint64_t base = (uint64_t)&tss, limit = sizeof(tss) - 1;
	struct dtr gdtr = { sizeof(gdt) - 1, (uint64_t)gdt };
	struct dtr idtr = { sizeof(idt) - 1, (uint64_t)idt };
	int i;

	tss.rsp[0] = (uint64_t)kstack_top;
	tss.ist[0] = (uint64_t)dfstack_top;
	tss.iomap_base = sizeof(tss);           /* no I/O bitmap: no ports */
	gdt[6] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
	    (0x89ULL << 40) | (((limit >> 16) & 0xf) << 48) |
	    (((base >> 24) & 0xff) << 56);
	gdt[7] = base >> 32;
	__asm__ volatile("lgdt %0" :: "m"(gdtr));
	__asm__ volatile(
	    "movw %0, %%ax; movw %%ax, %%ds; movw %%ax, %%es; movw %%ax, %%ss;"
	    "pushq %1; leaq 1f(%%rip), %%rax; pushq %%rax; lretq; 1:"
	    :: "i"(GD_KD), "i"(GD_KT) : "rax", "memory");
	__asm__ volatile("ltr %w0" :: "r"(GD_TSS));
	/* No LDT.  The LDTR left by reset has base 0, limit 0xffff: any
	 * environment could map page 1 and use descriptors of its own
	 * (a 32-bit segment, a call gate into ring 0).  A null LDTR makes
	 * every LDT selector fault. */
	__asm__ volatile("lldt %w0" :: "r"(0));

	for (i = 0; i < 48; i++)
		set_gate(i, trap_vectors[i], (i == 3 || i == 4) ? 3 : 0,
		    i == 8 ? 1 : 0);
	__asm__ volatile("lidt %0" :: "m"(idtr));
	tune_strings();

	/* SYSCALL loads CS = 0x08, SS = 0x10.  The SYSRET half (0x18 + 16
	 * and + 8) is never used: the kernel leaves by IRET. */
	wrmsr(MSR_STAR, ((uint64_t)(GD_UT32 | 3) << 48) | ((uint64_t)GD_KT << 32));
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	wrmsr(MSR_CSTAR, (uint64_t)syscall_compat_entry);
	wrmsr(MSR_SYSENTER_CS, 0);
	/* Every flag the kernel must not run with: IF (the kernel runs with
	 * interrupts off), TF, DF, AC, and NT (IRET would raise #GP). */
	wrmsr(MSR_SFMASK, FL_IF | FL_TF | FL_DF | FL_AC | FL_NT | FL_RF);

	/* NE: x87 errors raise #MF in the environment (not FERR#/IRQ 13). */
	lcr0((rcr0() & ~(uint64_t)(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE);
	lcr4(rcr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	/* The state after fninit, with the default MXCSR: written out by
	 * hand, because some hypervisors cannot emulate ldmxcsr. */
	memset(fx_default, 0, sizeof(fx_default));
	fx_default[0] = 0x7f, fx_default[1] = 0x03;    /* FCW 0x037f */
	fx_default[24] = 0x80, fx_default[25] = 0x1f;  /* MXCSR 0x1f80 */
	/* The MXCSR bits this CPU accepts (an FXSAVE image says; 0 there
	 * means the architectural default 0xffbf): fxrstor of an image with
	 * any other bit set is a #GP, so ENV_SET_CONTEXT refuses it. */
	{
		static uint8_t img[512] __attribute__((aligned(16)));

		fxsave(img);
		memcpy(&mxcsr_mask, img + 28, sizeof(mxcsr_mask));
		if (mxcsr_mask == 0)
			mxcsr_mask = 0xffbf;
	}
	/* FS and GS bases: 0 until an environment sets its own (env_run);
	 * swapgs is never used, so the kernel's GS base is only cleared. */
	wrmsr(MSR_FSBASE, 0);
	wrmsr(MSR_GSBASE, 0);
	wrmsr(MSR_KERNEL_GSBASE, 0);
}
