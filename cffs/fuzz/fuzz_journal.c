/*
 * fuzz_journal.c - libFuzzer target for C-FFS's commit journal replay
 * (cffs_journal_replay; docs/TESTING.md "The XN and C-FFS fuzzers" has
 * the oracle).  A seed image (the fuzz-cffs seeds) gets a fixed setup,
 * then one real call runs with a journal that captures each commit's
 * after-images.  The input chooses the seed, the call and a mode:
 *
 *  - replay: a journal made from the input (the captured one mutated:
 *    blocks, types, image bytes, duplicates, drops, blocks of the disk
 *    or zeros added; or one made from scratch) is replayed on the disk
 *    before the call or after it.  The replay may refuse; whatever it
 *    does, XN must accept the disk afterwards and fsck must find no
 *    referenced block that XN has free.  An unchanged journal must
 *    give exactly the call's result (before) or change nothing (after),
 *    with fsck clean.
 *  - prefix: the call runs in a mount that "dies" after its k-th XN
 *    change (jclient.c); XN writes back what it holds, a new mount
 *    replays the journal that was live at the death; the tree must be
 *    exactly the one before or after the call, fsck clean (the host
 *    version of libfstest "killed").
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sanitizer/lsan_interface.h>

#include "hostdev.h"
#include <xn/xn.h>

#include "cffs_int.h"
#include "jclient.h"

#define NBLK    128             /* the seeds are 512 KiB */
#define MAXJ    64              /* entries of a journal */
#define MAXC    8               /* commits captured per call */
#define NSEED   3

static const char *seedname[NSEED] = { "empty.img", "tree.img", "big.img" };
static uint8_t *seed[NSEED];    /* each seed after the setup, unmounted */
static uint8_t *dbuf;           /* a 160 KiB write's bytes */

/* A journal: entries and their images. */
struct jrnl {
	struct cffs_jent e[MAXJ];
	uint8_t img[MAXJ][CFFS_BSIZE];
	uint32_t n;
};

static struct jrnl cap[MAXC];   /* the captured commits */
static uint32_t ncap;
static int capopen;             /* a commit began and has not ended */
static struct jrnl work;        /* the journal replayed */

static void
die(const char *why, int r)
{
	fprintf(stderr, "fuzz_journal: %s (%d)\n", why, r);
	abort();
}

static void
jcopy(struct jrnl *d, const struct cffs_jent *v, uint32_t n)
{
	uint32_t i;

	d->n = n > MAXJ ? MAXJ : n;
	for (i = 0; i < d->n; i++) {
		d->e[i] = v[i];
		memcpy(d->img[i], v[i].img, CFFS_BSIZE);
		d->e[i].img = d->img[i];
	}
}

static int
j_begin(void *arg, const struct cffs_jent *v, uint32_t n)
{
	(void)arg;
	if (jc_dead())
		return -1;
	if (ncap == MAXC || n > MAXJ)
		return -1;      /* not kept: the commit fails, unchanged */
	jcopy(&cap[ncap++], v, n);
	capopen = 1;
	return 0;
}

static void
j_end(void *arg)
{
	(void)arg;
	if (!jc_dead())         /* a dead process ends nothing */
		capopen = 0;
}

static const struct cffs_journal jhook = { j_begin, j_end, NULL };

/* ---- the calls ---- */

static void
setup(struct cffs_fs *fs)
{
	(void)cffs_create(fs, "/f", 0644, 0, 0);
	(void)cffs_write(fs, "/f", 0, dbuf, 5000);
	(void)cffs_mkdir(fs, "/d1", 0755, 0, 0);
	(void)cffs_mkdir(fs, "/d2", 0755, 0, 0);
	(void)cffs_create(fs, "/d1/g", 0644, 0, 0);
	(void)cffs_write(fs, "/d1/g", 0, dbuf, 9000);
	(void)cffs_create(fs, "/e", 0644, 0, 0);
	(void)cffs_link(fs, "/e", "/d2/e2");
	(void)cffs_mkdir(fs, "/d4", 0755, 0, 0);
}

