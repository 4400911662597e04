/*
 * trapentry.S: the ways into and out of the kernel.  Every entry builds
 * a struct trapframe on the kernel stack and calls C; every exit to user
 * mode goes through trapret (pop registers, iretq).
 *   vectors 0..47   exceptions and PIC interrupts -> trap(tf)
 *   syscall         the `syscall` instruction     -> syscall_trap(tf)
 *   compat syscall  `syscall` outside 64-bit mode -> trap(tf) as #UD
 */
#include "x86.h"

#define T_SYSCALL 256

.macro SAVE_REGS
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
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
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp          /* trapno, err */
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
