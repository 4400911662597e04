/*
 * ops.c - the C-FFS name space and file operations behind cffs.h: path
 * resolution, create, mkdir, symlink, link, unlink, rmdir, rename,
 * attributes, read, write, truncate, readdir.
 *
 * Hard links: a file is born with its inode embedded in its directory
 * entry.  The first link() moves the inode to a slot of the external-inode
 * file and turns the entry into a reference (SLOT_REF); every further
 * name is another reference.  The inode stays external until it dies.
 */
#include "cffs_int.h"

#define LINK_MAX 65000u

cffs_ino_t
ent_ino(struct dloc loc, const struct dslot *ent)
{
	return ent->type == SLOT_REF ? ent->ref : mkino(loc.blk, loc.slot);
}

/* Resolve the inode an entry names. */
static int
ent_get(struct cffs_fs *fs, struct dloc loc, const struct dslot *ent,
        struct inode *ip)
{
	return iget(fs, ent_ino(loc, ent), ip);
}

/*
 * Walk an absolute path.  On success w->dir is the directory holding the
 * last component, w->found says whether it exists (then w->loc, w->ent and
 * w->ip describe it).  "/" and paths ending in "." or ".." resolve to a
 * directory with w->name == NULL.  w->hit is set when a directory with
 * inode number avoid was passed through or reached.
 */
int
path_walk(struct cffs_fs *fs, const char *path, cffs_ino_t avoid,
          struct walk *w)
{
	size_t plen, i = 0, n;
	cffs_ino_t *stack;
	size_t depth = 0;
	struct inode cur;
	int r;

	memset(w, 0, sizeof(*w));
	if (path == NULL || path[0] != '/')
		return -CFFS_EINVAL;
	for (plen = 0; plen <= CFFS_PATH_MAX && path[plen] != '\0'; plen++)
		;
	if (plen > CFFS_PATH_MAX)
		return -CFFS_ENAMETOOLONG;
	stack = malloc((plen / 2 + 2) * sizeof(*stack));
	if (stack == NULL)
		return -CFFS_ENOMEM;
	r = iget(fs, fs->root_ino, &cur);
	if (r < 0)
		goto out;
	if (!is_dir(&cur.d)) {
		r = -CFFS_EUCLEAN;
		goto out;
	}
	w->hit = avoid == fs->root_ino;
	w->dir = cur;
	w->ip = cur;
	w->found = true;
	for (;;) {
		while (path[i] == '/')
			i++;
		if (path[i] == '\0')
			break;
		for (n = 0; path[i + n] != '/' && path[i + n] != '\0'; n++)
			;
		if (!w->found || !is_dir(&w->ip.d)) {
			r = w->found ? -CFFS_ENOTDIR : -CFFS_ENOENT;
			goto out;
		}
		cur = w->ip;
		if (n == 1 && path[i] == '.') {
			w->dir = cur;
			w->name = NULL;
		} else if (n == 2 && path[i] == '.' && path[i + 1] == '.') {
			if (depth > 0) {
				r = iget(fs, stack[--depth], &cur);
				if (r < 0)
					goto out;
			}
			w->ip = cur;
			w->dir = cur;
			w->name = NULL;
		} else {
			if (n > CFFS_NAME_MAX) {
				r = -CFFS_ENAMETOOLONG;
				goto out;
			}
			stack[depth++] = cur.ino;
			w->dir = cur;
			w->name = path + i;
			w->namelen = n;
			r = dir_lookup(fs, &cur, path + i, n, &w->loc, &w->ent);
			if (r == -CFFS_ENOENT) {
				w->found = false;
			} else if (r < 0) {
				goto out;
			} else {
				r = ent_get(fs, w->loc, &w->ent, &w->ip);
				if (r < 0)
					goto out;
				w->ip.gowner = cur.ino;
				w->found = true;
			}
		}
		if (w->found && w->ip.ino == avoid)
			w->hit = true;
		i += n;
	}
	r = 0;
out:
	free(stack);
	return r;
}