#define NOPS 16

static void
op(struct cffs_fs *fs, int which)
{
	switch (which % NOPS) {
	case 0: (void)cffs_link(fs, "/f", "/d2/f2"); break;
	case 1: (void)cffs_rename(fs, "/f", "/f3"); break;
	case 2: (void)cffs_rename(fs, "/f", "/d1/f"); break;
	case 3: (void)cffs_rename(fs, "/d1/g", "/f"); break;
	case 4: (void)cffs_rename(fs, "/d1", "/d2/d1"); break;
	case 5: (void)cffs_unlink(fs, "/f"); break;
	case 6: (void)cffs_unlink(fs, "/d2/e2"); break;
	case 7: (void)cffs_rmdir(fs, "/d4"); break;
	case 8: (void)cffs_mkdir(fs, "/d3", 0700, 1, 2); break;
	case 9: (void)cffs_create(fs, "/d1/n", 0600, 0, 0); break;
	case 10: (void)cffs_symlink(fs, "d1/g", "/s", 0, 0); break;
	case 11: (void)cffs_truncate(fs, "/d1/g", 10); break;
	case 12: (void)cffs_write(fs, "/f", 60000, dbuf, 3000); break;
	case 13: (void)cffs_write(fs, "/e", 0, dbuf, 160 * 1024); break;
	case 14: (void)cffs_mkfifo(fs, "/p", 0600, 0, 0); break;
	default: (void)cffs_rename(fs, "/e", "/d1/g"); break;
	}
}

/* ---- a fingerprint of the tree: names, attributes, contents ---- */

static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n-- > 0)
		h = (h ^ *b++) * 0x100000001b3ull;
	return h;
}

struct fpctx {
	struct cffs_fs *fs;
	const char *dir;
	uint64_t h;
	int depth;
};

static uint64_t fp_dir(struct cffs_fs *fs, const char *dir, int depth);

static int
fp_ent(void *arg, const char *name, const struct cffs_stat *st)
{
	static uint8_t buf[4096];
	struct fpctx *c = arg;
	char p[1200];
	uint64_t off;
	int n;

	c->h = fnv(c->h, name, strlen(name) + 1);
	c->h = fnv(c->h, &st->ino, sizeof st->ino);
	c->h = fnv(c->h, &st->mode, sizeof st->mode);
	c->h = fnv(c->h, &st->nlink, sizeof st->nlink);
	c->h = fnv(c->h, &st->size, sizeof st->size);
	snprintf(p, sizeof p, "%s/%s", strcmp(c->dir, "/") ? c->dir : "",
	         name);
	if ((st->mode & CFFS_S_IFMT) == CFFS_S_IFDIR) {
		if (c->depth < 6) {
			uint64_t sub = fp_dir(c->fs, p, c->depth + 1);

			c->h = fnv(c->h, &sub, sizeof sub);
		}
	} else if ((st->mode & CFFS_S_IFMT) == CFFS_S_IFREG) {
		for (off = 0; off < st->size && off < 400000; off += n) {
			n = cffs_read(c->fs, p, off, buf, sizeof buf);
			if (n <= 0)
				break;
			c->h = fnv(c->h, buf, (size_t)n);
		}
	}
	return 0;
}

static uint64_t
fp_dir(struct cffs_fs *fs, const char *dir, int depth)
{
	struct fpctx c = { fs, dir, 0xcbf29ce484222325ull, depth };
	int r = cffs_readdir(fs, dir, fp_ent, &c);

	return fnv(c.h, &r, sizeof r);
}

/* The fingerprint of an image (mounted read-only). */
static uint64_t
fp_image(struct hostdev *hd)
{
	struct cffs_fs *fs;
	uint64_t h;
	int r;

	if ((r = cffs_mount(&hd->dev, CFFS_RDONLY, &fs)) < 0)
		die("a read-only mount for the fingerprint failed", r);
	h = fp_dir(fs, "/", 0);
	cffs_unmount(fs);
	return h;
}

/* ---- oracles ---- */

