/*
 * kfuzz_asm.S: the machine-level actions of the random kernel-call test
 * (kfuzz_child.c): a wild store, a crafted iretq, single-stepping into a
 * kernel call, a SIMD error, and the hazard classes of kfuzz.h (NT,
 * 32-bit compatibility mode, x87 errors).  Each action that can fault has
 * labels the caller's fault handler uses to resume past it.
 */
#include <xok/syscalls.h>         /* XOK_SYS_NULL */

	.text

/* kf_wild(addr, val): one 8-byte store.  Resume at kf_wild_end. */
	.globl kf_wild, kf_wild_insn, kf_wild_end
kf_wild:
kf_wild_insn:
	movq %rsi, (%rdi)
kf_wild_end:
	ret

/*
 * kf_iret(cs, rflags, ss): iretq to the next instruction with the given
 * cs, rflags and ss and the current stack.  If the iretq faults the
 * handler resumes at kf_iret_back with rsp + 40 (the frame popped).
 */
	.globl kf_iret, kf_iret_insn, kf_iret_back
kf_iret:
	movq %rsp, %rax
	pushq %rdx                      /* ss */
	pushq %rax                      /* rsp */
	pushq %rsi                      /* rflags */
	pushq %rdi                      /* cs */
	leaq kf_iret_back(%rip), %rax
	pushq %rax                      /* rip */
kf_iret_insn:
	iretq
kf_iret_back:
	ret

/*
 * kf_tf(call): set the trap flag, then make a kernel call (call != 0) or
 * run two instructions; the single-step trap goes to the handler, which
 * clears TF.  Clear TF here in case no trap came.
 */
	.globl kf_tf
kf_tf:
	pushfq
	orq $0x100, (%rsp)
	testq %rdi, %rdi
	jz 1f
	movq $XOK_SYS_NULL, %rax
	popfq
	syscall
	jmp 2f
1:	popfq
	nop
	nop
2:	pushfq
	andq $~0x100, (%rsp)
	popfq
	ret

/* kf_nt(): NT set with popfq, then a kernel call and some work (a timer
 * interrupt may come while NT is set), then NT cleared.  Hazard #1. */
	.globl kf_nt
kf_nt:
	pushfq
	orq $0x4000, (%rsp)
	popfq
	movq $XOK_SYS_NULL, %rax
	syscall
	movl $20000, %ecx
1:	decl %ecx
	jnz 1b
	pushfq
	andq $~0x4000, (%rsp)
	popfq
	ret

/*
 * kf_simd(): divide by zero with the SSE zero-divide exception unmasked:
 * #XM (or #UD).  The handler resumes at kf_simd_end, which restores the
 * default MXCSR.
 */
	.globl kf_simd, kf_simd_start, kf_simd_end
kf_simd:
kf_simd_start:
	movl $0x1d80, kf_mxcsr(%rip)    /* 0x1f80 without ZM */
	ldmxcsr kf_mxcsr(%rip)
	xorps %xmm0, %xmm0
	movl $1, %eax
	cvtsi2ss %eax, %xmm1
	divss %xmm0, %xmm1
kf_simd_end:
	movl $0x1f80, kf_mxcsr(%rip)
	ldmxcsr kf_mxcsr(%rip)
	ret

/*
 * kf_x87(): an unmasked invalid operation (sqrt of -1), then fwait: #MF
 * (hazard #3).  The handler resumes at kf_x87_end, which clears the
 * exception with fninit.
 */
	.globl kf_x87, kf_x87_start, kf_x87_end
kf_x87:
kf_x87_start:
	fninit
	fnstcw kf_fcw(%rip)
	andw $0xffc0, kf_fcw(%rip)
	fldcw kf_fcw(%rip)
	fld1
	fchs
	fsqrt
	fwait
	fld1
	fwait
kf_x87_end:
	fninit
	ret

/*
 * kf_compat(variant): far return into the 32-bit code segment (0x1b),
 * hazard #2.  Variant 0 jumps straight back, 1 makes a kernel call from
 * 32-bit mode, 2 faults there (ud2), 3 spins there for a while (timer
 * interrupts arrive in 32-bit mode).  The stack is not used in 32-bit
 * mode (it lies above 4 GiB); kf_compat_back restores rsp.
 */
	.globl kf_compat, kf_compat_back
kf_compat:
	movq %rsp, kf_saved_rsp(%rip)
	pushq $0x1b
	leaq kf_c32(%rip), %rax
	pushq %rax
	lretq
	.code32
kf_c32:
	cmpl $1, %edi
	je 1f
	cmpl $2, %edi
	je 2f
	cmpl $3, %edi
	je 3f
	ljmp $0x2b, $kf_compat_back
1:	movl $XOK_SYS_NULL, %eax
	syscall
	ljmp $0x2b, $kf_compat_back
2:	ud2
	ljmp $0x2b, $kf_compat_back
3:	movl $300000, %ecx
4:	decl %ecx
	jnz 4b
	ljmp $0x2b, $kf_compat_back
	.code64
kf_compat_back:
	movq kf_saved_rsp(%rip), %rsp
	ret

/* kf_getsegs(u16 out[4]): ds, es, fs, gs. */
	.globl kf_getsegs
kf_getsegs:
	movw %ds, 0(%rdi)
	movw %es, 2(%rdi)
	movw %fs, 4(%rdi)
	movw %gs, 6(%rdi)
	ret

	.bss
	.align 8
	.globl kf_saved_rsp
kf_saved_rsp:	.quad 0
kf_mxcsr:	.long 0
kf_fcw:		.word 0
	.section .note.GNU-stack,"",@progbits
