/* crt1.S: the entry of a program built with exos-cc (installed as
 * exos-crt1.o).  The kernel (or a parent's loader) starts it with a
 * stack and no Linux start block; __exos_start (start.c) builds one and
 * enters musl. */
	.text
	.globl _start
	.type _start,@function
_start:
	xor %ebp,%ebp
	mov %rsp,%rdi
	and $-16,%rsp
	call __exos_start
	hlt
	.section .note.GNU-stack,"",@progbits