void
stat_fill(const struct inode *ip, int embedded, struct cffs_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->ino = ip->ino;
	st->mode = ip->d.mode;
	st->nlink = ip->d.nlink;
	st->uid = ip->d.uid;
	st->gid = ip->d.gid;
	st->size = ip->d.size;
	st->blocks = ip->d.nblocks;
	st->atime.sec = ip->d.atime;
	st->atime.nsec = ip->d.atime_ns;
	st->mtime.sec = ip->d.mtime;
	st->mtime.nsec = ip->d.mtime_ns;
	st->ctime.sec = ip->d.ctime;
	st->ctime.nsec = ip->d.ctime_ns;
	st->embedded = embedded;
}

/* Walk that must find an existing file. */
static int
walk_found(struct cffs_fs *fs, const char *path, struct walk *w)
{
	int r = path_walk(fs, path, 0, w);

	if (r < 0)
		return r;
	return w->found ? 0 : -CFFS_ENOENT;
}

int
cffs_lookup(struct cffs_fs *fs, const char *path, cffs_ino_t *ino)
{
	struct walk w;
	int r = walk_found(fs, path, &w);

	if (r == 0)
		*ino = w.ip.ino;
	return r;
}

int
cffs_stat(struct cffs_fs *fs, const char *path, struct cffs_stat *st)
{
	struct walk w;
	int r = walk_found(fs, path, &w);

	if (r == 0)
		stat_fill(&w.ip, w.name != NULL && w.ent.type == SLOT_INODE, st);
	return r;
}

/* Add a new name with a fresh embedded inode to w->dir. */
static int
new_entry(struct cffs_fs *fs, struct walk *w, uint32_t mode, uint32_t uid,
          uint32_t gid, struct inode *out)
{
	struct dslot s;
	struct dloc loc;
	int r;

	if (fs->rdonly)
		return -CFFS_EROFS;
	if (w->found)
		return -CFFS_EEXIST;
	r = name_ok(w->name, w->namelen);
	if (r < 0)
		return r;
	memset(&s, 0, sizeof(s));
	s.type = SLOT_INODE;
	s.namelen = (uint8_t)w->namelen;
	memcpy(s.name, w->name, w->namelen);
	s.ino.mode = mode;
	s.ino.nlink = 1;
	s.ino.uid = uid;
	s.ino.gid = gid;
	inode_touch(fs, &s.ino, TOUCH_A | TOUCH_M | TOUCH_C);
	if (is_dir(&s.ino)) {
		if (w->dir.d.nlink >= LINK_MAX)
			return -CFFS_EMLINK;
		s.ino.nlink = 2;
		s.ino.group = w->dir.d.group;
	}
	r = dir_add(fs, &w->dir, &s, &loc);
	if (r < 0)
		return r;
	if (is_dir(&s.ino))
		w->dir.d.nlink++;
	inode_touch(fs, &w->dir.d, TOUCH_M | TOUCH_C);
	r = iput(fs, &w->dir);
	if (r < 0)
		return r;
	if (out != NULL) {
		out->ino = mkino(loc.blk, loc.slot);
		out->d = s.ino;
		out->gowner = w->dir.ino;
	}
	return 0;
}

static int
create_at(struct cffs_fs *fs, const char *path, uint32_t mode, uint32_t uid,
          uint32_t gid, struct inode *out)
{
	struct walk w;
	int r = path_walk(fs, path, 0, &w);

	if (r < 0)
		return r;
	if (w.name == NULL)
		return -CFFS_EEXIST;
	return new_entry(fs, &w, mode, uid, gid, out);
}

int
cffs_create(struct cffs_fs *fs, const char *path, uint32_t mode,
            uint32_t uid, uint32_t gid)
{
	return create_at(fs, path, CFFS_S_IFREG | (mode & 07777), uid, gid,
	                 NULL);
}

int
cffs_mkdir(struct cffs_fs *fs, const char *path, uint32_t mode,
           uint32_t uid, uint32_t gid)
{
	return create_at(fs, path, CFFS_S_IFDIR | (mode & 07777), uid, gid,
	                 NULL);
}

int
cffs_mkfifo(struct cffs_fs *fs, const char *path, uint32_t mode,
            uint32_t uid, uint32_t gid)
{
	return create_at(fs, path, CFFS_S_IFIFO | (mode & 07777), uid, gid,
	                 NULL);
}

