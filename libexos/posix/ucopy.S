/*
 * ucopy.S: the only instructions of the POSIX layer that touch a
 * program's memory on behalf of a call (uaccess.c), and their recovery
 * point, like a kernel's exception table.  px_fault (fork.c) sees a
 * page fault or #GP whose rip lies in [px_ucopy_begin, px_ucopy_end)
 * that no other handler took (copy-on-write, lazy fill): it resumes at
 * px_ucopy_fault, which returns -EFAULT (14) from the copy routine.
 * The routines are leaves with nothing on the stack, so returning from
 * the recovery point returns to their caller.
 *
 * long px_ucopy(void *dst, const void *src, size_t n): 0 or -EFAULT.
 * long px_ustrcpy(char *dst, const char *src, size_t max): the string's
 *   length (its NUL copied too), -1 if no NUL in max bytes, or -EFAULT.
 * long px_ufill(void *dst, size_t n): zero n bytes, 0 or -EFAULT.
 * long px_ustrnlen(const char *s, size_t max): the length of s, max if
 *   there is no NUL in max bytes, or -EFAULT.
 */
	.text
	.globl px_ucopy_begin, px_ucopy_end, px_ucopy_fault
	.globl px_ucopy, px_ustrcpy, px_ufill, px_ustrnlen
px_ucopy_begin:

	.type px_ucopy,@function
px_ucopy:
	mov %rdx, %rcx
	rep movsb
	xor %eax, %eax
	ret

	.type px_ustrcpy,@function
px_ustrcpy:
	xor %eax, %eax
1:	cmp %rdx, %rax
	je 2f
	movzbl (%rsi,%rax), %ecx
	movb %cl, (%rdi,%rax)
	test %ecx, %ecx
	jz 3f
	inc %rax
	jmp 1b
2:	mov $-1, %rax
3:	ret

	.type px_ufill,@function
px_ufill:
	mov %rsi, %rcx
	xor %eax, %eax
	rep stosb
	ret

	.type px_ustrnlen,@function
px_ustrnlen:
	xor %eax, %eax
1:	cmp %rsi, %rax
	je 2f
	cmpb $0, (%rdi,%rax)
	je 2f
	inc %rax
	jmp 1b
2:	ret

px_ucopy_end:
px_ucopy_fault:
	mov $-14, %rax          /* -EFAULT */
	cld
	ret
	.section .note.GNU-stack,"",@progbits
