/*
 * upcall.S: the entries the kernel starts an environment at to deliver
 * an event (rdi = rsp = struct xok_frame, 16-byte aligned).  Each saves
 * the FPU/SSE state, calls the C handler and then resumes the frame: the
 * interrupted context comes back without entering the kernel (registers
 * from the frame, then iretq on its last five words).
 */
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

	.text
	UPCALL exos_fault_entry, exos_fault_handler
	UPCALL exos_epilogue_entry, exos_epilogue_handler
	UPCALL exos_prologue_entry, exos_prologue_handler
	UPCALL exos_ipc_entry, exos_ipc_handler
	UPCALL exos_reflect_entry, exos_reflect_handler

	.globl exos_frame_resume
exos_frame_resume:
	movq %rdi, %rsp
	addq $40, %rsp          /* type, trapno, err, addr, info */
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
	iretq
