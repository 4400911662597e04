/*
 * shmlayout.c: the layout check of the family's shared region (shm.h,
 * PX_SHM_LAYOUT).  Every program carries, in its section px_layout, a
 * descriptor per module that keeps structures in the region: the
 * module's name and the sizeof and offsetof values of its structures,
 * fixed when the module was compiled.  The region's header keeps a
 * table of (name, digest of the values), filled by the members that
 * brought each name first.  An image that execve starts in the family
 * may be of another build, whose structures differ: it joins only if
 * every descriptor it carries matches the table (a name the table does
 * not have yet is added), else it must not touch the region (start.c
 * ends it, status 127, with a message).
 */
#include <string.h>
#include "posix.h"
#include "shm.h"

/* The linker's bounds of the section (every program has shm.c's). */
extern const struct px_shm_layout __start_px_layout[];
extern const struct px_shm_layout __stop_px_layout[];

/* FNV-1a, 64 bits, over n bytes at p, from h. */
static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n-- > 0)
		h = (h ^ *b++) * 0x100000001b3UL;
	return h;
}

#define FNV0    0xcbf29ce484222325UL

/* A descriptor's name and digest (neither is ever 0: 0 is a free
 * slot). */
static void
digest(const struct px_shm_layout *d, uint64_t *name, uint64_t *sum)
{
	*name = fnv(FNV0, d->name, strlen(d->name)) | 1;
	*sum = fnv(FNV0, d->v, d->n * sizeof(d->v[0])) | 1;
}

const char *
px_shm_layout_join(volatile uint64_t (*tab)[2], unsigned n)
{
	const struct px_shm_layout *d;
	uint64_t name, sum;
	unsigned i;

	/* every name ours and the table's must agree: look first */
	for (d = __start_px_layout; d < __stop_px_layout; d++) {
		digest(d, &name, &sum);
		for (i = 0; i < n && tab[i][0] != 0; i++)
			if (tab[i][0] == name && tab[i][1] != sum)
				return d->name;
	}
	/* then add the names the table does not have (a full table
	 * leaves them unchecked) */
	for (d = __start_px_layout; d < __stop_px_layout; d++) {
		digest(d, &name, &sum);
		for (i = 0; i < n && tab[i][0] != 0 && tab[i][0] != name; i++)
			;
		if (i < n && tab[i][0] == 0) {
			tab[i][1] = sum;
			tab[i][0] = name;
		}
	}
	return NULL;
}
