/*
 * trapentry.S: the ways into and out of the kernel.  Every entry builds
 * a struct trapframe on the kernel stack and calls C; every exit to user
 * mode goes through trapret (pop registers, iretq).
 *   vectors 0..47   exceptions and PIC interrupts -> trap(tf)
 *   syscall         the `syscall` instruction     -> syscall_trap(tf)
 *   compat syscall  `syscall` outside 64-bit mode -> trap(tf) as #UD
 */
#include "x86.h"

/* Below trapno and err (pushed already): the general registers of
 * struct trapframe, each at its TF_* offset (x86.h; kern.h checks them
 * against the structure). */
.macro SAVE_REGS
	subq $TF_TRAPNO, %rsp
	movq %r15, TF_R15(%rsp)
	movq %r14, TF_R14(%rsp)
	movq %r13, TF_R13(%rsp)
	movq %r12, TF_R12(%rsp)
	movq %r11, TF_R11(%rsp)
	movq %r10, TF_R10(%rsp)
	movq %r9, TF_R9(%rsp)
	movq %r8, TF_R8(%rsp)
	movq %rbp, TF_RBP(%rsp)
	movq %rdi, TF_RDI(%rsp)
	movq %rsi, TF_RSI(%rsp)
	movq %rdx, TF_RDX(%rsp)
	movq %rcx, TF_RCX(%rsp)
	movq %rbx, TF_RBX(%rsp)
	movq %rax, TF_RAX(%rsp)
.endm

.macro VEC n, haserr
	.text
	.align 16
vec\n:
	.if \haserr == 0
	pushq $0
	.endif
	pushq $\n
	jmp alltraps
	.section .rodata
	.quad vec\n
.endm

	.section .rodata
	.align 8
	.globl trap_vectors
trap_vectors:
	VEC 0,0
	VEC 1,0
	VEC 2,0
	VEC 3,0
	VEC 4,0
	VEC 5,0
	VEC 6,0
	VEC 7,0
	VEC 8,1
	VEC 9,0
	VEC 10,1
	VEC 11,1
	VEC 12,1
	VEC 13,1
	VEC 14,1
	VEC 15,0
	VEC 16,0
	VEC 17,1
	VEC 18,0
	VEC 19,0
	VEC 20,0
	VEC 21,1
	VEC 22,0
	VEC 23,0
	VEC 24,0
	VEC 25,0
	VEC 26,0
	VEC 27,0
	VEC 28,0
	VEC 29,1
	VEC 30,1
	VEC 31,0
	VEC 32,0
	VEC 33,0
	VEC 34,0
	VEC 35,0
	VEC 36,0
	VEC 37,0
	VEC 38,0
	VEC 39,0
	VEC 40,0
	VEC 41,0
	VEC 42,0
	VEC 43,0
	VEC 44,0
	VEC 45,0
	VEC 46,0
	VEC 47,0

	.text
alltraps:
	cld
	SAVE_REGS
	movq %rsp, %rdi
	xorq %rbp, %rbp
	call trap
	/* trap() returns only for traps taken in kernel mode */
	jmp trapret

/*
 * syscall: rcx = user rip, r11 = user rflags, rsp still the user stack,
 * interrupts off (SFMASK).  The kernel stack is empty whenever user code
 * runs, so start at its top.
 */
	.globl syscall_entry
syscall_entry:
	movq %rsp, user_rsp_scratch(%rip)
	movq $kstack_top, %rsp
	pushq $(GD_UD | 3)
	pushq user_rsp_scratch(%rip)
	pushq %r11
	pushq $(GD_UT | 3)
	pushq %rcx
	pushq $0
	pushq $T_SYSCALL
	cld
	SAVE_REGS
	movq %rsp, %rdi
	xorq %rbp, %rbp
	call syscall_trap
	jmp trapret

/*
 * SYSCALL from compatibility mode (CSTAR).  User code cannot reach
 * compatibility mode (no 32-bit code segment in the GDT, no LDT); if it
 * ever did, the call is refused the way Intel CPUs refuse it: a #UD at
 * the syscall instruction, delivered to the environment as a fault.
 */
	.globl syscall_compat_entry
syscall_compat_entry:
	movq %rsp, user_rsp_scratch(%rip)
	movq $kstack_top, %rsp
	pushq $(GD_UD | 3)
	pushq user_rsp_scratch(%rip)
	pushq %r11
	pushq $(GD_UT32 | 3)
	subq $2, %rcx           /* back to the syscall instruction */
	pushq %rcx
	pushq $0
	pushq $6                /* #UD */
	cld
	SAVE_REGS
	movq %rsp, %rdi
	xorq %rbp, %rbp
	call trap
	jmp trapret

/* trapret: restore the frame at rsp and leave the kernel. */
	.globl trapret
trapret:
	movq TF_R15(%rsp), %r15
	movq TF_R14(%rsp), %r14
	movq TF_R13(%rsp), %r13
	movq TF_R12(%rsp), %r12
	movq TF_R11(%rsp), %r11
	movq TF_R10(%rsp), %r10
	movq TF_R9(%rsp), %r9
	movq TF_R8(%rsp), %r8
	movq TF_RBP(%rsp), %rbp
	movq TF_RDI(%rsp), %rdi
	movq TF_RSI(%rsp), %rsi
	movq TF_RDX(%rsp), %rdx
	movq TF_RCX(%rsp), %rcx
	movq TF_RBX(%rsp), %rbx
	movq TF_RAX(%rsp), %rax
	addq $TF_RIP, %rsp      /* to the iretq frame */
	iretq

/* tf_pop(tf): load a saved frame and leave; does not return. */
	.globl tf_pop
tf_pop:
	movq %rdi, %rsp
	jmp trapret

	.data
	.align 8
user_rsp_scratch:
	.quad 0
