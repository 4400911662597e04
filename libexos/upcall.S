/*
 * upcall.S: the entries the kernel starts an environment at to deliver
 * an event (rdi = rsp = struct xok_frame, 16-byte aligned).  Each saves
 * the FPU/SSE state, calls the C handler and then resumes the frame: the
 * interrupted context comes back without entering the kernel (registers
 * from the frame, then iretq on its last five words).  The frame's
 * layout is struct xok_frame, at the offsets of xok/frame.h.
 */
#include <xok/frame.h>
#include <xok/syscalls.h>
.macro UPCALL name, handler
	.globl \name
\name:
	movq %rdi, %rbx
	subq $528, %rsp
	fxsave64 (%rsp)
	movq \handler(%rip), %rax
	call *%rax
	fxrstor64 (%rsp)
	movq %rbx, %rdi
	jmp exos_frame_resume
.endm

/*
 * The same without saving the FPU/SSE state, for handlers built not to
 * touch it (-mno-sse -mno-mmx, like the kernel): save only what you use.
 */
.macro UPCALL_NOFP name, handler
	.globl \name
\name:
	movq %rdi, %rbx
	movq \handler(%rip), %rax
	call *%rax
	movq %rbx, %rdi
	jmp exos_frame_resume
.endm

	.text
	UPCALL exos_fault_entry, exos_fault_handler
	UPCALL_NOFP exos_fault_entry_nofp, exos_fault_handler
	UPCALL exos_epilogue_entry, exos_epilogue_handler
	UPCALL exos_prologue_entry, exos_prologue_handler
	UPCALL exos_reflect_entry, exos_reflect_handler

/*
 * IPC: rsi = caller, rdx, rcx, r8, r9 = words.  The handler fills in the
 * reply; IPC_REPLY sends it and returns 1 with the next call if one
 * arrives before we run on our own again, else 0: then resume the frame.
 */
	.globl exos_ipc_entry
exos_ipc_entry:
	movq %rdi, %rbx
	subq $528, %rsp
	fxsave64 (%rsp)
	subq $80, %rsp                  /* struct exos_ipc */
1:	movq %rsi, 0(%rsp)
	movq %rdx, 8(%rsp)
	movq %rcx, 16(%rsp)
	movq %r8, 24(%rsp)
	movq %r9, 32(%rsp)
	movq %rbx, %rdi
	movq %rsp, %rsi
	movq exos_ipc_handler(%rip), %rax
	call *%rax
	movq 0(%rsp), %rdi
	movq 40(%rsp), %rsi
	movq 48(%rsp), %rdx
	movq 56(%rsp), %r10
	movq 64(%rsp), %r8
	movq $XOK_SYS_IPC_REPLY, %rax
	syscall
	cmpq $1, %rax
	je 1b
	addq $80, %rsp
	fxrstor64 (%rsp)
	movq %rbx, %rdi
	jmp exos_frame_resume

