/*
 * trap.c: exceptions and interrupts.  A trap from user mode saves the
 * context in the current environment and is either an interrupt (the
 * clock drives the scheduler) or an exception delivered to the
 * environment's fault handler.  A trap in kernel mode is an interrupt
 * taken while idle, or a kernel bug (panic).
 */
#include "kern.h"
#include "dev/virtio_blk.h"
#include "dev/virtio_net.h"

extern char syscall_entry[];

static const char *const trapname[] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow",
	"bound", "invalid opcode", "no FPU", "double fault", "?",
	"invalid TSS", "segment not present", "stack fault",
	"general protection", "page fault", "?", "x87 error",
	"alignment check", "machine check", "SIMD error",
};

/*
 * Every exception a user can cause (0-31, including #MF 16 and #XM 19:
 * CR0.NE and CR4.OSXMMEXCPT are set) is delivered to the environment as
 * a fault upcall.  IRQ 13 (the legacy FERR# path) stays masked; if it
 * came anyway it would only be acknowledged.
 */

static void
irq(int n)
{
	if ((n == 7 || n == 15) && pic_spurious(n))
		return;
	if (n == vblk_irq())
		vblk_intr();    /* level-triggered: quiet the device, then EOI */
	if (n == CONS_IRQ)
		consin_intr();  /* console input into the kernel's ring */
	if (n == vnet_irq())
		vnet_intr();    /* the line may be shared with the disk */
	pic_eoi(n);
	if (n == 0)
		clock_tick();
}

void
trap(struct trapframe *tf)
{
	uint64_t n = tf->trapno;

	if ((tf->cs & 3) == 0) {
		if (n >= T_IRQ0 && n < T_IRQ0 + 16) {
			irq((int)(n - T_IRQ0));
			return;
		}
		kprintf("\nxok: kernel trap %lu (%s) err %lx rip %lx cr2 %lx\n",
		    n, n < ARRAY_SIZE(trapname) ? trapname[n] : "?", tf->err,
		    tf->rip, rcr2());
		backtrace(tf->rbp);
		panic("kernel trap");
	}

	/*
	 * Some nested hypervisors (KVM on the project's CI machines) carry
	 * out SYSCALL without raising the privilege level: the CPU arrives
	 * at syscall_entry still in user mode and faults on the fetch.  The
	 * registers are those of a real SYSCALL (rcx = return address,
	 * r11 = rflags), so finish the job here.
	 */
	if (n == T_PGFLT && tf->rip == (uint64_t)syscall_entry &&
	    (tf->err & 0x15) == 0x15 && tf->rcx < XOK_UVA_END) {
		tf->rip = tf->rcx;
		tf->rflags = (tf->r11 & FL_USER) | FL_IF | FL_RESERVED1;
		syscall_trap(tf);
	}

	curenv->tf = *tf;
	if (n >= T_IRQ0 && n < T_IRQ0 + 16) {
		irq((int)(n - T_IRQ0));
		if (n == T_IRQ0)
			sched_tick();
		env_run(curenv);
	}
	deliver_fault(curenv, n, tf->err, n == T_PGFLT ? rcr2() : 0);
	if (!curenv)
		sched();
	env_run(curenv);
}
