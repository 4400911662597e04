/*
 * test_model.c - a long random sequence of C-FFS operations checked step
 * by step against an in-memory model of the expected tree: every return
 * value (results and exact error codes), and at intervals the whole tree
 * (listings, types, sizes, link counts, contents), a remount and fsck.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define MAXN   512
#define PLEN   64
#define FMAX   (64 * 1024)

enum { M_FILE = 1, M_DIR, M_LNK };

struct mino {                   /* a file's data, shared by its links */
	unsigned char *data;
	size_t         size;
	int            nlink;
};

struct mnode {
	char         path[PLEN];
	int          type;
	struct mino *ino;       /* files and links */
	char         target[16];
};

static struct mnode nodes[MAXN];
static int nnodes;
static unsigned long rng;

static unsigned
rnd(unsigned n)
{
	rng = rng * 6364136223846793005ul + 1442695040888963407ul;
	return (unsigned)((rng >> 33) % n);
}

static struct mnode *
find(const char *p)
{
	int i;

	for (i = 0; i < nnodes; i++)
		if (strcmp(nodes[i].path, p) == 0)
			return &nodes[i];
	return NULL;
}

static void
del(struct mnode *n)
{
	*n = nodes[--nnodes];
}

static bool
under(const char *p, const char *dir)
{
	size_t l = strlen(dir);

	return strncmp(p, dir, l) == 0 && p[l] == '/';
}

static int
children(const char *dir)
{
	int i, c = 0;
	const char *slash;

	for (i = 0; i < nnodes; i++) {
		if (strcmp(dir, "/") == 0) {
			slash = strchr(nodes[i].path + 1, '/');
			c += slash == NULL;
		} else if (under(nodes[i].path, dir)) {
			slash = strchr(nodes[i].path + strlen(dir) + 1, '/');
			c += slash == NULL;
		}
	}
	return c;
}

static int
subdirs(const char *dir)
{
	int i, c = 0;

	for (i = 0; i < nnodes; i++)
		if (nodes[i].type == M_DIR &&
		    ((strcmp(dir, "/") == 0 && !strchr(nodes[i].path + 1, '/')) ||
		     (under(nodes[i].path, dir) &&
		      !strchr(nodes[i].path + strlen(dir) + 1, '/'))))
			c++;
	return c;
}

/* A random path: an existing directory (or sometimes a file) + name. */
static void
rand_path(char *out)
{
	static const char *names[] = { "a", "b", "c", "dd", "e" };
	const char *parent = "/";
	int tries;

	for (tries = 0; tries < 4 && nnodes > 0; tries++) {
		struct mnode *n = &nodes[rnd((unsigned)nnodes)];

		if (n->type == M_DIR || rnd(10) == 0) {
			parent = n->path;
			break;
		}
	}
	if (strlen(parent) + 4 >= PLEN)
		parent = "/";
	snprintf(out, PLEN, "%s/%s", strcmp(parent, "/") ? parent : "",
	         names[rnd(5)]);
}

/* Expected error for using the parent of p as a directory. */
static int
parent_err(const char *p)
{
	char par[PLEN];
	struct mnode *n;
	char *s;

	strcpy(par, p);
	s = strrchr(par, '/');
	*s = '\0';
	if (par[0] == '\0')
		return 0;
	n = find(par);
	if (n == NULL)
		return -CFFS_ENOENT;
	return n->type == M_DIR ? 0 : -CFFS_ENOTDIR;
}

static struct mnode *
add(const char *p, int type)
{
	struct mnode *n = &nodes[nnodes++];

	memset(n, 0, sizeof(*n));
	strcpy(n->path, p);
	n->type = type;
	if (type != M_DIR) {
		n->ino = calloc(1, sizeof(*n->ino));
		n->ino->nlink = 1;
	}
	return n;
}

static void
drop(struct mino *ino)
{
	if (--ino->nlink == 0) {
		free(ino->data);
		free(ino);
	}
}

