/*
 * forkctx.S: the machine side of fork and of the copy-on-write fault
 * handler.
 *
 * px_ctx_save(struct xok_context *c) stores the caller's callee-saved
 * registers, its stack pointer and return address, rflags and the
 * FPU/SSE state (fxsave64) in c, with rax = 1, and returns 0.  A child
 * started from c (ENV_SET_CONTEXT) returns 1 from the same call, like a
 * second return of setjmp: every register the C ABI keeps across a call
 * is the parent's, and so are the FPU control word, MXCSR and the
 * vector registers.
 *
 * px_fault_entry is the XOK_UP_FAULT entry (rdi = rsp = the frame):
 * save the FPU/SSE state, call px_fault(frame, fx), restore and resume the
 * frame without entering the kernel.
 */
#include <xok/frame.h>

/* offsets in struct xok_context (xok/abi.h) */
#define C_R15 0
#define C_R14 8
#define C_R13 16
#define C_R12 24
#define C_RBP 64
#define C_RBX 104
#define C_RAX 112
#define C_RIP 120
#define C_RFLAGS 128
#define C_RSP 136
#define C_FX 176

	.text
	.globl px_ctx_save
	.type px_ctx_save,@function
px_ctx_save:
	movq %r15, C_R15(%rdi)
	movq %r14, C_R14(%rdi)
	movq %r13, C_R13(%rdi)
	movq %r12, C_R12(%rdi)
	movq %rbp, C_RBP(%rdi)
	movq %rbx, C_RBX(%rdi)
	movq $1, C_RAX(%rdi)
	movq (%rsp), %rax
	movq %rax, C_RIP(%rdi)
	leaq 8(%rsp), %rax
	movq %rax, C_RSP(%rdi)
	pushfq
	popq %rax
	movq %rax, C_RFLAGS(%rdi)
	fxsave64 C_FX(%rdi)
	xorl %eax, %eax
	ret

/* A clone child given a stack starts here with %rsp = newsp (a call's
 * return address at the top, as musl's __clone lays it out): its
 * libOS set-up (px_clone_child), then "return 0" to that address. */
	.globl px_clone_entry
	.type px_clone_entry,@function
px_clone_entry:
	subq $8, %rsp
	call px_clone_child
	addq $8, %rsp
	xorl %eax, %eax
	ret

	.globl px_fault_entry
	.type px_fault_entry,@function
px_fault_entry:
	movq %rdi, %rbx
	subq $528, %rsp
	fxsave64 (%rsp)
	movq %rsp, %rsi                 /* px_fault(frame, fx) */
	call px_fault
	fxrstor64 (%rsp)
	movq %rbx, %rdi
	jmp exos_frame_resume
	.section .note.GNU-stack,"",@progbits