int
cffs_symlink(struct cffs_fs *fs, const char *target, const char *path,
             uint32_t uid, uint32_t gid)
{
	struct inode ip;
	size_t n = strlen(target);
	long w;
	int r;

	if (n == 0)
		return -CFFS_ENOENT;
	if (n >= CFFS_BSIZE)
		return -CFFS_ENAMETOOLONG;
	r = create_at(fs, path, CFFS_S_IFLNK | 0777, uid, gid, &ip);
	if (r < 0)
		return r;
	w = inode_write(fs, &ip, 0, target, n);
	r = iput(fs, &ip);
	if (w < 0)
		return (int)w;
	return r;
}

int
cffs_readlink(struct cffs_fs *fs, const char *path, char *buf, size_t size)
{
	struct walk w;
	long n;
	int r = walk_found(fs, path, &w);

	if (r < 0)
		return r;
	if (!is_lnk(&w.ip.d))
		return -CFFS_EINVAL;
	if (size == 0)
		return -CFFS_EINVAL;
	n = inode_read(fs, &w.ip, 0, buf, size - 1);
	if (n < 0)
		return (int)n;
	buf[n] = '\0';
	return (int)n;
}

/* A free slot in the external-inode file, growing it if needed. */
static int
ifile_alloc(struct cffs_fs *fs, cffs_ino_t *ino)
{
	struct inode ifp;
	struct buf *b;
	uint64_t fbn, nb;
	uint32_t blk, i;
	int r;

	r = iget(fs, fs->ifile_ino, &ifp);
	if (r < 0)
		return r;
	nb = ifp.d.size / CFFS_BSIZE;
	for (fbn = 0; fbn < nb; fbn++) {
		r = bmap(fs, &ifp, fbn, false, &blk);
		if (r < 0)
			return r;
		if (blk == 0)
			continue;
		r = bget(fs, blk, 0, &b);
		if (r < 0)
			return r;
		for (i = 0; i < SLOTS_PER_BLOCK; i++)
			if (b->data[i * SLOT_SIZE] == SLOT_FREE)
				break;
		bput(b);
		if (i < SLOTS_PER_BLOCK) {
			*ino = mkino(blk, i);
			return 0;
		}
	}
	r = bmap(fs, &ifp, nb, true, &blk);
	if (r < 0)
		return r;
	r = bget(fs, blk, GET_NOREAD, &b);
	if (r < 0)
		return r;
	bdirty(b);
	bput(b);
	ifp.d.size += CFFS_BSIZE;
	r = iput(fs, &ifp);
	if (r < 0)
		return r;
	*ino = mkino(blk, 0);
	return 0;
}

/* Drop one name of inode ip whose entry was ent; frees it at zero. */
static int
drop_link(struct cffs_fs *fs, const struct dslot *ent, struct inode *ip)
{
	struct dloc loc = { ino_blk(ip->ino), ino_slot(ip->ino) };
	int r;

	if (ent->type == SLOT_REF && ip->d.nlink > 1) {
		ip->d.nlink--;
		inode_touch(fs, &ip->d, TOUCH_C);
		return iput(fs, ip);
	}
	r = inode_truncate(fs, ip, 0);
	if (ent->type == SLOT_REF) {
		int r2 = dir_clear(fs, loc);

		if (r == 0)
			r = r2;
	}
	return r;
}