struct findings {
	int xn_refused, ref_free, any;
};

static void
note(void *arg, const char *msg)
{
	struct findings *f = arg;

	f->any++;
	if (strstr(msg, "XN refuses") || strstr(msg, "XN would refuse"))
		f->xn_refused++;
	if (strstr(msg, "referenced blocks marked free"))
		f->ref_free++;
	if (getenv("FUZZ_JOURNAL_VERBOSE"))
		fprintf(stderr, "fsck: %s\n", msg);
}

/* XN's invariants hold on the disk: XN mounts it, and no block C-FFS
 * points to is free in XN.  clean: and fsck finds nothing at all. */
static void
check_disk(struct hostdev *hd, int clean, const char *what)
{
	struct findings f = { 0, 0, 0 };
	int r = cffs_fsck(&hd->dev, CFFS_FSCK_NOREPAIR, note, &f);

	if (f.xn_refused || r == -CFFS_EUCLEAN)
		die(what, -1);
	if (f.ref_free)
		die(what, -2);
	if (clean && r != 0)
		die(what, r);
}

/* ---- one run ---- */

/* Mount img (a copy in hd) read-write: the mount, or NULL. */
static struct cffs_fs *
mount_copy(struct hostdev *hd, const uint8_t *img)
{
	struct cffs_fs *fs;
	int r;

	if (hostdev_mem(hd, NBLK, img, (size_t)NBLK * CFFS_BSIZE) < 0)
		die("no memory device", 0);
	if ((r = cffs_mount(&hd->dev, 0, &fs)) < 0)
		die("the seed does not mount", r);
	return fs;
}

/* The call on the seed, captured: the image after it in *after. */
static void
reference(int s, int which, uint8_t *after)
{
	struct hostdev hd;
	struct cffs_fs *fs = mount_copy(&hd, seed[s]);

	ncap = 0;
	capopen = 0;
	cffs_set_journal(fs, &jhook);
	op(fs, which);
	if (cffs_commit(fs) < 0)
		ncap = 0;       /* no promise about a failed commit */
	cffs_set_journal(fs, NULL);
	if (cffs_unmount(fs) < 0)
		die("unmount after the call failed", 0);
	memcpy(after, hd.mem, (size_t)NBLK * CFFS_BSIZE);
	hostdev_close(&hd);
	if (getenv("FUZZ_JOURNAL_VERBOSE"))
		fprintf(stderr, "seed %d call %d: %u commits, %u entries\n",
		        s, which, ncap, ncap ? cap[0].n : 0);
}

/* Apply the input's edits to work. */
static void
mutate(const uint8_t *d, size_t n, const uint8_t *base)
{
	uint32_t i, k, blk;

	for (; n >= 6; d += 6, n -= 6) {
		i = work.n ? d[1] % work.n : 0;
		blk = (uint32_t)(d[2] | d[3] << 8) % (NBLK + 8);
		switch (d[0] % 8) {
		case 0:
			if (work.n)
				work.e[i].blk = blk;
			break;
		case 1:
			if (work.n)
				work.e[i].type = (uint16_t)(d[4] % 8 ?
				    d[4] % 8 : d[4] | d[5] << 8);
			break;
		case 2:
			if (work.n)
				work.img[i][(d[2] | d[3] << 8) % CFFS_BSIZE] =
				    d[4];
			if (work.n && d[5] & 1)   /* a pointer-sized value */
				memcpy(&work.img[i][(d[2] | d[3] << 8) %
				    (CFFS_BSIZE - 3) & ~3u], &blk, 4);
			break;
		case 3:
			if (work.n && work.n < MAXJ) {
				work.e[work.n] = work.e[i];
				memcpy(work.img[work.n], work.img[i],
				       CFFS_BSIZE);
				work.e[work.n].img = work.img[work.n];
				work.n++;
			}
			break;
		case 4:
			if (work.n) {
				for (k = i; k + 1 < work.n; k++) {
					work.e[k] = work.e[k + 1];
					memcpy(work.img[k], work.img[k + 1],
					       CFFS_BSIZE);
					work.e[k].img = work.img[k];
				}
				work.n--;
			}
			break;
		case 5:
		case 6:
			if (work.n < MAXJ) {
				k = work.n++;
				if (d[0] % 8 == 5 && blk < NBLK)
					memcpy(work.img[k], base +
					       (size_t)blk * CFFS_BSIZE,
					       CFFS_BSIZE);
				else
					memset(work.img[k], d[5], CFFS_BSIZE);
				work.e[k].blk = (uint32_t)(d[1] | d[4] << 8) %
				                (NBLK + 8);
				work.e[k].type = d[5] % 8;
				work.e[k].img = work.img[k];
			}
			break;
		default:
			work.n = work.n ? d[1] % (work.n + 1) : 0;
			break;
		}
	}
}

