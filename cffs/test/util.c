/*
 * util.c - helpers for the C-FFS Check tests (see util.h).
 */
#include <stdlib.h>
#include <string.h>

#include "cffs_int.h"
#include "util.h"
#ifdef CFFS_HAVE_XN
#include "cffs/cffs_xn.h"
#endif

int tfs_v1 = -1;

int
tfs_legacy(void)
{
	return tfs_v1 >= 0 ? tfs_v1 : getenv("CFFS_TEST_V1") != NULL;
}

void
tfs_new(struct tfs *t, uint64_t nblocks)
{
	ck_assert_int_eq(hostdev_mem(&t->hd, nblocks, NULL, 0), 0);
	if (tfs_legacy())
		ck_assert_int_eq(cffs_mkfs_v1(&t->hd.dev, nblocks), 0);
	else
		ck_assert_int_eq(cffs_mkfs(&t->hd.dev, nblocks), 0);
	ck_assert_int_eq(cffs_mount(&t->hd.dev, 0, &t->fs), 0);
}

int
tfs_fsck(struct tfs *t, int flags)
{
	return cffs_fsck(&t->hd.dev, flags, NULL, NULL);
}

void
tfs_remount(struct tfs *t)
{
	ck_assert_int_eq(cffs_unmount(t->fs), 0);
	t->fs = NULL;
	ck_assert_int_eq(tfs_fsck(t, CFFS_FSCK_NOREPAIR), 0);
#ifdef CFFS_HAVE_XN
	/* XN, knowing only the templates, reaches exactly the used blocks */
	ck_assert_int_eq(cffs_xn_scan(&t->hd.dev, NULL, NULL), 0);
#endif
	ck_assert_int_eq(cffs_mount(&t->hd.dev, 0, &t->fs), 0);
}

void
tfs_free(struct tfs *t)
{
	if (t->fs != NULL)
		cffs_unmount(t->fs);
	t->fs = NULL;
	hostdev_close(&t->hd);
}

void
put_file(struct cffs_fs *fs, const char *path, const void *buf, size_t len)
{
	ck_assert_int_eq(cffs_create(fs, path, 0644, 0, 0), 0);
	if (len > 0)
		ck_assert_int_eq(cffs_write(fs, path, 0, buf, len), (long)len);
}

char *
get_file(struct cffs_fs *fs, const char *path, size_t *len)
{
	struct cffs_stat st;
	char *p;

	if (cffs_stat(fs, path, &st) < 0)
		return NULL;
	p = malloc(st.size + 1);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(cffs_read(fs, path, 0, p, st.size + 1), (long)st.size);
	*len = st.size;
	return p;
}

void
fill_pat(unsigned char *p, size_t len, unsigned seed, size_t off)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = pat(seed, off + i);
}

struct names {
	char  **v;
	size_t  n, cap;
};

static int
collect(void *arg, const char *name, const struct cffs_stat *st)
{
	struct names *ns = arg;

	(void)st;
	if (ns->n == ns->cap) {
		ns->cap = ns->cap ? ns->cap * 2 : 16;
		ns->v = realloc(ns->v, ns->cap * sizeof(*ns->v));
	}
	ns->v[ns->n++] = strdup(name);
	return 0;
}

static int
cmps(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char *
list_dir(struct cffs_fs *fs, const char *path)
{
	static char *ring[4];
	static unsigned next;
	struct names ns = { NULL, 0, 0 };
	size_t i, len = 1;
	char *s;

	ck_assert_int_eq(cffs_readdir(fs, path, collect, &ns), 0);
	if (ns.n > 0)
		qsort(ns.v, ns.n, sizeof(*ns.v), cmps);
	for (i = 0; i < ns.n; i++)
		len += strlen(ns.v[i]) + 1;
	s = calloc(1, len);
	for (i = 0; i < ns.n; i++) {
		if (i > 0)
			strcat(s, ",");
		strcat(s, ns.v[i]);
		free(ns.v[i]);
	}
	free(ns.v);
	free(ring[next % 4]);
	ring[next++ % 4] = s;
	return s;
}