static int
link_do(struct cffs_fs *fs, const char *oldpath, const char *newpath)
{
	struct walk wo, wn;
	struct dslot ext, ref;
	struct dloc eloc, nloc;
	cffs_ino_t eino;
	struct inode ip;
	int r;

	if (fs->rdonly)
		return -CFFS_EROFS;
	r = walk_found(fs, oldpath, &wo);
	if (r < 0)
		return r;
	if (wo.name == NULL || is_dir(&wo.ip.d))
		return -CFFS_EPERM;
	r = path_walk(fs, newpath, 0, &wn);
	if (r < 0)
		return r;
	if (wn.name == NULL || wn.found)
		return -CFFS_EEXIST;
	r = name_ok(wn.name, wn.namelen);
	if (r < 0)
		return r;
	if (wo.ip.d.nlink >= LINK_MAX)
		return -CFFS_EMLINK;
	if (wo.ent.type == SLOT_INODE) {
		/* first extra link: move the inode out of the entry */
		r = ifile_alloc(fs, &eino);
		if (r < 0)
			return r;
		memset(&ext, 0, sizeof(ext));
		ext.type = SLOT_EXT;
		ext.ino = wo.ip.d;
		eloc.blk = ino_blk(eino);
		eloc.slot = ino_slot(eino);
		r = slot_write(fs, eloc, &ext);
		if (r < 0)
			return r;
		ref = wo.ent;
		ref.type = SLOT_REF;
		ref.ref = eino;
		memset(&ref.ino, 0, sizeof(ref.ino));
		r = slot_write(fs, wo.loc, &ref);
		if (r < 0)
			return r;
	} else {
		eino = wo.ent.ref;
	}
	r = iget(fs, eino, &ip);
	if (r < 0)
		return r;
	ip.d.nlink++;
	inode_touch(fs, &ip.d, TOUCH_C);
	r = iput(fs, &ip);
	if (r < 0)
		return r;
	/* the new name's parent may have changed above; read it again */
	r = iget(fs, wn.dir.ino, &wn.dir);
	if (r < 0)
		return r;
	memset(&ref, 0, sizeof(ref));
	ref.type = SLOT_REF;
	ref.ref = eino;
	ref.namelen = (uint8_t)wn.namelen;
	memcpy(ref.name, wn.name, wn.namelen);
	r = dir_add(fs, &wn.dir, &ref, &nloc);
	if (r < 0) {
		ip.d.nlink--;
		iput(fs, &ip);
		return r;
	}
	inode_touch(fs, &wn.dir.d, TOUCH_M | TOUCH_C);
	return iput(fs, &wn.dir);
}

static int
remove_name(struct cffs_fs *fs, const char *path, bool dir)
{
	struct walk w;
	int r = walk_found(fs, path, &w);

	if (r < 0)
		return r;
	if (fs->rdonly)
		return -CFFS_EROFS;
	if (w.name == NULL)
		return dir ? -CFFS_EBUSY : -CFFS_EISDIR;
	if (dir && !is_dir(&w.ip.d))
		return -CFFS_ENOTDIR;
	if (!dir && is_dir(&w.ip.d))
		return -CFFS_EISDIR;
	if (dir) {
		r = dir_empty(fs, &w.ip);
		if (r < 0)
			return r;
	}
	r = dir_clear(fs, w.loc);
	if (r < 0)
		return r;
	r = drop_link(fs, &w.ent, &w.ip);
	if (dir && w.dir.d.nlink > 2)
		w.dir.d.nlink--;
	inode_touch(fs, &w.dir.d, TOUCH_M | TOUCH_C);
	if (r == 0)
		r = iput(fs, &w.dir);
	else
		iput(fs, &w.dir);
	return r;
}

int
cffs_unlink(struct cffs_fs *fs, const char *path)
{
	return remove_name(fs, path, false);
}

int
cffs_rmdir(struct cffs_fs *fs, const char *path)
{
	return remove_name(fs, path, true);
}

