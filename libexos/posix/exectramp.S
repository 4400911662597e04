/*
 * exectramp.S: the last step of execve (exec.c), copied to a page of
 * its own outside both images because it unmaps the old image it was
 * called from.  %rdi points to the plan (struct px_exec_hdr): run its
 * kernel calls in order (unmap the old image and stack, map the new
 * pages), each whose expected result is not -1 must return exactly that;
 * then enter the new image at its entry with the new stack, %rsi =
 * PX_EXEC_MAGIC (posix.h) and %rdx = the plan, which the new image's
 * start code frees.  If a call fails the old image is gone: the
 * process dies with status 137 (128 + SIGKILL), as Linux kills a
 * process whose exec fails past the point of no return.
 * Position-independent, no stack, no data.
 */
#include <xok/syscalls.h>

	.text
	.globl px_exec_tramp, px_exec_tramp_end
px_exec_tramp:
	mov %rdi, %rbx
	mov 0(%rbx), %r12               /* nops */
	lea 72(%rbx), %r13              /* ops (after the 9-word header) */
1:	test %r12, %r12
	jz 3f
	mov 0(%r13), %rax
	mov 8(%r13), %rdi
	mov 16(%r13), %rsi
	mov 24(%r13), %rdx
	mov 32(%r13), %r10
	mov 40(%r13), %r8
	mov 48(%r13), %r9
	syscall
	mov 56(%r13), %rcx
	cmp $-1, %rcx
	je 2f
	cmp %rcx, %rax
	jne 4f
2:	add $64, %r13
	dec %r12
	jmp 1b
3:	mov 8(%rbx), %rsp
	mov 16(%rbx), %rcx
	mov %rbx, %rdx
	movabs $0x4558454358454321, %rsi        /* PX_EXEC_MAGIC */
	xor %eax, %eax
	xor %ebx, %ebx
	xor %ebp, %ebp
	xor %edi, %edi
	xor %r8d, %r8d
	xor %r9d, %r9d
	xor %r10d, %r10d
	xor %r11d, %r11d
	xor %r12d, %r12d
	xor %r13d, %r13d
	xor %r14d, %r14d
	xor %r15d, %r15d
	jmp *%rcx
4:	mov $XOK_SYS_SHUTDOWN, %eax     /* the first process: end QEMU */
	xor %edi, %edi
	mov $137, %esi
	syscall
	mov $XOK_SYS_ENV_DESTROY, %eax
	xor %edi, %edi
	xor %esi, %esi
	mov $137, %edx
	syscall
5:	mov $XOK_SYS_YIELD, %eax
	xor %edi, %edi
	syscall
	jmp 5b
px_exec_tramp_end:
	.section .note.GNU-stack,"",@progbits
