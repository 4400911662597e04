/*
 * boot.S: multiboot (v1) entry.  QEMU's -kernel loads the flat image at
 * 1 MiB and jumps to start32 in 32-bit protected mode with paging off.
 * We build the boot page tables (identity map of the first 4 GiB, the
 * same 4 GiB at PHYSBASE, and the kernel image at KERNBASE), enter long
 * mode and call kmain(magic, info) on the kernel stack.
 */
#include "x86.h"

#define MB_MAGIC  0x1BADB002
#define MB_FLAGS  ((1 << 0) | (1 << 1) | (1 << 16))  /* align, mem, addrs */
#define V2P(x)    ((x) - KERNBASE)

	.section .boot.header, "a"
	.align 4
mb_header:
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)
	.long mb_header                 /* header_addr */
	.long _kernel_start_phys        /* load_addr */
	.long _load_end_phys            /* load_end_addr */
	.long _bss_end_phys             /* bss_end_addr */
	.long start32                   /* entry_addr */

	.section .boot, "ax"
	.code32
	.globl start32
start32:
	cli
	movl %eax, %edi                 /* multiboot magic */
	movl %ebx, %esi                 /* multiboot info (physical) */
	movl $V2P(boot_stack_top), %esp

	/* 4 page directories of 2 MiB pages: physical 0..4 GiB */
	movl $V2P(boot_pd), %ebx
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $21, %eax
	orl $(PTE_P | PTE_W | PTE_PS), %eax
	movl %eax, (%ebx, %ecx, 8)
	movl %ecx, %eax
	shrl $11, %eax                  /* high bits of ecx << 21 */
	movl %eax, 4(%ebx, %ecx, 8)
	incl %ecx
	cmpl $2048, %ecx
	jne 1b

	/* low PDPT: 4 entries -> the 4 page directories */
	movl $V2P(boot_pdpt_lo), %ebx
	movl $V2P(boot_pd), %eax
	orl $(PTE_P | PTE_W), %eax
	xorl %ecx, %ecx
2:	movl %eax, (%ebx, %ecx, 8)
	addl $4096, %eax
	incl %ecx
	cmpl $4, %ecx
	jne 2b

	/* high PDPT: entry 510 -> first page directory (KERNBASE..+1 GiB) */
	movl $V2P(boot_pdpt_hi), %ebx
	movl $V2P(boot_pd), %eax
	orl $(PTE_P | PTE_W), %eax
	movl %eax, 510*8(%ebx)

	/* PML4: 0 (identity, dropped later), 256 (PHYSBASE), 511 (kernel) */
	movl $V2P(kern_pml4), %ebx
	movl $V2P(boot_pdpt_lo), %eax
	orl $(PTE_P | PTE_W), %eax
	movl %eax, (%ebx)
	movl %eax, 256*8(%ebx)
	movl $V2P(boot_pdpt_hi), %eax
	orl $(PTE_P | PTE_W), %eax
	movl %eax, 511*8(%ebx)

	movl %cr4, %eax
	orl $(CR4_PAE | CR4_PGE), %eax
	movl %eax, %cr4
	movl $V2P(kern_pml4), %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $(EFER_LME | EFER_NXE | EFER_SCE), %eax
	wrmsr
	movl %cr0, %eax
	orl $(CR0_PG | CR0_PE | CR0_WP), %eax
	movl %eax, %cr0

	lgdt boot_gdt_ptr
	ljmp $0x08, $start64

	.code64
start64:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorw %ax, %ax
	movw %ax, %fs
	movw %ax, %gs
	movabsq $kstack_top, %rsp
	xorq %rbp, %rbp
	movabsq $kmain, %rax
	call *%rax
3:	hlt
	jmp 3b

	.align 16
boot_gdt:
	.quad 0
	.quad 0x00AF9A000000FFFF        /* 0x08: 64-bit code */
	.quad 0x00CF92000000FFFF        /* 0x10: data */
boot_gdt_ptr:
	.word . - boot_gdt - 1
	.long boot_gdt

	.bss
	.align 4096
	.globl kern_pml4
kern_pml4:	.space 4096
boot_pdpt_lo:	.space 4096
boot_pdpt_hi:	.space 4096
boot_pd:	.space 4 * 4096
boot_stack:	.space 4096
boot_stack_top:
	.globl kstack, kstack_top
kstack:		.space KSTACK_SIZE
kstack_top:
	.globl dfstack_top
dfstack:	.space 4096
dfstack_top:
