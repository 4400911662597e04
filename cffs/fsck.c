/*
 * fsck.c - the C-FFS checker, used by fsck.cffs and the tests.  It walks
 * the whole file system from the root once (every step bounded: each
 * block may be claimed once, so a directory cycle shows up as a second
 * claim), checks every slot, inode, block pointer, name, link count and
 * the free bitmap, and repairs what it safely can:
 *   - bad or doubly-claimed block pointers are cleared (holes);
 *   - blocks mapped past end of file are released;
 *   - bad slots, bad names, duplicate names, dangling references are
 *     removed; orphaned external inodes are freed;
 *   - link counts, block counts and the free bitmap are recomputed.
 * A bad superblock or root directory cannot be repaired.  Over XN, a disk
 * XN refuses because of C-FFS's metadata (a block with two parents, a
 * pointer outside the data area) is repaired the same way and then
 * offered to XN again; damage in XN's own area is reported, not touched.
 */
#include "cffs_int.h"

#define FSCK_NOXN 0x100 /* internal: C-FFS's own checks only */

struct msg {
	char   s[320];
	size_t n;
};

static void
m_s(struct msg *m, const char *s)
{
	while (*s != '\0' && m->n + 1 < sizeof(m->s))
		m->s[m->n++] = *s++;
	m->s[m->n] = '\0';
}