static void
verify(struct cffs_fs *fs)
{
	static unsigned char buf[FMAX + 1];
	struct cffs_stat st;
	int i;

	for (i = 0; i < nnodes; i++) {
		struct mnode *n = &nodes[i];

		ck_assert_msg(cffs_stat(fs, n->path, &st) == 0, "stat %s", n->path);
		if (n->type == M_DIR) {
			char *l = list_dir(fs, n->path);
			int c = *l ? 1 : 0, k;

			for (k = 0; l[k]; k++)
				c += l[k] == ',';
			ck_assert_int_eq(c, children(n->path));
			ck_assert_uint_eq(st.mode & CFFS_S_IFMT, CFFS_S_IFDIR);
			ck_assert_uint_eq(st.nlink, 2 + (unsigned)subdirs(n->path));
		} else if (n->type == M_LNK) {
			char t[64];

			ck_assert_uint_eq(st.mode & CFFS_S_IFMT, CFFS_S_IFLNK);
			ck_assert_int_eq(cffs_readlink(fs, n->path, t, sizeof(t)),
			                 (int)strlen(n->target));
			ck_assert_str_eq(t, n->target);
		} else {
			ck_assert_uint_eq(st.mode & CFFS_S_IFMT, CFFS_S_IFREG);
			ck_assert_uint_eq(st.size, n->ino->size);
			ck_assert_uint_eq(st.nlink, (unsigned)n->ino->nlink);
			ck_assert_int_eq(cffs_read(fs, n->path, 0, buf, sizeof(buf)),
			                 (long)n->ino->size);
			ck_assert_msg(n->ino->size == 0 ||
			              memcmp(buf, n->ino->data, n->ino->size) == 0,
			              "contents of %s", n->path);
		}
	}
	{
		char *l = list_dir(fs, "/");
		int c = *l ? 1 : 0, k;

		for (k = 0; l[k]; k++)
			c += l[k] == ',';
		ck_assert_int_eq(c, children("/"));
	}
}

static void
op_write(struct cffs_fs *fs)
{
	static unsigned char buf[16384];
	struct mnode *n = NULL;
	size_t off, len, i;
	int k;

	for (k = 0; k < 5 && n == NULL; k++) {
		struct mnode *c = nnodes ? &nodes[rnd((unsigned)nnodes)] : NULL;

		if (c != NULL && c->type == M_FILE)
			n = c;
	}
	if (n == NULL)
		return;
	off = rnd(4) == 0 ? n->ino->size : rnd(FMAX - sizeof(buf));
	len = 1 + rnd(rnd(4) == 0 ? sizeof(buf) : 300);
	if (off + len > FMAX)
		return;
	for (i = 0; i < len; i++)
		buf[i] = (unsigned char)rnd(256);
	ck_assert_int_eq(cffs_write(fs, n->path, off, buf, len), (long)len);
	if (off + len > n->ino->size) {
		n->ino->data = realloc(n->ino->data, off + len);
		memset(n->ino->data + n->ino->size, 0, off + len - n->ino->size);
		n->ino->size = off + len;
	}
	memcpy(n->ino->data + off, buf, len);
}

static void
op_truncate(struct cffs_fs *fs, const char *p)
{
	struct mnode *n = find(p);
	size_t sz = rnd(3) ? rnd(9000) : rnd(FMAX);
	int want;

	want = parent_err(p);
	if (want == 0)
		want = n == NULL ? -CFFS_ENOENT : n->type == M_DIR ? -CFFS_EISDIR
		     : n->type == M_LNK ? -CFFS_EINVAL : 0;
	ck_assert_int_eq(cffs_truncate(fs, p, sz), want);
	if (want != 0)
		return;
	n->ino->data = realloc(n->ino->data, sz ? sz : 1);
	if (sz > n->ino->size)
		memset(n->ino->data + n->ino->size, 0, sz - n->ino->size);
	n->ino->size = sz;
}

static void
op_rename(struct cffs_fs *fs, const char *a, const char *b)
{
	struct mnode *na = find(a), *nb = find(b);
	int want = parent_err(a), i;

	if (want == 0 && na == NULL)
		want = -CFFS_ENOENT;
	if (want == 0)
		want = parent_err(b);
	if (want == 0 && strcmp(a, b) == 0)
		want = 1;       /* no-op */
	if (want == 0 && nb != NULL && na->type != M_DIR && nb->type != M_DIR &&
	    na->ino == nb->ino)
		want = 1;       /* two links of one file: no-op */
	if (want == 0 && na->type == M_DIR && under(b, a))
		want = -CFFS_EINVAL;
	if (want == 0 && nb != NULL) {
		if (nb->type == M_DIR && na->type != M_DIR)
			want = -CFFS_EISDIR;
		else if (nb->type == M_DIR && children(b) > 0)
			want = -CFFS_ENOTEMPTY;
		else if (nb->type != M_DIR && na->type == M_DIR)
			want = -CFFS_ENOTDIR;
	}
	ck_assert_msg(cffs_rename(fs, a, b) == (want == 1 ? 0 : want),
	              "rename %s %s want %d", a, b, want);
	if (want != 0)
		return;
	if (nb != NULL) {
		if (nb->type != M_DIR)
			drop(nb->ino);
		del(nb);
		na = find(a);
	}
	for (i = 0; i < nnodes; i++) {
		char np[PLEN * 2];

		if (under(nodes[i].path, a)) {
			snprintf(np, sizeof(np), "%s%s", b,
			         nodes[i].path + strlen(a));
			ck_assert_uint_lt(strlen(np), PLEN);
			strcpy(nodes[i].path, np);
		}
	}
	strcpy(na->path, b);
}