static uint8_t after[NBLK * CFFS_BSIZE];

static void
run_replay(int s, uint32_t c, int on_after, int scratch,
           const uint8_t *d, size_t n)
{
	const uint8_t *base = on_after ? after : seed[s];
	struct hostdev hd, ref;
	struct cffs_fs *fs;
	uint64_t want;
	int r, intact = !scratch && n < 6;

	if (scratch || ncap == 0) {
		work.n = 0;
	} else {
		jcopy(&work, cap[c % ncap].e, cap[c % ncap].n);
		intact = intact && ncap == 1;
	}
	mutate(d, n, base);
	fs = mount_copy(&hd, base);
	r = cffs_journal_replay(fs, work.e, work.n);
	if (intact && r != 0)
		die("the call's own journal was refused", r);
	if (cffs_unmount(fs) < 0 && intact)
		die("unmount after an intact replay failed", 0);
	check_disk(&hd, intact, intact ? "an intact replay left a disk "
	           "fsck does not pass" : "a hostile journal broke XN's "
	           "invariants");
	/* a refused journal is refused whole: the tree as it was */
	if (r == -CFFS_EPERM || r == -CFFS_EINVAL) {
		if (hostdev_mem(&ref, NBLK, base, (size_t)NBLK * CFFS_BSIZE) < 0)
			die("no memory device", 0);
		want = fp_image(&ref);
		hostdev_close(&ref);
		if (fp_image(&hd) != want)
			die("a refused journal changed the tree", r);
	}
	if (intact) {
		if (hostdev_mem(&ref, NBLK, after, sizeof after) < 0)
			die("no memory device", 0);
		want = fp_image(&ref);
		hostdev_close(&ref);
		if (fp_image(&hd) != want)
			die(on_after ? "replaying a finished commit changed "
			    "the tree" : "replaying the call's journal did not "
			    "give the call's result", 0);
	}
	hostdev_close(&hd);
}

/* XN, left by a dead process, writes back what it can (as the kernel
 * would), and is unmounted as it is. */
static void
xn_flush_dead(struct cffs_fs *fs)
{
	struct xn_bc_info bi;
	struct xn *x;
	uint32_t pr, b;
	int progress = 1, dirty = 1;

	x = xnfs_xn(fs, &pr);
	while (progress && dirty) {
		progress = dirty = 0;
		for (b = 0; b < NBLK; b++) {
			if (xn_bc_lookup(x, b, &bi) != 0 ||
			    bi.state == XN_BC_CLEAN)
				continue;
			dirty = 1;
			if (xn_writeback(x, b) == 0)
				progress = 1;
		}
	}
	/* what cannot go (a parent of a fresh block the process never
	 * registered) stays behind as after a crash: XN's recovery at the
	 * next mount goes back to what the disk has (a host XN cannot
	 * outlive its mount, as the kernel's does) */
	if (xn_unmount(x) != 0)
		die("XN's unmount after the death failed", 0);
}

static jmp_buf killed;

static void
death(void)
{
	longjmp(killed, 1);
}

