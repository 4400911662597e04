/*
 * module.c: the boot modules the first process owns, mapped read-only
 * into the libOS's window at PX_MODULE_VA.  scripts/exos-run passes the
 * program's arguments ("args") and the files it adds ("files") as
 * modules (docs/PORTING.md).  The first process owns the module
 * pages; a process it forked holds its capability and maps them too
 * (so a forked child can execve a program from the file table); any
 * other process's mapping is refused and it gets NULL.  After exec the
 * same environment maps the same pages at the same place again, which
 * takes no new page.
 */
#include "posix.h"
#include "layout.h"

#define PX_MODULE_SPAN  (1UL << 32)             /* room per module */

const void *
px_module(const char *name, uint64_t *size)
{
	uint64_t i, off, n;

	for (i = 0; i < XOK_INFO->nmodules && i < XOK_NMODULES; i++) {
		const volatile struct xok_module *m = &XOK_INFO->modules[i];
		const volatile char *s = m->name, *base = s, *p;
		uint64_t va = PX_MODULE_VA + i * PX_MODULE_SPAN;

		for (p = s; *p && *p != ' '; p++)
			if (*p == '/')
				base = p + 1;
		for (n = 0; name[n] && base + n < p && base[n] == name[n]; n++)
			;
		if (name[n] || base + n != p)
			continue;
		if (m->size > PX_MODULE_SPAN - XOK_PGSIZE)
			return NULL;
		for (off = 0; off < m->paddr % XOK_PGSIZE + m->size;
		    off += XOK_PGSIZE)
			if (sys_page_map(XOK_SELF, va + off,
			    m->paddr / XOK_PGSIZE + off / XOK_PGSIZE,
			    XOK_PTE_NX, 0, 0) < 0)
				return NULL;
		*size = m->size;
		return (const void *)(va + m->paddr % XOK_PGSIZE);
	}
	return NULL;
}

/* (nonroot) The first process, holding the root in EXOS_SLOT_ROOT:
 * give every module page the family's user name as its guard, so its
 * children (which never hold the root, capslot.h) map them as before. */
void
px_module_share(void)
{
	uint64_t i, off;

	if (exos_root_slot() != EXOS_SLOT_ROOT)
		return;
	for (i = 0; i < XOK_INFO->nmodules && i < XOK_NMODULES; i++) {
		const volatile struct xok_module *m = &XOK_INFO->modules[i];

		for (off = 0; off < m->paddr % XOK_PGSIZE + m->size;
		    off += XOK_PGSIZE)
			sys_page_guard(m->paddr / XOK_PGSIZE +
			    off / XOK_PGSIZE, EXOS_SLOT_ROOT, EXOS_SLOT_SELF);
	}
}