static int
rename_do(struct cffs_fs *fs, const char *from, const char *to)
{
	struct walk wf, wt;
	struct dslot s;
	struct dloc nloc;
	struct inode op;
	bool sdir, cross;
	int r;

	if (fs->rdonly)
		return -CFFS_EROFS;
	r = walk_found(fs, from, &wf);
	if (r < 0)
		return r;
	if (wf.name == NULL)
		return -CFFS_EBUSY;
	sdir = is_dir(&wf.ip.d);
	r = path_walk(fs, to, sdir ? wf.ip.ino : 0, &wt);
	if (r < 0)
		return r;
	if (wt.name == NULL)
		return -CFFS_EBUSY;
	r = name_ok(wt.name, wt.namelen);
	if (r < 0)
		return r;
	if (wt.found && wt.loc.blk == wf.loc.blk && wt.loc.slot == wf.loc.slot)
		return 0;
	if (wt.found && wf.ent.type == SLOT_REF && wt.ent.type == SLOT_REF &&
	    wf.ent.ref == wt.ent.ref)
		return 0;
	if (sdir && wt.hit)
		return -CFFS_EINVAL;    /* into its own subtree */
	cross = wf.dir.ino != wt.dir.ino;
	if (sdir && cross && wt.dir.d.nlink >= LINK_MAX && !wt.found)
		return -CFFS_EMLINK;
	if (wt.found) {
		if (is_dir(&wt.ip.d)) {
			if (!sdir)
				return -CFFS_EISDIR;
			r = dir_empty(fs, &wt.ip);
			if (r < 0)
				return r;
		} else if (sdir) {
			return -CFFS_ENOTDIR;
		}
	}
	s = wf.ent;
	memset(s.name, 0, sizeof(s.name));
	memcpy(s.name, wt.name, wt.namelen);
	s.namelen = (uint8_t)wt.namelen;
	if (s.type == SLOT_INODE)
		inode_touch(fs, &s.ino, TOUCH_C);
	if (wt.found) {
		/* take over the victim's slot (no allocation), then drop it */
		nloc = wt.loc;
		r = slot_write(fs, nloc, &s);
		if (r < 0)
			return r;
		r = drop_link(fs, &wt.ent, &wt.ip);
		if (r < 0)
			return r;
		if (is_dir(&wt.ip.d))
			wt.dir.d.nlink--;
	} else {
		r = dir_add(fs, &wt.dir, &s, &nloc);
		if (r < 0)
			return r;
	}
	if (s.type == SLOT_REF) {
		inode_touch(fs, &wf.ip.d, TOUCH_C);
		r = iput(fs, &wf.ip);
		if (r < 0)
			return r;
	}
	r = dir_clear(fs, wf.loc);
	if (r < 0)
		return r;
	if (sdir && cross)
		wt.dir.d.nlink++;
	inode_touch(fs, &wt.dir.d, TOUCH_M | TOUCH_C);
	r = iput(fs, &wt.dir);
	if (r < 0 || !cross)
		return r;
	r = iget(fs, wf.dir.ino, &op);
	if (r < 0)
		return r;
	if (sdir && op.d.nlink > 2)
		op.d.nlink--;
	inode_touch(fs, &op.d, TOUCH_M | TOUCH_C);
	return iput(fs, &op);
}

/*
 * Over XN, a rename and a first link move pointers between blocks
 * (xn_move).  Committing before and after each keeps one operation's
 * moves apart from another's, so that XN never sees two renames crossing
 * (which it could refuse as a cycle) in one commit.
 */
int
cffs_link(struct cffs_fs *fs, const char *oldpath, const char *newpath)
{
	int r = fs->rdonly ? 0 : cache_commit(fs);

	if (r == 0)
		r = link_do(fs, oldpath, newpath);
	if (r == 0)
		r = cache_commit(fs);
	return r;
}

int
cffs_rename(struct cffs_fs *fs, const char *from, const char *to)
{
	int r = fs->rdonly ? 0 : cache_commit(fs);

	if (r == 0)
		r = rename_do(fs, from, to);
	if (r == 0)
		r = cache_commit(fs);
	return r;
}

typedef void attr_fn(struct dinode *d, const void *arg);

/* Change the found inode ip with fn, stamp ctime and write back. */
static int
attr_apply(struct cffs_fs *fs, struct inode *ip, attr_fn *fn, const void *arg)
{
	if (fs->rdonly)
		return -CFFS_EROFS;
	fn(&ip->d, arg);
	inode_touch(fs, &ip->d, TOUCH_C);
	return iput(fs, ip);
}

/* Find by name, then attr_apply. */
static int
setattr(struct cffs_fs *fs, const char *path, attr_fn *fn, const void *arg)
{
	struct walk w;
	int r = walk_found(fs, path, &w);

	if (r < 0)
		return r;
	return attr_apply(fs, &w.ip, fn, arg);
}

static void
set_mode(struct dinode *d, const void *arg)
{
	d->mode = (d->mode & CFFS_S_IFMT) | (*(const uint32_t *)arg & 07777);
}