static void
step(struct cffs_fs *fs)
{
	char p[PLEN], q[PLEN];
	struct mnode *n, *m;
	int want, r;

	rand_path(p);
	n = find(p);
	want = parent_err(p);
	switch (rnd(12)) {
	case 0:
	case 1:
		if (want == 0 && n != NULL)
			want = -CFFS_EEXIST;
		if (nnodes >= MAXN - 2)
			return;
		ck_assert_int_eq(cffs_create(fs, p, 0644, 0, 0), want);
		if (want == 0)
			add(p, M_FILE);
		break;
	case 2:
		if (want == 0 && n != NULL)
			want = -CFFS_EEXIST;
		if (nnodes >= MAXN - 2 || strlen(p) > PLEN - 8)
			return;
		ck_assert_int_eq(cffs_mkdir(fs, p, 0755, 0, 0), want);
		if (want == 0)
			add(p, M_DIR);
		break;
	case 3:
	case 4:
		op_write(fs);
		break;
	case 5:
		if (want == 0)
			want = n == NULL ? -CFFS_ENOENT
			     : n->type == M_DIR ? -CFFS_EISDIR : 0;
		ck_assert_int_eq(cffs_unlink(fs, p), want);
		if (want == 0) {
			drop(n->ino);
			del(n);
		}
		break;
	case 6:
		if (want == 0)
			want = n == NULL ? -CFFS_ENOENT
			     : n->type != M_DIR ? -CFFS_ENOTDIR
			     : children(p) > 0 ? -CFFS_ENOTEMPTY : 0;
		ck_assert_int_eq(cffs_rmdir(fs, p), want);
		if (want == 0)
			del(n);
		break;
	case 7:
	case 8:
		rand_path(q);
		op_rename(fs, p, q);
		break;
	case 9:
		rand_path(q);
		m = find(q);
		if (want == 0)
			want = n == NULL ? -CFFS_ENOENT
			     : n->type == M_DIR ? -CFFS_EPERM : 0;
		if (want == 0)
			want = parent_err(q);
		if (want == 0 && m != NULL)
			want = -CFFS_EEXIST;
		if (nnodes >= MAXN - 2)
			return;
		r = cffs_link(fs, p, q);
		ck_assert_msg(r == want, "link %s %s: %d want %d", p, q, r, want);
		if (want == 0) {
			m = add(q, n->type);
			free(m->ino);
			n = find(p);
			m->ino = n->ino;
			strcpy(m->target, n->target);
			n->ino->nlink++;
		}
		break;
	case 10:
		if (want == 0 && n != NULL)
			want = -CFFS_EEXIST;
		if (nnodes >= MAXN - 2)
			return;
		snprintf(q, sizeof(q), "t%u", rnd(100000));
		ck_assert_int_eq(cffs_symlink(fs, q, p, 0, 0), want);
		if (want == 0) {
			n = add(p, M_LNK);
			strcpy(n->target, q);
			n->ino->size = strlen(q);
		}
		break;
	case 11:
		op_truncate(fs, p);
		break;
	}
}

START_TEST(t_model)
{
	struct tfs t;
	int i;

	rng = 12345 + (unsigned long)_i;
	nnodes = 0;
	tfs_new(&t, 8192);
	ck_assert_int_eq(cffs_on_xn(t.fs), !tfs_legacy());
	for (i = 1; i <= 6000; i++) {
		step(t.fs);
		if (i % 500 == 0) {
			verify(t.fs);
			tfs_remount(&t);
			verify(t.fs);
		}
	}
	while (nnodes > 0) {
		if (nodes[nnodes - 1].type != M_DIR)
			drop(nodes[nnodes - 1].ino);
		nnodes--;
	}
	tfs_free(&t);
}
END_TEST

/* The legacy layout (version 1) is still mounted read-write: one run. */
static void
legacy(void)
{
	tfs_v1 = 1;
}

Suite *
model_suite(void)
{
	Suite *s = suite_create("cffs-model");
	TCase *tc = tcase_create("model");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, t_model, 0, 3);
	suite_add_tcase(s, tc);
	tc = tcase_create("model-v1");
	tcase_add_checked_fixture(tc, legacy, NULL);
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, t_model, 0, 1);
	suite_add_tcase(s, tc);
	return s;
}