static void
run_prefix(int s, int which, uint32_t k)
{
	struct hostdev hd, ref;
	struct cffs_fs *fs;
	struct jrnl *live = NULL;
	uint64_t before, full, got;
	uint32_t nref = ncap;
	int r;

	if (nref != 1)
		return;         /* the call made no commit, or several */
	fs = mount_copy(&hd, seed[s]);
	ncap = 0;
	capopen = 0;
	cffs_set_journal(fs, &jhook);
	/* what the killed call had allocated is lost with its process */
	__lsan_disable();
	if (setjmp(killed) == 0) {
		jc_die_after(k, death);
		op(fs, which);
		(void)cffs_commit(fs);
	}
	__lsan_enable();
	if (!jc_dead()) {
		jc_die_after(0, NULL);
		(void)cffs_unmount(fs); /* k past the call's changes */
		hostdev_close(&hd);
		return;
	}
	if (capopen && ncap > 0)
		live = &cap[ncap - 1];
	xn_flush_dead(fs);      /* XN's own calls, not the dead client's */
	(void)cffs_unmount(fs); /* its memory goes; every call refused */
	jc_die_after(0, NULL);
	if ((r = cffs_mount(&hd.dev, 0, &fs)) < 0)
		die("the disk a death left does not mount", r);
	if (live != NULL && (r = cffs_journal_replay(fs, live->e,
	    live->n)) != 0)
		die("the live journal's replay failed", r);
	if ((r = cffs_unmount(fs)) < 0)
		die("unmount after the replay failed", r);
	check_disk(&hd, 1, "a replay after a death left a disk fsck does "
	           "not pass");
	got = fp_image(&hd);
	hostdev_close(&hd);
	if (hostdev_mem(&ref, NBLK, seed[s], (size_t)NBLK * CFFS_BSIZE) < 0 ||
	    (before = fp_image(&ref), hostdev_close(&ref), 0) ||
	    hostdev_mem(&ref, NBLK, after, sizeof after) < 0)
		die("no memory device", 0);
	full = fp_image(&ref);
	hostdev_close(&ref);
	if (got != full && got != before)
		die("a call killed and replayed is neither done nor undone",
		    (int)k);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = getenv("FUZZ_JOURNAL_SEEDS");
	struct hostdev hd;
	struct cffs_fs *fs;
	char p[1024];
	FILE *f;
	int s, r;

	(void)argc;
	(void)argv;
	if (dir == NULL)
		dir = CFFS_SEED_DIR;
	dbuf = malloc(160 * 1024);
	if (dbuf == NULL)
		die("no memory", 0);
	for (r = 0; r < 160 * 1024; r++)
		dbuf[r] = (uint8_t)(r * 7 + r / 4096);
	for (s = 0; s < NSEED; s++) {
		seed[s] = calloc(NBLK, CFFS_BSIZE);
		snprintf(p, sizeof p, "%s/%s", dir, seedname[s]);
		if (seed[s] == NULL || (f = fopen(p, "rb")) == NULL)
			die("cannot read a seed image (make fuzz-cffs-seeds; "
			    "FUZZ_JOURNAL_SEEDS)", s);
		if (fread(seed[s], CFFS_BSIZE, NBLK, f) != NBLK)
			die("a seed image is not 512 KiB", s);
		fclose(f);
		fs = mount_copy(&hd, seed[s]);
		setup(fs);
		if ((r = cffs_unmount(fs)) < 0)
			die("the setup failed", r);
		memcpy(seed[s], hd.mem, (size_t)NBLK * CFFS_BSIZE);
		hostdev_close(&hd);
	}
	return 0;
}

/*
 * The input: seed, call, mode (bit 0: prefix; bit 1: replay on the
 * disk after the call; bit 2: a journal from scratch), then k (prefix)
 * or the captured commit to start from; then 6-byte edits (replay).
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int s, which;

	if (size < 4)
		return 0;
	s = data[0] % NSEED;
	which = data[1] % NOPS;
	reference(s, which, after);
	if (data[2] & 1)
		run_prefix(s, which, 1 + data[3]);
	else
		run_replay(s, data[3], data[2] & 2, data[2] & 4, data + 4,
		           size - 4);
	return 0;
}
