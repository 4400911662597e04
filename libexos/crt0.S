/* crt0.S: program entry.  rdi = the argument the parent passed. */
	.text
	.globl _start
_start:
	xorq %rbp, %rbp
	andq $-16, %rsp
	pushq %rdi
	pushq %rdi
	call exos_init
	popq %rdi
	popq %rdi
	call main
	movl %eax, %edi
	call exit
1:	jmp 1b
