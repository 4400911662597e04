/*
 * resume.S: exos_frame_resume(frame) resumes the context saved in a
 * struct xok_frame (rdi) without entering the kernel: the registers from
 * the frame, then iretq on its last five words.  Every upcall entry
 * (upcall.S) and the POSIX layer's fault entry (posix/forkctx.S) end
 * here.
 */
#include <xok/frame.h>

	.text
	.globl exos_frame_resume
exos_frame_resume:
	movq %rdi, %rsp
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
	addq $XF_RIP, %rsp      /* to the iretq frame: rip cs rflags rsp ss */
	iretq
	.section .note.GNU-stack,"",@progbits