static void
set_owner(struct dinode *d, const void *arg)
{
	const uint32_t *v = arg;

	if (v[0] != (uint32_t)-1)
		d->uid = v[0];
	if (v[1] != (uint32_t)-1)
		d->gid = v[1];
}

/* A nanosecond count out of range (EINVAL)? */
static int
bad_times(const struct cffs_time *const t[2])
{
	for (int i = 0; i < 2; i++)
		if (t[i] != NULL && t[i]->nsec >= 1000000000u)
			return 1;
	return 0;
}

static void
set_times(struct dinode *d, const void *arg)
{
	const struct cffs_time *const *t = arg;

	if (t[0] != NULL) {
		d->atime = t[0]->sec;
		d->atime_ns = t[0]->nsec;
	}
	if (t[1] != NULL) {
		d->mtime = t[1]->sec;
		d->mtime_ns = t[1]->nsec;
	}
}

int
cffs_chmod(struct cffs_fs *fs, const char *path, uint32_t mode)
{
	return setattr(fs, path, set_mode, &mode);
}

int
cffs_chown(struct cffs_fs *fs, const char *path, uint32_t uid, uint32_t gid)
{
	uint32_t v[2] = { uid, gid };

	return setattr(fs, path, set_owner, v);
}

int
cffs_utimens(struct cffs_fs *fs, const char *path,
             const struct cffs_time *atime, const struct cffs_time *mtime)
{
	const struct cffs_time *t[2] = { atime, mtime };

	if (bad_times(t))
		return -CFFS_EINVAL;
	return setattr(fs, path, set_times, t);
}

long
cffs_read(struct cffs_fs *fs, const char *path, uint64_t off, void *buf,
          size_t len)
{
	struct walk w;
	long n;
	int r = walk_found(fs, path, &w);

	if (r < 0)
		return r;
	if (is_dir(&w.ip.d))
		return -CFFS_EISDIR;
	n = inode_read(fs, &w.ip, off, buf, len);
	/* relatime: stamp atime only when it is older than mtime or ctime */
	if (n >= 0 && !fs->rdonly &&
	    (w.ip.d.atime < w.ip.d.mtime || w.ip.d.atime < w.ip.d.ctime)) {
		inode_touch(fs, &w.ip.d, TOUCH_A);
		r = iput(fs, &w.ip);
		if (r < 0)
			return r;
	}
	return n;
}

long
cffs_write(struct cffs_fs *fs, const char *path, uint64_t off,
           const void *buf, size_t len)
{
	struct walk w;
	long n;
	int r = walk_found(fs, path, &w);

	if (r < 0)
		return r;
	if (fs->rdonly)
		return -CFFS_EROFS;
	if (is_dir(&w.ip.d))
		return -CFFS_EISDIR;
	if (!is_reg(&w.ip.d))
		return -CFFS_EINVAL;
	if (len == 0)
		return 0;
	n = inode_write(fs, &w.ip, off, buf, len);
	if (n > 0)
		inode_touch(fs, &w.ip.d, TOUCH_M | TOUCH_C);
	r = iput(fs, &w.ip);
	return r < 0 ? r : n;
}

int
cffs_truncate(struct cffs_fs *fs, const char *path, uint64_t size)
{
	struct walk w;
	int r = walk_found(fs, path, &w);
	int r2;

	if (r < 0)
		return r;
	if (fs->rdonly)
		return -CFFS_EROFS;
	if (is_dir(&w.ip.d))
		return -CFFS_EISDIR;
	if (!is_reg(&w.ip.d))
		return -CFFS_EINVAL;
	r = inode_truncate(fs, &w.ip, size);
	inode_touch(fs, &w.ip.d, TOUCH_M | TOUCH_C);
	r2 = iput(fs, &w.ip);
	return r < 0 ? r : r2;
}

int
cffs_fsync(struct cffs_fs *fs, const char *path)
{
	struct walk w;
	int r = walk_found(fs, path, &w);

	if (r < 0)
		return r;
	return cffs_sync(fs);
}

struct rd {
	cffs_dirent_fn fn;
	void          *arg;
};

