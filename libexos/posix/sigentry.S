/*
 * sigentry.S: the machine side of signals (docs/ARCHITECTURE.md,
 * "Signals in the libOS").
 *
 * __exos_syscall(n, a1..a6) is the POSIX layer's one entry (musl calls
 * it for every system call): it saves the call as it came (struct
 * px_sysctx, sig.h: the arguments, the registers the C ABI keeps, the
 * stack pointer), raises the critical-section counter px_sig_depth and
 * calls px_syscall(ctx) (dispatch.c).  A signal due at the end of the
 * call is delivered from that record: the handler's frame says "return
 * from __exos_syscall with this value", or "make the call again"
 * (SA_RESTART).
 *
 * px_sig_resume(frame, fx) resumes a struct xok_frame and an FXSAVE
 * image without the kernel (as exos_frame_resume does), lowering
 * px_sig_depth on the way: the epilogue upcall does not deliver while
 * the interrupted rip is in [px_sig_resume, px_sig_resume_end).
 *
 * px_sig_epilogue_entry is the XOK_UP_EPILOGUE entry: px_sig_epilogue
 * yields and may point the frame at px_sig_async_entry, which runs on
 * the program's stack (below its red zone) and calls px_sig_async.
 */
#include <xok/frame.h>

#define SC_SIZE 104                     /* struct px_sysctx */

	.text
	.globl __exos_syscall
	.type __exos_syscall,@function
__exos_syscall:
	subq $SC_SIZE, %rsp
	movq %rdi, 0(%rsp)
	movq %rsi, 8(%rsp)
	movq %rdx, 16(%rsp)
	movq %rcx, 24(%rsp)
	movq %r8, 32(%rsp)
	movq %r9, 40(%rsp)
	movq %rbx, 48(%rsp)
	movq %rbp, 56(%rsp)
	movq %r12, 64(%rsp)
	movq %r13, 72(%rsp)
	movq %r14, 80(%rsp)
	movq %r15, 88(%rsp)
	leaq SC_SIZE(%rsp), %rax
	movq %rax, 96(%rsp)
	incq px_sig_depth(%rip)
	movq %rsp, %rdi
	call px_syscall
	decq px_sig_depth(%rip)
	addq $SC_SIZE, %rsp
	ret
	.size __exos_syscall,.-__exos_syscall

	.globl px_sig_resume, px_sig_resume_end
	.type px_sig_resume,@function
px_sig_resume:
	fxrstor64 (%rsi)
	movq %rdi, %rsp
	decq px_sig_depth(%rip)
	movq XF_R15(%rsp), %r15
	movq XF_R14(%rsp), %r14
	movq XF_R13(%rsp), %r13
	movq XF_R12(%rsp), %r12
	movq XF_R11(%rsp), %r11
	movq XF_R10(%rsp), %r10
	movq XF_R9(%rsp), %r9
	movq XF_R8(%rsp), %r8
	movq XF_RBP(%rsp), %rbp
	movq XF_RDI(%rsp), %rdi
	movq XF_RSI(%rsp), %rsi
	movq XF_RDX(%rsp), %rdx
	movq XF_RCX(%rsp), %rcx
	movq XF_RBX(%rsp), %rbx
	movq XF_RAX(%rsp), %rax
	addq $XF_RIP, %rsp
	iretq
px_sig_resume_end:
	.size px_sig_resume,.-px_sig_resume

	.globl px_sig_epilogue_entry
	.type px_sig_epilogue_entry,@function
px_sig_epilogue_entry:
	movq %rdi, %rbx
	subq $528, %rsp
	fxsave64 (%rsp)
	movq %rsp, %rsi
	call px_sig_epilogue
	fxrstor64 (%rsp)
	movq %rbx, %rdi
	jmp exos_frame_resume
	.size px_sig_epilogue_entry,.-px_sig_epilogue_entry

/* The return address of a handler installed without SA_RESTORER. */
	.globl px_sig_restorer
	.type px_sig_restorer,@function
px_sig_restorer:
	movl $15, %edi                  /* SYS_rt_sigreturn */
	call __exos_syscall
	ud2
	.size px_sig_restorer,.-px_sig_restorer

	.globl px_sig_async_entry
	.type px_sig_async_entry,@function
px_sig_async_entry:
	andq $-16, %rsp
	call px_sig_async
	ud2
	.size px_sig_async_entry,.-px_sig_async_entry
	.section .note.GNU-stack,"",@progbits