static void
m_u(struct msg *m, uint64_t v)
{
	char t[24];
	int i = 0;

	do
		t[i++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (i > 0 && m->n + 1 < sizeof(m->s))
		m->s[m->n++] = t[--i];
	m->s[m->n] = '\0';
}

struct ext {                    /* an external inode and its references */
	cffs_ino_t ino;
	uint32_t   refs;
};

struct fsck {
	struct cffs_fs *fs;
	bool            repair;
	cffs_report_fn  report;
	void           *arg;
	uint8_t        *claimed;        /* one bit per block */
	struct ext     *ext;
	size_t          next, cap;
	unsigned        errors, fixed, fatal;
};

static void
say(struct fsck *fk, struct msg *m)
{
	if (fk->report != NULL)
		fk->report(fk->arg, m->s);
}

/* Record one problem; fixable problems count as fixed in repair mode. */
static void
problem(struct fsck *fk, const char *what, cffs_ino_t ino, const char *name,
        size_t namelen, bool fixable)
{
	struct msg m = { .n = 0 };

	m_s(&m, what);
	if (ino != 0) {
		m_s(&m, " (inode ");
		m_u(&m, ino);
		m_s(&m, ")");
	}
	if (name != NULL) {
		char t[CFFS_NAME_MAX + 1];
		size_t i;

		for (i = 0; i < namelen && i < CFFS_NAME_MAX; i++)
			t[i] = (name[i] >= 32 && name[i] < 127) ? name[i] : '?';
		t[i] = '\0';
		m_s(&m, " name \"");
		m_s(&m, t);
		m_s(&m, "\"");
	}
	if (fixable && fk->repair) {
		m_s(&m, ": fixed");
		fk->fixed++;
	} else if (!fixable) {
		fk->fatal++;
	}
	fk->errors++;
	say(fk, &m);
}

static bool
is_claimed(struct fsck *fk, uint32_t b)
{
	return (fk->claimed[b / 8] >> (b % 8)) & 1;
}

/* Claim b for one owner; false if out of range or already owned. */
static bool
claim(struct fsck *fk, uint32_t b)
{
	if (!blk_valid(fk->fs, b) || is_claimed(fk, b))
		return false;
	fk->claimed[b / 8] |= (uint8_t)(1u << (b % 8));
	return true;
}

/*
 * Check and claim the pointers of pointer block pb (depth 1: data, 2:
 * pointer blocks); fbn0 is the file block of entry 0, nfb the number of
 * file blocks inside the size.  Counts held blocks in *held.
 */
static int
check_ptrs(struct fsck *fk, uint32_t pb, int depth, uint64_t fbn0,
           uint64_t nfb, uint32_t *held, bool *bad)
{
	uint64_t span = depth == 2 ? NPTR : 1;
	uint32_t v[NPTR], i;
	struct buf *b;
	bool dirty = false;
	int r;

	r = bget(fk->fs, pb, 0, &b);
	if (r < 0)
		return r;
	memcpy(v, b->data, CFFS_BSIZE);
	bput(b);
	for (i = 0; i < NPTR; i++) {
		uint64_t f = fbn0 + i * span;

		if (v[i] == 0)
			continue;
		if (f >= nfb || !claim(fk, v[i])) {
			*bad = true;
			v[i] = 0;
			dirty = true;
			continue;
		}
		(*held)++;
		if (depth == 2) {
			r = check_ptrs(fk, v[i], 1, f, nfb, held, bad);
			if (r < 0)
				return r;
		}
	}
	if (dirty && fk->repair) {
		r = bget(fk->fs, pb, 0, &b);
		if (r < 0)
			return r;
		memcpy(b->data, v, CFFS_BSIZE);
		bdirty(b);
		bput(b);
	}
	return 0;
}

/* Check an inode's block map; returns 1 if *d was changed. */
static int
check_map(struct fsck *fk, cffs_ino_t ino, struct dinode *d)
{
	uint64_t nfb = (d->size + CFFS_BSIZE - 1) / CFFS_BSIZE;
	uint32_t held = 0, i;
	bool bad = false, changed = false;
	int r;

	for (i = 0; i < NDIRECT; i++) {
		if (d->direct[i] == 0)
			continue;
		if (i >= nfb || !claim(fk, d->direct[i])) {
			bad = true;
			d->direct[i] = 0;
			continue;
		}
		held++;
	}
	if (d->indirect != 0) {
		if (nfb <= NDIRECT || !claim(fk, d->indirect)) {
			bad = true;
			d->indirect = 0;
		} else {
			held++;
			r = check_ptrs(fk, d->indirect, 1, NDIRECT, nfb, &held,
			               &bad);
			if (r < 0)
				return r;
		}
	}
	if (d->dindirect != 0) {
		if (nfb <= NDIRECT + NPTR || !claim(fk, d->dindirect)) {
			bad = true;
			d->dindirect = 0;
		} else {
			held++;
			r = check_ptrs(fk, d->dindirect, 2, NDIRECT + NPTR, nfb,
			               &held, &bad);
			if (r < 0)
				return r;
		}
	}
	if (bad) {
		problem(fk, "bad, shared or past-end block pointers cleared",
		        ino, NULL, 0, true);
		changed = true;
	}
	if (d->nblocks != held) {
		if (!bad)
			problem(fk, "wrong block count", ino, NULL, 0, true);
		d->nblocks = held;
		changed = true;
	}
	return changed;
}

/* ---- names seen in one directory ---- */
struct names {
	char   **v;
	uint32_t *h;
	size_t   n, cap;
};

static uint32_t
hname(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	while (n-- > 0)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h | 1;
}

/* 1 if name was already present, 0 if added, <0 on error. */
static int
names_add(struct names *ns, const char *name, size_t len)
{
	uint32_t h = hname(name, len);
	size_t i, mask;

	if (2 * (ns->n + 1) > ns->cap) {
		size_t nc = ns->cap ? ns->cap * 2 : 64, j;
		char **nv = calloc(nc, sizeof(*nv));
		uint32_t *nh = calloc(nc, sizeof(*nh));

		if (nv == NULL || nh == NULL) {
			free(nv);
			free(nh);
			return -CFFS_ENOMEM;
		}
		for (j = 0; j < ns->cap; j++) {
			if (ns->h[j] == 0)
				continue;
			for (i = ns->h[j] & (nc - 1); nh[i] != 0; i = (i + 1) & (nc - 1))
				;
			nh[i] = ns->h[j];
			nv[i] = ns->v[j];
		}
		free(ns->v);
		free(ns->h);
		ns->v = nv;
		ns->h = nh;
		ns->cap = nc;
	}
	mask = ns->cap - 1;
	for (i = h & mask; ns->h[i] != 0; i = (i + 1) & mask)
		if (ns->h[i] == h && strlen(ns->v[i]) == len &&
		    memcmp(ns->v[i], name, len) == 0)
			return 1;
	ns->v[i] = malloc(len + 1);
	if (ns->v[i] == NULL)
		return -CFFS_ENOMEM;
	memcpy(ns->v[i], name, len);
	ns->v[i][len] = '\0';
	ns->h[i] = h;
	ns->n++;
	return 0;
}

static void
names_free(struct names *ns)
{
	size_t i;

	for (i = 0; i < ns->cap; i++)
		free(ns->v[i]);
	free(ns->v);
	free(ns->h);
	memset(ns, 0, sizeof(*ns));
}

static struct ext *
ext_find(struct fsck *fk, cffs_ino_t ino)
{
	size_t lo = 0, hi = fk->next;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (fk->ext[mid].ino == ino)
			return &fk->ext[mid];
		if (fk->ext[mid].ino < ino)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int
cmp_ext(const void *a, const void *b)
{
	cffs_ino_t x = ((const struct ext *)a)->ino;
	cffs_ino_t y = ((const struct ext *)b)->ino;

	return x < y ? -1 : x > y;
}

static int
fix_slot_clear(struct fsck *fk, struct dloc loc)
{
	return fk->repair ? dir_clear(fk->fs, loc) : 0;
}

static int
fix_inode(struct fsck *fk, struct inode *ip)
{
	return fk->repair ? iput(fk->fs, ip) : 0;
}

/* ---- the external-inode file ---- */
static int
scan_ifile(struct fsck *fk)
{
	struct inode ifp;
	struct dslot s;
	struct dloc loc;
	uint64_t fbn;
	uint32_t blk, i;
	int r;

	r = iget(fk->fs, fk->fs->ifile_ino, &ifp);
	if (r < 0 || !is_reg(&ifp.d) || ifp.d.size % CFFS_BSIZE != 0 ||
	    ifp.d.flags != IFL_SLOTS) {
		problem(fk, "external-inode file inode is bad, reset", fk->fs->ifile_ino,
		        NULL, 0, true);
		if (fk->repair) {
			r = slot_read(fk->fs, (struct dloc){ fk->fs->sbblk, IFILE_SLOT }, &s);
			if (r < 0)
				return r;
			memset(&s, 0, sizeof(s));
			s.type = SLOT_INODE;
			s.ino.mode = CFFS_S_IFREG | 0600;
			s.ino.nlink = 1;
			s.ino.flags = IFL_SLOTS;
			return slot_write(fk->fs, (struct dloc){ fk->fs->sbblk, IFILE_SLOT }, &s);
		}
		return 0;
	}
	r = check_map(fk, fk->fs->ifile_ino, &ifp.d);
	if (r < 0)
		return r;
	if (r == 1) {
		r = fix_inode(fk, &ifp);
		if (r < 0)
			return r;
	}
	for (fbn = 0; fbn < ifp.d.size / CFFS_BSIZE; fbn++) {
		r = bmap(fk->fs, &ifp, fbn, false, &blk);
		if (r < 0)
			return r;
		if (blk == 0)
			continue;
		for (i = 0; i < SLOTS_PER_BLOCK; i++) {
			loc.blk = blk;
			loc.slot = i;
			r = slot_read(fk->fs, loc, &s);
			if (r < 0)
				return r;
			if (s.type == SLOT_FREE)
				continue;
			if (s.type != SLOT_EXT || inode_check(fk->fs, &s.ino) < 0 ||
			    is_dir(&s.ino) || s.ino.flags != 0) {
				problem(fk, "bad external inode slot cleared",
				        mkino(blk, i), NULL, 0, true);
				r = fix_slot_clear(fk, loc);
				if (r < 0)
					return r;
				continue;
			}
			if (fk->next == fk->cap) {
				size_t nc = fk->cap ? fk->cap * 2 : 64;
				struct ext *ne = realloc(fk->ext, nc * sizeof(*ne));

				if (ne == NULL)
					return -CFFS_ENOMEM;
				fk->ext = ne;
				fk->cap = nc;
			}
			fk->ext[fk->next].ino = mkino(blk, i);
			fk->ext[fk->next].refs = 0;
			fk->next++;
		}
	}
	if (fk->next > 0)
		qsort(fk->ext, fk->next, sizeof(*fk->ext), cmp_ext);
	return 0;
}

static int
check_ext(struct fsck *fk)
{
	struct inode ip;
	size_t i;
	int r;

	for (i = 0; i < fk->next; i++) {
		struct dloc loc = { ino_blk(fk->ext[i].ino),
		                    ino_slot(fk->ext[i].ino) };

		if (fk->ext[i].refs == 0) {
			problem(fk, "unreferenced external inode freed",
			        fk->ext[i].ino, NULL, 0, true);
			r = fix_slot_clear(fk, loc);
			if (r < 0)
				return r;
			continue;
		}
		r = iget(fk->fs, fk->ext[i].ino, &ip);
		if (r < 0)
			return r;
		r = check_map(fk, ip.ino, &ip.d);
		if (r < 0)
			return r;
		if (ip.d.nlink != fk->ext[i].refs) {
			problem(fk, "wrong link count", ip.ino, NULL, 0, true);
			ip.d.nlink = fk->ext[i].refs;
			r = 1;
		}
		if (r == 1) {
			r = fix_inode(fk, &ip);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* ---- the directory tree ---- */
struct dstack {
	cffs_ino_t *v;
	size_t      n, cap;
};

static int
push(struct dstack *st, cffs_ino_t ino)
{
	if (st->n == st->cap) {
		size_t nc = st->cap ? st->cap * 2 : 64;
		cffs_ino_t *nv = realloc(st->v, nc * sizeof(*nv));

		if (nv == NULL)
			return -CFFS_ENOMEM;
		st->v = nv;
		st->cap = nc;
	}
	st->v[st->n++] = ino;
	return 0;
}

struct dscan {
	struct fsck  *fk;
	struct dstack *st;
	struct names  names;
	uint32_t      subdirs;
};

static int
scan_entry(struct cffs_fs *fs, void *arg, struct dloc loc,
           const struct dslot *ent)
{
	struct dscan *ds = arg;
	struct fsck *fk = ds->fk;
	cffs_ino_t ino = mkino(loc.blk, loc.slot);
	struct inode ip;
	struct ext *e;
	int r;

	(void)fs;
	if (ent->type != SLOT_INODE && ent->type != SLOT_REF) {
		problem(fk, "bad directory slot cleared", ino, NULL, 0, true);
		return fix_slot_clear(fk, loc);
	}
	if (name_ok(ent->name, ent->namelen) < 0) {
		problem(fk, "bad name, entry removed", ino, ent->name,
		        ent->namelen, true);
		return fix_slot_clear(fk, loc);
	}
	r = names_add(&ds->names, ent->name, ent->namelen);
	if (r < 0)
		return r;
	if (r == 1) {
		problem(fk, "duplicate name, entry removed", ino, ent->name,
		        ent->namelen, true);
		return fix_slot_clear(fk, loc);
	}
	if (ent->type == SLOT_REF) {
		e = ext_find(fk, ent->ref);
		if (e == NULL) {
			problem(fk, "reference to missing inode removed", ino,
			        ent->name, ent->namelen, true);
			return fix_slot_clear(fk, loc);
		}
		e->refs++;
		return 0;
	}
	if (inode_check(fk->fs, &ent->ino) < 0 || ent->ino.flags != 0) {
		problem(fk, "bad embedded inode, entry removed", ino, ent->name,
		        ent->namelen, true);
		return fix_slot_clear(fk, loc);
	}
	ip.ino = ino;
	ip.d = ent->ino;
	if (is_dir(&ip.d)) {
		ds->subdirs++;
		return push(ds->st, ino);       /* checked when popped */
	}
	r = check_map(fk, ino, &ip.d);
	if (r < 0)
		return r;
	if (ip.d.nlink != 1) {
		problem(fk, "wrong link count", ino, ent->name, ent->namelen,
		        true);
		ip.d.nlink = 1;
		r = 1;
	}
	return r == 1 ? fix_inode(fk, &ip) : 0;
}

static int
check_dir(struct fsck *fk, struct dstack *st, cffs_ino_t ino)
{
	struct dscan ds = { fk, st, { NULL, NULL, 0, 0 }, 0 };
	struct inode dp;
	bool changed;
	int r;

	r = iget(fk->fs, ino, &dp);
	if (r < 0)
		return r;
	r = check_map(fk, ino, &dp.d);
	if (r < 0)
		return r;
	changed = r == 1;
	if (dp.d.group >= fk->fs->sb.nblocks) {
		problem(fk, "bad group", ino, NULL, 0, true);
		dp.d.group = fk->fs->sb.data_start;
		changed = true;
	}
	/* dir_iter reads through dp's (repaired) map */
	r = dir_iter(fk->fs, &dp, scan_entry, &ds);
	names_free(&ds.names);
	if (r < 0)
		return r;
	if (dp.d.nlink != 2 + ds.subdirs) {
		problem(fk, "wrong directory link count", ino, NULL, 0, true);
		dp.d.nlink = 2 + ds.subdirs;
		changed = true;
	}
	return changed ? fix_inode(fk, &dp) : 0;
}

/* ---- free bitmap ---- */
static int
check_bitmap(struct fsck *fk)
{
	struct cffs_fs *fs = fk->fs;
	uint32_t bb, i, leaked = 0, lost = 0, nfree = 0;
	uint64_t blk;
	struct buf *b;
	int r;

	for (bb = 0; bb < fs->sb.bitmap_blocks; bb++) {
		bool dirty = false;

		r = bget(fs, fs->sb.bitmap_start + bb, 0, &b);
		if (r < 0)
			return r;
		for (i = 0; i < CFFS_BSIZE * 8; i++) {
			bool on, want;

			blk = (uint64_t)bb * CFFS_BSIZE * 8 + i;
			on = (b->data[i / 8] >> (i % 8)) & 1;
			/* XN's free map keeps the bits past the end clear */
			want = blk < fs->sb.data_start ||
			       (blk >= fs->sb.nblocks ? fs->sbblk == 0 :
			        is_claimed(fk, (uint32_t)blk));
			if (!want && blk < fs->sb.nblocks)
				nfree++;
			if (on == want)
				continue;
			if (on)
				leaked++;
			else
				lost++;
			if (fk->repair) {
				b->data[i / 8] ^= (uint8_t)(1u << (i % 8));
				dirty = true;
			}
		}
		if (dirty)
			bdirty(b);
		bput(b);
	}
	if (leaked > 0) {
		struct msg m = { .n = 0 };

		m_u(&m, leaked);
		m_s(&m, " blocks marked used but not referenced");
		problem(fk, m.s, 0, NULL, 0, true);
	}
	if (lost > 0) {
		struct msg m = { .n = 0 };

		m_u(&m, lost);
		m_s(&m, " referenced blocks marked free");
		problem(fk, m.s, 0, NULL, 0, true);
	}
	fs->sb.free_blocks = nfree;
	return 0;
}

static int
run(struct fsck *fk)
{
	struct dstack st = { NULL, 0, 0 };
	struct inode root;
	int r;

	r = iget(fk->fs, fk->fs->root_ino, &root);
	if (r < 0 || !is_dir(&root.d)) {
		problem(fk, "root directory inode is bad", fk->fs->root_ino, NULL, 0,
		        false);
		return 0;
	}
	r = scan_ifile(fk);
	if (r < 0)
		return r;
	r = push(&st, fk->fs->root_ino);
	while (r == 0 && st.n > 0)
		r = check_dir(fk, &st, st.v[--st.n]);
	free(st.v);
	if (r < 0)
		return r;
	r = check_ext(fk);
	if (r < 0)
		return r;
	return check_bitmap(fk);
}

int
cffs_fsck(struct cffs_bdev *dev, int flags, cffs_report_fn report, void *arg)
{
	int (*check)(struct cffs_bdev *, cffs_report_fn, void *, int);
	struct fsck fk;
	struct msg m = { .n = 0 };
	int r, r2, xn_refused = 0;

	memset(&fk, 0, sizeof(fk));
	fk.repair = !(flags & CFFS_FSCK_NOREPAIR);
	fk.report = report;
	fk.arg = arg;
	r = fs_open(dev, (fk.repair ? 0 : CFFS_RDONLY) | FS_RAW, &fk.fs);
	if (r < 0) {
		m_s(&m, "cannot read superblock: ");
		m_s(&m, r == -CFFS_EINVAL ? "not a C-FFS file system"
		                          : cffs_strerror(r));
		say(&fk, &m);
		return r == -CFFS_EIO || r == -CFFS_ENOMEM ? r : 4;
	}
	/*
	 * The layout's own check first (the storage backend's: for the XN
	 * layout, XN's mount).  When XN refuses the disk, the tree it sees
	 * is C-FFS's metadata read through C-FFS's UDFs: the raw check below
	 * finds what is wrong with it (a block claimed twice, a pointer
	 * outside the data area) and, repairing, clears it and rewrites XN's
	 * free map; XN is asked again at the end.
	 */
	r = (flags & FSCK_NOXN) ? 0 :
	    fk.fs->store->check(dev, report, arg, fk.repair);
	if (r == -CFFS_EUCLEAN) {
		xn_refused = 1;
		/* nothing C-FFS could mend: XN's own area is damaged, and
		 * nothing is written */
		if (fk.repair && cffs_fsck(dev, CFFS_FSCK_NOREPAIR | FSCK_NOXN,
		    NULL, NULL) == 0) {
			fs_close(fk.fs);
			m_s(&m, "not repaired: the damage is in XN's own area");
			say(&fk, &m);
			return 4;
		}
	} else if (r < 0) {
		fs_close(fk.fs);
		return r;
	}
	if (fk.fs->sb.state != 1) {
		m_s(&m, "file system was not cleanly unmounted");
		say(&fk, &m);
	}
	fk.claimed = calloc(fk.fs->sb.nblocks / 8 + 1, 1);
	if (fk.claimed != NULL && fk.fs->sbblk != 0)
		claim(&fk, fk.fs->sbblk);       /* XN layout: root block */
	if (fk.claimed == NULL) {
		fs_close(fk.fs);
		return -CFFS_ENOMEM;
	}
	r = run(&fk);
	if (r == -CFFS_EUCLEAN) {
		problem(&fk, "unrepairable structure met, check stopped", 0,
		        NULL, 0, false);
		r = 0;
	}
	free(fk.claimed);
	free(fk.ext);
	r2 = 0;
	if (fk.repair && r == 0) {
		if (fk.fatal == 0)
			fk.fs->sb.state = 1;
		r2 = cffs_sync(fk.fs);
	}
	check = fk.fs->store->check;
	fs_close(fk.fs);
	if (r < 0)
		return r;
	if (r2 < 0)
		return r2;
	if (xn_refused) {
		/* XN's refusal is an error; fixed only if XN now agrees */
		if (fk.repair && fk.fatal == 0 &&
		    check(dev, NULL, NULL, 0) == 0)
			problem(&fk, "XN accepts the disk after the repair", 0,
			        NULL, 0, true);
		else
			problem(&fk, fk.repair ? "XN still refuses the disk "
			        "after the repair" : "not repaired (XN would "
			        "refuse to mount it)", 0, NULL, 0, false);
	}
	if (fk.errors == 0)
		return 0;
	if (fk.fatal > 0 || !fk.repair)
		return 4;
	return 1;
}