static int
readdir_fn(struct cffs_fs *fs, void *arg, struct dloc loc,
           const struct dslot *s)
{
	struct rd *rd = arg;
	struct cffs_stat st;
	struct inode ip;
	char name[CFFS_NAME_MAX + 1];
	int r;

	if ((s->type != SLOT_INODE && s->type != SLOT_REF) ||
	    name_ok(s->name, s->namelen) < 0)
		return -CFFS_EUCLEAN;
	if (s->type == SLOT_INODE) {
		r = inode_check(fs, &s->ino);
		if (r < 0)
			return r;
		ip.ino = mkino(loc.blk, loc.slot);
		ip.d = s->ino;
	} else {
		r = ent_get(fs, loc, s, &ip);
		if (r < 0)
			return r;
	}
	memcpy(name, s->name, s->namelen);
	name[s->namelen] = '\0';
	stat_fill(&ip, s->type == SLOT_INODE, &st);
	return rd->fn(rd->arg, name, &st);
}

int
cffs_readdir(struct cffs_fs *fs, const char *path, cffs_dirent_fn fn,
             void *arg)
{
	struct walk w;
	struct rd rd = { fn, arg };
	int r = walk_found(fs, path, &w);

	if (r < 0)
		return r;
	if (!is_dir(&w.ip.d))
		return -CFFS_ENOTDIR;
	return dir_iter(fs, &w.ip, readdir_fn, &rd);
}

/*
 * By inode number (cffs.h, "Open files").  The number is where the
 * inode lives: a directory entry (embedded) or a slot of the inode
 * file (external).  A number that no longer holds an inode is stale.
 */
static int
hget(struct cffs_fs *fs, cffs_ino_t ino, struct inode *ip, int *embedded)
{
	struct dloc loc = { ino_blk(ino), ino_slot(ino) };
	struct dslot s;
	int r;

	if (ino / SLOTS_PER_BLOCK >= fs->sb.nblocks ||
	    (loc.blk == fs->sbblk ? loc.slot != ROOT_SLOT &&
	     loc.slot != IFILE_SLOT : !blk_valid(fs, loc.blk)))
		return -CFFS_ESTALE;
	if (ino == fs->ifile_ino)
		return -CFFS_ESTALE;            /* not a file of the tree */
	r = slot_read(fs, loc, &s);
	if (r < 0)
		return r;
	if (s.type != SLOT_INODE && s.type != SLOT_EXT)
		return -CFFS_ESTALE;
	r = inode_check(fs, &s.ino);
	if (r < 0)
		return r;
	ip->ino = ino;
	ip->d = s.ino;
	ip->gowner = 0;
	if (embedded != NULL)
		*embedded = s.type == SLOT_INODE;
	return 0;
}

int
cffs_istat(struct cffs_fs *fs, cffs_ino_t ino, struct cffs_stat *st)
{
	struct inode ip;
	int emb, r = hget(fs, ino, &ip, &emb);

	if (r == 0)
		stat_fill(&ip, emb, st);
	return r;
}

long
cffs_iread(struct cffs_fs *fs, cffs_ino_t ino, uint64_t off, void *buf,
           size_t len)
{
	struct inode ip;
	long n;
	int r = hget(fs, ino, &ip, NULL);

	if (r < 0)
		return r;
	if (is_dir(&ip.d))
		return -CFFS_EISDIR;
	n = inode_read(fs, &ip, off, buf, len);
	if (n >= 0 && !fs->rdonly &&
	    (ip.d.atime < ip.d.mtime || ip.d.atime < ip.d.ctime)) {
		inode_touch(fs, &ip.d, TOUCH_A);
		r = iput(fs, &ip);
		if (r < 0)
			return r;
	}
	return n;
}

long
cffs_iwrite(struct cffs_fs *fs, cffs_ino_t ino, uint64_t off,
            const void *buf, size_t len)
{
	struct inode ip;
	long n;
	int r = hget(fs, ino, &ip, NULL);

	if (r < 0)
		return r;
	if (fs->rdonly)
		return -CFFS_EROFS;
	if (is_dir(&ip.d))
		return -CFFS_EISDIR;
	if (!is_reg(&ip.d))
		return -CFFS_EINVAL;
	if (len == 0)
		return 0;
	n = inode_write(fs, &ip, off, buf, len);
	if (n > 0)
		inode_touch(fs, &ip.d, TOUCH_M | TOUCH_C);
	r = iput(fs, &ip);
	return r < 0 ? r : n;
}

