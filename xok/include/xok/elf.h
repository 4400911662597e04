/*
 * xok/elf.h: the few ELF-64 structures the kernel (loading init) and
 * libexos (spawning every other program) read.
 */
#ifndef XOK_ELF_H
#define XOK_ELF_H

#include <stdint.h>

#define ELF_PT_LOAD     1
#define ELF_PF_X        1
#define ELF_PF_W        2
#define ELF_MACHINE_X86_64 62

struct elf64_ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

#endif
