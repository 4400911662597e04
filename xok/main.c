/*
 * main.c: kmain, called by boot.S in long mode.  Reads the multiboot
 * information (memory size, boot modules), sets up the CPU, physical
 * memory and the clock, builds init from the first module and starts
 * the scheduler.
 */
#include "kern.h"
#include "dev/virtio_blk.h"
#include "dev/virtio_net.h"

#define MB_BOOT_MAGIC 0x2BADB002

struct mb_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr;
};

struct mb_module {
	uint32_t start, end, string, reserved;
};

extern char _bss_end_phys[];

void kmain(uint32_t magic, uint32_t mbi_pa) __attribute__((noreturn));

/* Is w one of the space-separated words of s? */
static int
has_word(const char *s, const char *w)
{
	size_t n = strlen(w);

	for (; *s; s++)
		if ((s[n] == ' ' || s[n] == 0) && strncmp(s, w, n) == 0)
			return 1;
	return 0;
}

void
kmain(uint32_t magic, uint32_t mbi_pa)
{
	struct mb_info *mbi = KADDR(mbi_pa);
	struct xok_module mods[XOK_NMODULES];
	uint64_t nmods = 0, mem, reserved_end = (uint64_t)_bss_end_phys, i;
	const char *cmdline = "";

	cons_init();
	kprintf("xok: exokernel booting\n");
	if (magic != MB_BOOT_MAGIC)
		panic("not booted by a multiboot loader (magic %x)", magic);
	if (!(mbi->flags & 1))
		panic("no memory size from the boot loader");
	mem = (uint64_t)(mbi->mem_upper + 1024) * 1024;
	if ((mbi->flags & 4) && mbi->cmdline)
		cmdline = KADDR(mbi->cmdline);

	if (mbi->flags & 8) {
		struct mb_module *m = KADDR(mbi->mods_addr);

		for (i = 0; i < mbi->mods_count && nmods < XOK_NMODULES; i++) {
			const char *name = m[i].string ? KADDR(m[i].string) : "";

			if (m[i].end < m[i].start)
				continue;
			mods[nmods].paddr = m[i].start;
			mods[nmods].size = m[i].end - m[i].start;
			strncpy(mods[nmods].name, name, sizeof(mods[0].name) - 1);
			mods[nmods].name[sizeof(mods[0].name) - 1] = 0;
			if (ROUNDUP(m[i].end, PGSIZE) > reserved_end)
				reserved_end = ROUNDUP(m[i].end, PGSIZE);
			nmods++;
		}
	}

	cpu_init();
	pmap_init(mem, reserved_end);
	info->nmodules = nmods;
	memcpy(info->modules, mods, nmods * sizeof(mods[0]));
	pic_init();
	timer_init();
	rtc_init();
	consin_init();
	if (vblk_init() < 0)
		kprintf("xok: no virtio disk\n");
	else
		xnsys_init();
	if (has_word(cmdline, "xok.nooffload"))
		vnet_set_nooffload();   /* netoffload: the card's old path */
	netsys_init();
	if (has_word(cmdline, "xok.netnonsense"))
		vnet_inject_nonsense();
	if (has_word(cmdline, "xok.netdeadtx"))
		vnet_inject_tx_nonsense();
	if (has_word(cmdline, "xok.netbadhdr"))
		vnet_inject_badhdr();
	if (has_word(cmdline, "xok.tsccheck"))
		tsc_crosscheck();
	kprintf("xok: %lu MiB, %lu free pages, %lu modules, "
	    "HZ %d, slice %d ms\n", mem >> 20, info->nfree, nmods,
	    HZ, QUANTUM_TICKS * 1000 / HZ);
	tsc_print();
	if (nmods == 0)
		panic("no boot modules: nothing to run");
	if (has_word(cmdline, "xok.testpanic"))
		panic("xok.testpanic on the command line");
	env_create_init(mods[0].paddr, mods[0].size);
	sched();
}