int
cffs_itruncate(struct cffs_fs *fs, cffs_ino_t ino, uint64_t size)
{
	struct inode ip;
	int r2, r = hget(fs, ino, &ip, NULL);

	if (r < 0)
		return r;
	if (fs->rdonly)
		return -CFFS_EROFS;
	if (is_dir(&ip.d))
		return -CFFS_EISDIR;
	if (!is_reg(&ip.d))
		return -CFFS_EINVAL;
	r = inode_truncate(fs, &ip, size);
	inode_touch(fs, &ip.d, TOUCH_M | TOUCH_C);
	r2 = iput(fs, &ip);
	return r < 0 ? r : r2;
}

/* Find by number an inode of type (CFFS_S_IF...), then attr_apply (an
 * open FIFO's fchmod, fchown, futimens: the libOS keeps its number, not
 * its name).  Another type there: -CFFS_ESTALE (the number no longer
 * holds the caller's file), nothing changed. */
static int
isetattr(struct cffs_fs *fs, cffs_ino_t ino, uint32_t type, attr_fn *fn,
         const void *arg)
{
	struct inode ip;
	int r = hget(fs, ino, &ip, NULL);

	if (r < 0)
		return r;
	if ((ip.d.mode & CFFS_S_IFMT) != type)
		return -CFFS_ESTALE;
	return attr_apply(fs, &ip, fn, arg);
}

int
cffs_ichmod(struct cffs_fs *fs, cffs_ino_t ino, uint32_t mode)
{
	return isetattr(fs, ino, CFFS_S_IFIFO, set_mode, &mode);
}

int
cffs_ichown(struct cffs_fs *fs, cffs_ino_t ino, uint32_t uid, uint32_t gid)
{
	uint32_t v[2] = { uid, gid };

	return isetattr(fs, ino, CFFS_S_IFIFO, set_owner, v);
}

int
cffs_iutimens(struct cffs_fs *fs, cffs_ino_t ino,
              const struct cffs_time *atime, const struct cffs_time *mtime)
{
	const struct cffs_time *t[2] = { atime, mtime };

	if (bad_times(t))
		return -CFFS_EINVAL;
	return isetattr(fs, ino, CFFS_S_IFIFO, set_times, t);
}

int
cffs_ireaddir(struct cffs_fs *fs, cffs_ino_t ino, cffs_dirent_fn fn,
              void *arg)
{
	struct inode ip;
	struct rd rd = { fn, arg };
	int r = hget(fs, ino, &ip, NULL);

	if (r < 0)
		return r;
	if (!is_dir(&ip.d))
		return -CFFS_ENOTDIR;
	return dir_iter(fs, &ip, readdir_fn, &rd);
}

const char *
cffs_strerror(int err)
{
	switch (err < 0 ? -err : err) {
	case 0: return "success";
	case CFFS_EPERM: return "operation not permitted (XN refused it)";
	case CFFS_EACCES: return "permission denied (by XN)";
	case CFFS_ENOENT: return "no such file or directory";
	case CFFS_EIO: return "input/output error";
	case CFFS_ENOMEM: return "out of memory";
	case CFFS_EBUSY: return "busy";
	case CFFS_EEXIST: return "file exists";
	case CFFS_EXDEV: return "cross-device link";
	case CFFS_ENOTDIR: return "not a directory";
	case CFFS_EISDIR: return "is a directory";
	case CFFS_EINVAL: return "invalid argument (or not a C-FFS image)";
	case CFFS_EFBIG: return "file too large";
	case CFFS_ENOSPC: return "no space left on device";
	case CFFS_EROFS: return "read-only file system";
	case CFFS_EMLINK: return "too many links";
	case CFFS_ENAMETOOLONG: return "name too long";
	case CFFS_ENOTEMPTY: return "directory not empty";
	case CFFS_ELOOP: return "too many levels";
	case CFFS_EUCLEAN: return "file system structure is corrupt";
	case CFFS_ESTALE: return "stale inode number";
	default: return "unknown error";
	}
}
