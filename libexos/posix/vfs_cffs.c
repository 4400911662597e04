/*
 * vfs_cffs.c: open files and directories (PX_FT_FILE, PX_FT_DIR) and
 * the names behind them.
 *
 * C-FFS's calls take paths (cffs.h), so an open file is known by its
 * name: each description points to a vnode in the shared region (the
 * path, a reference count of descriptions, whether it was unlinked),
 * one vnode per open name for the whole family, on one list under the
 * registry's vlock.  So that an open file outlives the name, as UNIX
 * wants:
 *   - rename moves every vnode at or under the old name to the new one;
 *   - unlink of an open name, or a rename over one, first renames it to
 *     a hidden name in the root ("/.exos-unlinked-<env>-<n>", left out
 *     of the root's listing) and marks the vnode unlinked; the last
 *     close removes it.  A family that dies with such a file open
 *     leaves its hidden name behind (fsck.cffs sees an ordinary file):
 *     the boot's first process removes every hidden name at its first
 *     file call (px_vn_fssweep), before any other process can hold one.
 * The lock order is a description's lock, then vlock, then C-FFS's
 * bracket (fsroot.h): file data calls hold vlock so the name does not
 * move under them.
 *
 * A name change is two steps, C-FFS's (its commit journal finishes a
 * killed one: docs/CFFS.md) and the vnodes' paths; an open target is
 * moved aside first, a third.  A process killed between them left
 * vnodes naming what is no longer there (a description writing into the
 * file that next took the old name) or a target gone for good.  So the
 * change is recorded (struct vn_pend, under vlock) before its first
 * step, and the next process to take vlock finishes it (vn_recover).
 *
 * Record locks (flock.c) are on the file, not the name: a vnode keeps
 * its file's key (lockkey), its own address while the inode is
 * embedded in its one directory entry (one name, so one vnode; a
 * rename moves the vnode and the key with it), the inode's number
 * once it is external (docs/CFFS.md: stable, and the same through
 * every name).  Only a first link() moves an embedded inode out, so
 * link is made under vlock and recorded like a rename (vn_pend, link):
 * the open vnode's ranges are re-keyed to the number, then the vnode
 * takes it, and a linker killed in between leaves that to the next
 * vlock.
 */
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "posix.h"
#include "vfs.h"
#include "fsroot.h"
#include "inotify.h"
#include "uaccess.h"

#define HIDDEN          "/.exos-unlinked-"
#define CHUNK           (64 * 1024)

struct px_vnode {               /* in the shared region */
	struct px_vnode *next;
	uint32_t refs;          /* descriptions */
	uint32_t unlinked;      /* path is the hidden name */
	size_t cap;             /* path's allocation */
	char *path;
	/* flock.c's key of the file (px_vn_keylock): 0 not looked up
	 * yet; the vnode's address while the inode is embedded; INO_KEY
	 * of its number once external (set by the first link, vn_linked) */
	uint64_t lockkey;
};

/* An external inode's lock key: odd, so never the address of a vnode
 * or of any other key's object (shared-region addresses, aligned). */
#define INO_KEY(ino)    ((uint64_t)(ino) * 2 + 1)

static char bounce[CHUNK];

static struct px_fdreg *
reg(void)
{
	struct px_fdtab *t = px_fd_tab();

	return t ? t->reg : NULL;
}

static struct px_vnode *
vn(struct px_ofile *f)
{
	return (struct px_vnode *)(uintptr_t)f->obj[0];
}

/* Point v at a copy of path (vlock held); 0 or -ENOMEM. */
static long
vn_setpath(struct px_vnode *v, const char *path)
{
	return px_shm_setstr(&v->path, &v->cap, path);
}

/* A name change in progress (in the shared region, under vlock), or
 * the last close of a hidden file (release: the vnode unhooked, then
 * its hidden name removed). */
struct vn_pend {
	volatile uint64_t env;  /* the process making it; 0: none */
	volatile uint32_t fsres; /* after its death: C-FFS's part finished
	                           (1 renamed, 2 could not be), 0 not yet */
	uint32_t release;       /* 1: vn_release of over (hidden: its name) */
	uint32_t link;          /* 1: link(from, to): C-FFS's journal
	                           finishes its part, vn_linked the key */
	volatile uint32_t step; /* release: 1 unhooked, 2 name removed,
	                           3 the vnode being freed */
	struct px_vnode *over;  /* the open vnode moved aside, or NULL */
	char hidden[64];        /* where it goes (release: where it is) */
	char from[PX_PATH_MAX]; /* rename from -> to ("": only the move */
	char to[PX_PATH_MAX];   /*  aside, an unlink of an open name) */
};

static void vn_move(struct px_fdreg *r, const char *from, const char *to);
static void vn_linked(struct px_fdreg *r, const char *path);

/* Fault injection (vfs.h; libfstest relkill, linkkill): the process
 * destroys itself at that point of a hidden file's last close or of a
 * link, as a kill there would; 0: never. */
int px_vn_die_at;

static void
die_at(int point)
{
	if (px_vn_die_at == point)
		sys_env_destroy(XOK_INFO->cur_env, 0, 9);
}
static void vn_unhook(struct px_fdreg *r, struct px_vnode *v);
static void vn_free(struct px_vnode *v);

/* Remove a hidden name: a file's, or an empty directory's (an open
 * directory a rename replaced). */
static int
rm_hidden(struct cffs_fs *fs, const char *path)
{
	int r = cffs_unlink(fs, path);

	return r == -CFFS_EISDIR ? cffs_rmdir(fs, path) : r;
}

/* Does path name something (C-FFS's view, after any replay)? */
static int
fs_has(const char *path)
{
	struct cffs_stat st;
	struct cffs_fs *fs;
	long err;

	if (!(fs = px_fs_begin(&err)))
		return 0;
	return px_fs_end(fs, cffs_stat(fs, path, &st), PX_FS_READ) == 0;
}

/*
 * vlock was held by a process that died inside a name change: finish
 * it.  An open target whose move aside went through gets its hidden
 * name; a rename whose source is still there is made now (the call
 * never returned: either outcome is the caller's), and the vnodes under
 * the old name follow it.
 */
static void
vn_recover(struct px_fdreg *r)
{
	struct vn_pend *p = r->vpend;
	struct px_vnode *o = p->over;
	struct cffs_fs *fs;
	long err;

	/* a last close: its description is gone with the dead, so the
	 * release is finished, each step marked as the dead one marks it
	 * (a recovery killed in turn leaves the rest to the next; step 3
	 * before the free: a kill in it leaks the vnode, never frees it
	 * twice) */
	if (p->release) {
		if (p->step < 1) {
			vn_unhook(r, o);
			__atomic_store_n(&p->step, 1, __ATOMIC_RELEASE);
		}
		if (p->step < 2) {
			if (fs_has(p->hidden) && (fs = px_fs_begin(&err)))
				px_fs_end(fs, rm_hidden(fs, p->hidden),
				    PX_FS_CHANGED);
			__atomic_store_n(&p->step, 2, __ATOMIC_RELEASE);
		}
		if (p->step < 3) {
			__atomic_store_n(&p->step, 3, __ATOMIC_RELEASE);
			vn_free(o);
		}
		__atomic_store_n(&p->env, 0, __ATOMIC_RELEASE);
		return;
	}
	/* a link: made or not (C-FFS's journal decided at the bracket),
	 * the key follows what is there; done again if we are killed */
	if (p->link) {
		vn_linked(r, p->from);
		__atomic_store_n(&p->env, 0, __ATOMIC_RELEASE);
		return;
	}
	/* (fs_has's bracket finishes C-FFS's part first: px_vn_fsrecover) */
	if (o != NULL && !o->unlinked && fs_has(p->hidden) &&
	    vn_setpath(o, p->hidden) == 0)
		o->unlinked = 1;
	if (p->from[0] != '\0' && p->fsres == 1)
		vn_move(r, p->from, p->to);
	__atomic_store_n(&p->env, 0, __ATOMIC_RELEASE);
}

/*
 * (fsroot.c's px_fs_begin, the lock held, before the caller's call) A
 * dead process's rename(2): its C-FFS part is finished by the first
 * bracket after the death, before any other process can make a name at
 * its source: the source still there is renamed now; an open target
 * moved aside for a rename that cannot be made goes back.  The vnodes
 * are vn_recover's, under vlock.
 */
int
px_vn_fsrecover(struct cffs_fs *fs)
{
	struct px_fdreg *r = reg();
	struct vn_pend *p = r ? r->vpend : NULL;
	struct cffs_stat st;

	/* (a link's: C-FFS's own journal finishes it) */
	if (p == NULL || p->env == 0 || p->fsres != 0 || p->link ||
	    p->env == XOK_INFO->cur_env || xok_env_alive(p->env))
		return 0;
	if (p->from[0] == '\0') {
		p->fsres = 2;
		return 0;
	}
	if (cffs_stat(fs, p->from, &st) == 0 &&
	    cffs_rename(fs, p->from, p->to) == 0) {
		p->fsres = 1;
		return 1;
	}
	if (cffs_stat(fs, p->to, &st) == 0) {
		p->fsres = 1;           /* made before the death */
		return 0;
	}
	if (cffs_stat(fs, p->hidden, &st) == 0)
		(void)cffs_rename(fs, p->hidden, p->to);
	p->fsres = 2;
	return 1;
}

/* The hidden names in the root, collected by px_vn_fssweep. */
struct sweep {
	char names[16][64];
	int n;
};

static int
sweep_one(void *arg, const char *name, const struct cffs_stat *st)
{
	struct sweep *w = arg;

	(void)st;
	if (strncmp(name, &HIDDEN[1], sizeof(HIDDEN) - 2) != 0 ||
	    strlen(name) + 1 >= sizeof(w->names[0]))
		return 0;
	snprintf(w->names[w->n], sizeof(w->names[0]), "/%s", name);
	return ++w->n == (int)(sizeof(w->names) / sizeof(w->names[0]));
}

/*
 * (fsroot.c's px_fs_begin, the lock held, once per boot: in the boot's
 * first process, before it or anyone else can have opened a file) The
 * hidden names a family that died with files unlinked but open left
 * behind (a power-off, a crash, a kill of the last holder between its
 * close and the removal): removed, as a UNIX kernel's mount frees its
 * orphaned inodes.  The number removed.
 */
int
px_vn_fssweep(struct cffs_fs *fs)
{
	struct sweep w;
	int i, n = 0, k, r, pass;

	/* a batch at a time, from the start of the root again (the names
	 * removed are gone from it); at most 4 batches a boot (the work
	 * is the caller's first call's), and no further once a batch
	 * removes nothing (a name that cannot go: a directory with files
	 * in it, a disk error) */
	for (pass = 0; pass < 4; pass++) {
		w.n = 0;
		r = cffs_readdir(fs, "/", sweep_one, &w);
		for (i = k = 0; i < w.n; i++)
			if (rm_hidden(fs, w.names[i]) == 0)
				k++;
		n += k;
		if (r <= 0 || k == 0)
			break;
	}
	return n;
}

/* (s18) struct px_fdreg's vo_kind: a reference taken for a new
 * description (of a listed vnode, of a new one not yet listed), a
 * release's drop. */
enum { VO_OPEN, VO_FRESH, VO_DROP };

/*
 * (s18) A dead holder's change of a vnode's references for a
 * description (vlock held; px_vn_open, vn_release).  An open's is kept
 * if its description names the vnode (the sweep's close of it drops
 * it), taken back if not (its close releases nothing).  A drop is
 * finished if made (the description's obj[0] cleared: a release run
 * again does nothing), forgotten if not (run again, it drops).  The
 * description may be freed by then (a placeholder the sweep closed),
 * but none is made to name a vnode except under vlock, after this, so
 * its type and obj[0] cannot mistake another's.  The journal is
 * cleared before a vnode is freed: a kill between leaks it, never
 * frees it twice.
 */
static void
vn_ref_repair(struct px_fdreg *r)
{
	struct px_ofile *f = r->vo_f;
	struct px_vnode *v = r->vo_v, *w;
	struct vn_pend *p = r->vpend;
	int named = f->obj[0] == (uint64_t)(uintptr_t)v;

	if (r->vo_kind == VO_DROP) {
		/* made, or its last close recorded (vn_recover, after us,
		 * finishes it and frees v): the description is done */
		if (named && (v->refs == (uint32_t)r->vo_refs - 1 ||
		    (p && p->env != 0 && p->release && p->over == v)))
			f->obj[0] = 0;
		/* its last, not hidden: unhooked and freed (a hidden
		 * one's name is removed by vn_recover: vn_pend) */
		if (v->refs == 0 && !v->unlinked && !f->obj[0]) {
			vn_unhook(r, v);
			__atomic_store_n(&r->vo_f, NULL, __ATOMIC_RELEASE);
			vn_free(v);
			return;
		}
		__atomic_store_n(&r->vo_f, NULL, __ATOMIC_RELEASE);
		return;
	}
	if (named && __atomic_load_n(&f->type, __ATOMIC_ACQUIRE) ==
	    r->vo_type) {
		__atomic_store_n(&r->vo_f, NULL, __ATOMIC_RELEASE);
		return;
	}
	if (r->vo_kind == VO_OPEN) {    /* listed: refs before >= its own */
		if (v->refs == (uint32_t)r->vo_refs + 1)
			v->refs--;
		__atomic_store_n(&r->vo_f, NULL, __ATOMIC_RELEASE);
		return;
	}
	for (w = r->vnodes; w && w != v; w = w->next)
		;
	if (w)
		vn_unhook(r, v);
	__atomic_store_n(&r->vo_f, NULL, __ATOMIC_RELEASE);
	vn_free(v);
}

/* Take vlock; finish a dead process's open and name change first. */
static void
vlock(struct px_fdreg *r)
{
	struct vn_pend *p;

	px_lock(&r->vlock);
	/* set only while a holder is in px_vn_open or vn_release: that
	 * holder died */
	if (__atomic_load_n(&r->vo_f, __ATOMIC_ACQUIRE))
		vn_ref_repair(r);
	p = r->vpend;
	if (p != NULL && p->env != 0 && p->env != XOK_INFO->cur_env &&
	    !xok_env_alive(p->env))
		vn_recover(r);
}

/* Record a name change before its first step (vlock held), or with
 * hidden set the last close of over, whose hidden name that is, or
 * with link a link: NULL if the record cannot be had (the change goes
 * on unrecorded). */
static struct vn_pend *
pend_begin(struct px_fdreg *r, const char *from, const char *to,
           struct px_vnode *over, const char *hidden, int link)
{
	struct vn_pend *p = r->vpend;

	if (p == NULL && (p = r->vpend = px_shm_alloc(sizeof(*p))) == NULL)
		return NULL;
	if (strlen(from) >= sizeof(p->from) || strlen(to) >= sizeof(p->to) ||
	    (hidden != NULL && strlen(hidden) >= sizeof(p->hidden)))
		return NULL;
	p->env = 0;
	p->fsres = 0;
	p->release = hidden != NULL;
	p->link = link != 0;
	p->step = 0;
	p->over = over;
	strcpy(p->from, from);
	strcpy(p->to, to);
	if (hidden != NULL)
		strcpy(p->hidden, hidden);
	else if (link)
		p->hidden[0] = '\0';   /* (moves nothing aside) */
	else
		snprintf(p->hidden, sizeof(p->hidden), HIDDEN "%lx-%lx",
		    (unsigned long)XOK_INFO->cur_env,
		    (unsigned long)++r->hidden_seq);
	__atomic_store_n(&p->env, XOK_INFO->cur_env, __ATOMIC_RELEASE);
	return p;
}

static void
pend_end(struct vn_pend *p)
{
	if (p != NULL)
		__atomic_store_n(&p->env, 0, __ATOMIC_RELEASE);
}

/*
 * f, a placeholder already in its slot (PX_FT_FREE: fscalls.c), becomes
 * an open file or directory at path.  (s18) The vnode's reference and
 * the description's naming of it are one change under vlock, journaled
 * (struct px_fdreg's vo_): the reference, then obj[0], then the type
 * last, so a process killed at any point leaves either a description
 * that names its vnode (the sweep's close drops the reference) or a
 * placeholder that releases nothing and a reference the next vlock
 * takes back (vn_ref_repair).  Before, the reference was taken before
 * the description had a slot, and a kill between leaked it: the file
 * stayed open, an unlinked one kept its blocks, until the boot ended.
 */
long
px_vn_open(struct px_ofile *f, const char *path, uint32_t type)
{
	struct px_fdreg *r = reg();
	struct px_vnode *v;
	int fresh = 0;

	if (!r)
		return -ENFILE;
	vlock(r);
	/* (an unlinked one too: its hidden name, reopened through
	 * /proc/self/fd, procfs.c) */
	for (v = r->vnodes; v; v = v->next)
		if (strcmp(v->path, path) == 0)
			break;
	if (!v && (v = px_shm_alloc(sizeof(*v))) != NULL) {
		if (vn_setpath(v, path) < 0) {
			px_shm_free(v, sizeof(*v));
			v = NULL;
		} else
			fresh = 1;
	}
	if (!v) {
		px_unlock(&r->vlock);
		return -ENFILE;
	}
	r->vo_v = v;
	r->vo_refs = fresh ? 0 : v->refs;
	r->vo_type = type;
	r->vo_kind = fresh ? VO_FRESH : VO_OPEN;
	__atomic_store_n(&r->vo_f, f, __ATOMIC_RELEASE);
	if (fresh) {
		v->refs = 1;
		v->next = r->vnodes;
		__atomic_store_n((struct px_vnode **)&r->vnodes, v,
		    __ATOMIC_RELEASE);
	} else
		v->refs++;
	die_at(PX_VN_DIE_OPENREF);
	f->obj[0] = (uint64_t)(uintptr_t)v;
	__atomic_store_n(&f->type, type, __ATOMIC_RELEASE);
	__atomic_store_n(&r->vo_f, NULL, __ATOMIC_RELEASE);
	px_unlock(&r->vlock);
	return 0;
}

/* (s18, for tests) The references of path's vnode: 0 if none is open,
 * -1 if this process has no files. */
long
px_vn_refs(const char *path)
{
	struct px_fdreg *r = reg();
	struct px_vnode *v;
	long n = 0;

	if (!r)
		return -1;
	vlock(r);
	for (v = r->vnodes; v; v = v->next)
		if (strcmp(v->path, path) == 0)
			n = v->refs;
	px_unlock(&r->vlock);
	return n;
}

/* v off the family's list (vlock held; not on it: nothing). */
static void
vn_unhook(struct px_fdreg *r, struct px_vnode *v)
{
	struct px_vnode **pp;

	for (pp = (struct px_vnode **)&r->vnodes; *pp; pp = &(*pp)->next)
		if (*pp == v) {
			*pp = v->next;
			break;
		}
}

static void
vn_free(struct px_vnode *v)
{
	px_shm_free(v->path, v->cap);
	px_shm_free(v, sizeof(*v));
}

/*
 * A description's last close.  The last vnode reference of a hidden
 * file removes its name: recorded first (vn_pend, release), so a
 * process killed between the unhook and C-FFS's unlink leaves the rest
 * to the next vlock instead of the hidden file for good.  (s18) The
 * drop of the vnode's reference and the description's obj[0] cleared
 * are journaled as an open's taking (vn_ref_repair), so refs.c may run
 * a release again whose runner was killed in it: the drop is made
 * once, never lost.
 */
static void
vn_release(struct px_ofile *f)
{
	struct px_fdreg *r = reg();
	struct px_vnode *v;
	struct vn_pend *p = NULL;
	struct cffs_fs *fs;
	long err;

	if (!r)
		return;
	vlock(r);
	/* (s18) read under vlock: refs.c runs a release again if its
	 * runner was killed in it, and one that dropped finds it cleared */
	if (!(v = vn(f))) {
		px_unlock(&r->vlock);
		return;
	}
	/* (s18) the drop journaled first (vn_ref_repair) */
	r->vo_v = v;
	r->vo_refs = v->refs;
	r->vo_type = f->type;
	r->vo_kind = VO_DROP;
	__atomic_store_n(&r->vo_f, f, __ATOMIC_RELEASE);
	if (v->refs == 1 && v->unlinked) {
		p = pend_begin(r, "", "", v, v->path, 0);
		die_at(PX_VN_DIE_RECORDED);
	}
	/* (ports12) inotify: the description's last close */
	if (!(f->flags & O_PATH))
		px_in_note(v->path, (f->flags & 3) != O_RDONLY ?
		    IN_CLOSE_WRITE : IN_CLOSE_NOWRITE, f->type == PX_FT_DIR);
	v->refs--;
	die_at(PX_VN_DIE_DROPPED);
	f->obj[0] = 0;
	__atomic_store_n(&r->vo_f, NULL, __ATOMIC_RELEASE);
	if (v->refs > 0) {
		px_unlock(&r->vlock);
		return;
	}
	vn_unhook(r, v);
	if (p != NULL)
		__atomic_store_n(&p->step, 1, __ATOMIC_RELEASE);
	die_at(PX_VN_DIE_UNHOOKED);
	if (v->unlinked && (fs = px_fs_begin(&err)) != NULL)
		px_fs_end(fs, rm_hidden(fs, v->path), PX_FS_CHANGED);
	if (p != NULL)
		__atomic_store_n(&p->step, 2, __ATOMIC_RELEASE);
	die_at(PX_VN_DIE_REMOVED);
	if (p != NULL)
		__atomic_store_n(&p->step, 3, __ATOMIC_RELEASE);
	vn_free(v);
	pend_end(p);
	px_unlock(&r->vlock);
}

const char *
px_dir_path(struct px_ofile *f)
{
	struct px_vnode *v = vn(f);

	return v && v->path ? v->path : "/";
}

/* Rename an open name out of the way, to name, or to a fresh hidden
 * name if name is NULL (vlock held). */
static long
hide(struct px_vnode *v, const char *hname)
{
	struct px_fdreg *fr = reg();
	char name[64];
	struct cffs_fs *fs;
	long err, r;

	/* the family's counter, not a static one: an image execve started
	 * would count again from 1 and rename over a hidden file its
	 * predecessor left open */
	if (hname != NULL)
		snprintf(name, sizeof(name), "%s", hname);
	else
		snprintf(name, sizeof(name), HIDDEN "%lx-%lx",
		    (unsigned long)XOK_INFO->cur_env,
		    (unsigned long)++fr->hidden_seq);
	if (!(fs = px_fs_begin(&err)))
		return err;
	r = px_fs_end(fs, cffs_rename(fs, v->path, name), PX_FS_CHANGED);
	if (r < 0)
		return r;
	if (vn_setpath(v, name) < 0)
		return -ENOMEM;         /* (the old copy is too short) */
	v->unlinked = 1;
	return 0;
}

static struct px_vnode *
vn_find(struct px_fdreg *r, const char *path)
{
	struct px_vnode *v;

	for (v = r->vnodes; v; v = v->next)
		if (!v->unlinked && strcmp(v->path, path) == 0)
			return v;
	return NULL;
}

long
px_vn_unlink(const char *path)
{
	struct px_fdreg *r = reg();
	struct px_vnode *v;
	struct cffs_fs *fs;
	long err, e;

	if (!r)
		return -ENOENT;
	vlock(r);
	if ((v = vn_find(r, path)) != NULL) {
		struct vn_pend *p = pend_begin(r, "", "", v, NULL, 0);

		e = hide(v, p ? p->hidden : NULL);
		pend_end(p);
	} else if ((fs = px_fs_begin(&err)) != NULL)
		e = px_fs_end(fs, cffs_unlink(fs, path), PX_FS_CHANGED);
	else
		e = err;
	px_unlock(&r->vlock);
	return e;
}

/*
 * The steps of rename(from, to), vlock held: the open target over (if
 * any, and not hidden yet) aside, C-FFS's rename, the vnodes under from
 * to to.  Also what vn_recover makes of a dead process's rename.
 */
static long
vn_rename_steps(struct px_fdreg *r, const char *from, const char *to,
                struct px_vnode *over)
{
	struct vn_pend *p = r->vpend;
	struct cffs_fs *fs;
	long err, e;

	if (over && (e = hide(over, p ? p->hidden : NULL)) < 0)
		return e;
	if (!(fs = px_fs_begin(&err)))
		return err;
	e = px_fs_end(fs, cffs_rename(fs, from, to), PX_FS_CHANGED);
	if (e < 0) {
		if (over && (fs = px_fs_begin(&err)) != NULL &&
		    px_fs_end(fs, cffs_rename(fs, over->path, to),
		    PX_FS_CHANGED) == 0 && vn_setpath(over, to) == 0)
			over->unlinked = 0;
		return e;
	}
	vn_move(r, from, to);
	return 0;
}

/* Every vnode at or under from to the same place under to (vlock). */
static void
vn_move(struct px_fdreg *r, const char *from, const char *to)
{
	struct px_vnode *v;
	char buf[PX_PATH_MAX];
	size_t nf = strlen(from), nt = strlen(to);

	for (v = r->vnodes; v; v = v->next) {
		if (v->unlinked || strncmp(v->path, from, nf) != 0 ||
		    (v->path[nf] != '\0' && v->path[nf] != '/'))
			continue;
		if (nt + strlen(v->path + nf) >= sizeof(buf))
			continue;
		memcpy(buf, to, nt);
		strcpy(buf + nt, v->path + nf);
		vn_setpath(v, buf);
	}
}

long
px_vn_rename(const char *from, const char *to)
{
	struct px_fdreg *r = reg();
	struct px_vnode *over;
	struct vn_pend *p;
	long e;

	if (!r)
		return -ENOENT;
	vlock(r);
	over = strcmp(from, to) != 0 ? vn_find(r, to) : NULL;
	p = pend_begin(r, from, to, over, NULL, 0);
	e = vn_rename_steps(r, from, to, over);
	pend_end(p);
	px_unlock(&r->vlock);
	return e;
}

/*
 * A link of path was made, or may have been (a dead linker's record):
 * vlock held.  The first link moves an embedded inode out of its entry
 * to a number of its own, and path's vnode, if the file is open and
 * its key is the vnode, takes that number: its ranges first (one
 * publish, flock.c), then the vnode, so a kill between leaves the
 * record, and the next vlock does it again (the ranges are moved
 * already; the vnode's key still says embedded).  A stat that fails
 * (a disk error) leaves the vnode's key: its ranges keep it, and an
 * open through another name gets the number, so the names do not
 * exclude each other until this vnode's last close.  (With no record,
 * pend_begin's NULL when the region is full, a kill here does that
 * too.)
 */
static void
vn_linked(struct px_fdreg *r, const char *path)
{
	struct px_vnode *v;
	struct cffs_fs *fs;
	struct cffs_stat cs;
	long err;

	/* (a hidden name too: the link may have been of it) */
	for (v = r->vnodes; v; v = v->next)
		if (strcmp(v->path, path) == 0)
			break;
	if (v == NULL || v->lockkey != (uint64_t)(uintptr_t)v)
		return;                 /* not open, key not taken, external */
	if (!(fs = px_fs_begin(&err)) ||
	    px_fs_end(fs, cffs_stat(fs, path, &cs), PX_FS_READ) < 0 ||
	    cs.embedded)
		return;
	px_flock_rekey(v->lockkey, INO_KEY(cs.ino));
	die_at(PX_VN_DIE_REKEYED);
	__atomic_store_n(&v->lockkey, INO_KEY(cs.ino), __ATOMIC_RELEASE);
}

long
px_vn_link(const char *from, const char *to)
{
	struct px_fdreg *r = reg();
	struct vn_pend *p;
	struct cffs_fs *fs;
	long err, e;

	if (!r)
		return -ENOENT;
	vlock(r);
	p = pend_begin(r, from, to, NULL, NULL, 1);
	if (!(fs = px_fs_begin(&err)))
		e = err == -ENODEV ? -EROFS : err;
	else
		e = px_fs_end(fs, cffs_link(fs, from, to), PX_FS_CHANGED);
	die_at(PX_VN_DIE_LINKED);
	/* failed or not: a link cut short by a disk error after its new
	 * name was made may be committed all the same (vn_linked stats,
	 * and does nothing to an inode still embedded) */
	vn_linked(r, from);
	pend_end(p);
	px_unlock(&r->vlock);
	return e;
}

long
px_vn_keylock(struct px_ofile *f, uint64_t *key)
{
	struct px_fdreg *r = reg();
	struct px_vnode *v = vn(f);
	struct cffs_fs *fs;
	struct cffs_stat cs;
	long k, err;

	if (!r || !v)
		return -EBADF;
	vlock(r);
	/* looked up once: an embedded inode stays so until a link, which
	 * sets the key under vlock (vn_linked), and an external one keeps
	 * its number.  A directory is never linked: its vnode. */
	if (v->lockkey == 0 && f->type == PX_FT_DIR)
		v->lockkey = (uint64_t)(uintptr_t)v;
	else if (v->lockkey == 0) {
		if (!(fs = px_fs_begin(&err)))
			k = err;
		else
			k = px_fs_end(fs, cffs_stat(fs, v->path, &cs),
			    PX_FS_READ);
		if (k < 0) {
			px_unlock(&r->vlock);
			return k;
		}
		v->lockkey = cs.embedded ? (uint64_t)(uintptr_t)v :
		    INO_KEY(cs.ino);
	}
	*key = v->lockkey;
	return 0;
}

void
px_vn_keyunlock(void)
{
	struct px_fdreg *r = reg();

	if (r)
		px_unlock(&r->vlock);
}

/* ---- regular files --------------------------------------------------- */

static long
file_size(struct cffs_fs *fs, const char *path, uint64_t *size)
{
	struct cffs_stat cs;
	int r = cffs_stat(fs, path, &cs);

	if (r < 0)
		return r;
	*size = cs.size;
	return 0;
}

static long
file_read(struct px_ofile *f, void *ubuf, size_t n, int64_t off)
{
	struct px_fdreg *r = reg();
	struct cffs_fs *fs;
	uint64_t o;
	size_t done = 0;
	long k = 0, err;

	px_lock(&f->lock);
	o = off < 0 ? f->off : (uint64_t)off;
	vlock(r);
	while (done < n) {
		size_t c = n - done < CHUNK ? n - done : CHUNK;

		if (!(fs = px_fs_begin(&err))) {
			k = err;
			break;
		}
		k = px_fs_end(fs, cffs_read(fs, vn(f)->path, o + done, bounce,
		    c), PX_FS_READ);
		if (k <= 0)
			break;
		px_fmap_read(f, o + done, bounce, (uint64_t)k); /* (fmmap) */
		if (px_copyout((char *)ubuf + done, bounce, (size_t)k) < 0) {
			k = -EFAULT;
			break;
		}
		done += (size_t)k;
		if ((size_t)k < c)
			break;
	}
	if (done)
		px_in_note(vn(f)->path, IN_ACCESS, 0);  /* (ports12) */
	px_unlock(&r->vlock);
	if (off < 0)
		f->off = o + done;
	px_unlock(&f->lock);
	if (done == 0 && k < 0)
		return k;
	return (long)done;
}

static long
file_write(struct px_ofile *f, const void *ubuf, size_t n, int64_t off)
{
	struct px_fdreg *r = reg();
	struct cffs_fs *fs;
	uint64_t o, size;
	size_t done = 0;
	long k = 0, err;

	px_lock(&f->lock);
	o = off < 0 ? f->off : (uint64_t)off;
	vlock(r);
	while (done < n || n == 0) {
		size_t c = n - done < CHUNK ? n - done : CHUNK;

		if (px_copyin(bounce, (const char *)ubuf + done, c) < 0) {
			k = -EFAULT;
			break;
		}
		if (!(fs = px_fs_begin(&err))) {
			k = err;
			break;
		}
		/* O_APPEND: the end and the write in one bracket (k: this
		 * chunk's, not the previous chunk's count) */
		k = 0;
		if ((f->flags & O_APPEND) && (k = file_size(fs, vn(f)->path,
		    &size)) == 0)
			o = size - done;
		if (k == 0 && c)
			k = cffs_write(fs, vn(f)->path, o + done, bounce, c);
		k = px_fs_end(fs, k, PX_FS_CHANGED);
		if (k <= 0)
			break;
		px_fmap_wrote(f, o + done, bounce, (uint64_t)k); /* (fmmap) */
		done += (size_t)k;
		if ((size_t)k < c)
			break;
	}
	if (done)
		px_in_note(vn(f)->path, IN_MODIFY, 0);  /* (ports12) */
	px_unlock(&r->vlock);
	if (off < 0)
		f->off = o + done;
	px_unlock(&f->lock);
	if (done == 0 && k < 0)
		return k;
	return (long)done;
}

static long
vn_stat(struct px_ofile *f, struct stat *st)
{
	struct px_fdreg *r = reg();
	struct cffs_fs *fs;
	struct cffs_stat cs;
	long k, err;
	int be;

	vlock(r);
	if (f->type == PX_FT_DIR) {
		k = px_lstat_at(vn(f)->path, st, &be);
		px_unlock(&r->vlock);
		return k;
	}
	if (!(fs = px_fs_begin(&err)))
		k = err;
	else if ((k = px_fs_end(fs, cffs_stat(fs, vn(f)->path, &cs),
	    PX_FS_READ)) == 0)
		px_cffs_stat(&cs, st);
	if (k == 0 && vn(f)->unlinked)
		st->st_nlink--;
	px_unlock(&r->vlock);
	return k;
}

static long
file_lseek(struct px_ofile *f, int64_t off, int whence)
{
	struct stat st;
	long k;

	if (whence == SEEK_END && (k = vn_stat(f, &st)) < 0)
		return k;
	return px_seek_in(f, off, whence, whence == SEEK_END ?
	    (uint64_t)st.st_size : 0);
}

static long
file_ftruncate(struct px_ofile *f, int64_t len)
{
	struct px_fdreg *r = reg();
	struct cffs_fs *fs;
	long k, err;

	vlock(r);
	if (!(fs = px_fs_begin(&err)))
		k = err;
	else
		k = px_fs_end(fs, cffs_truncate(fs, vn(f)->path,
		    (uint64_t)len), PX_FS_CHANGED);
	if (k == 0) {
		px_fmap_truncated(f, (uint64_t)len);    /* (fmmap) */
		px_in_note(vn(f)->path, IN_MODIFY, 0);  /* (ports12) */
	}
	px_unlock(&r->vlock);
	return k;
}

static long
vn_fsync(struct px_ofile *f)
{
	struct px_fdreg *r = reg();
	struct cffs_fs *fs;
	long k, err;

	vlock(r);
	if (!(fs = px_fs_begin(&err)))
		k = err;
	else
		k = px_fs_end(fs, px_fs_sync(fs, f->type == PX_FT_FILE ?
		    vn(f)->path : NULL), PX_FS_CHANGED);
	px_unlock(&r->vlock);
	return k == -ENODEV ? 0 : k;
}

static short
vn_poll(struct px_ofile *f, short events,
    const volatile uint64_t **word, uint64_t *seen)
{
	(void)f, (void)word, (void)seen;
	return events & (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM);
}

const struct px_fops px_fops_cffs = {
	.read = file_read, .write = file_write, .lseek = file_lseek,
	.fstat = vn_stat, .poll = vn_poll, .release = vn_release,
	.ftruncate = file_ftruncate, .fsync = vn_fsync,
};

/* ---- directories ----------------------------------------------------- */

struct dirfill {
	char *buf;
	size_t size, used;
	uint64_t index, skip;   /* entry number; entries before off */
	int root, full;
};

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	uint16_t d_reclen;
	uint8_t d_type;
	char d_name[];
};

/* Add one entry; 1 when the buffer is full. */
static int
emit(struct dirfill *d, const char *name, uint64_t ino, uint32_t mode)
{
	size_t n = strlen(name), rec = (19 + n + 1 + 7) & ~(size_t)7;
	struct linux_dirent64 *e;

	if (d->index < d->skip) {
		d->index++;
		return 0;
	}
	if (d->used + rec > d->size) {
		d->full = 1;
		return 1;
	}
	d->index++;
	e = (struct linux_dirent64 *)(d->buf + d->used);
	memset(e, 0, rec);
	e->d_ino = ino ? ino : 1;
	e->d_off = (int64_t)d->index;
	e->d_reclen = (uint16_t)rec;
	e->d_type = S_ISDIR(mode) ? DT_DIR : S_ISLNK(mode) ? DT_LNK :
	    S_ISREG(mode) ? DT_REG : S_ISCHR(mode) ? DT_CHR :
	    S_ISFIFO(mode) ? DT_FIFO : DT_UNKNOWN;
	memcpy(e->d_name, name, n + 1);
	d->used += rec;
	return 0;
}

static int
dir_cb(void *arg, const char *name, const struct cffs_stat *st)
{
	struct dirfill *d = arg;

	if (d->root && strncmp(name, &HIDDEN[1], sizeof(HIDDEN) - 2) == 0)
		return 0;
	return emit(d, name, st->ino, st->mode);
}

static int
proc_cb(void *arg, const char *name, uint64_t ino, uint32_t mode)
{
	return emit(arg, name, ino, mode);
}

static long
dir_getdents(struct px_ofile *f, void *ubuf, size_t n)
{
	struct px_fdreg *r = reg();
	struct dirfill d;
	struct cffs_fs *fs;
	struct stat st;
	long k = 0, err;
	int be;

	d.buf = bounce;
	d.size = n < CHUNK ? n : CHUNK;
	d.used = 0;
	d.index = 0;
	d.full = 0;
	px_lock(&f->lock);
	d.skip = f->off;
	vlock(r);
	d.root = strcmp(vn(f)->path, "/") == 0;
	if (px_lstat_at(vn(f)->path, &st, &be) < 0) {
		k = 0;                  /* removed: empty */
		goto out;
	}
	if (emit(&d, ".", st.st_ino, S_IFDIR) ||
	    emit(&d, "..", 1, S_IFDIR))
		goto out;
	if (be == PX_BE_DEV && strcmp(vn(f)->path, "/dev") == 0) {
		/* dev.c's table, in its order (inode numbers i + 2) */
		static const char *const names[] = { "null", "zero",
		    "random", "urandom", "tty", "console", "full" };
		unsigned i;

		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (emit(&d, names[i], i + 2, S_IFCHR))
				break;
	} else if (be == PX_BE_PROC) {  /* (posixgaps) procfs.c */
		px_procfs_readdir(vn(f)->path, proc_cb, &d);
	} else if (be == PX_BE_CFFS && (fs = px_fs_begin(&err)) != NULL) {
		k = px_fs_end(fs, cffs_readdir(fs, vn(f)->path, dir_cb, &d),
		    PX_FS_READ);
		if (k > 0)
			k = 0;
	}
out:
	px_unlock(&r->vlock);
	if (k == 0 && d.used == 0 && d.full)
		k = -EINVAL;            /* the next entry does not fit */
	if (k == 0 && d.used && px_copyout(ubuf, bounce, d.used) < 0)
		k = -EFAULT;
	if (k == 0) {
		f->off = d.index;
		k = (long)d.used;
	}
	px_unlock(&f->lock);
	return k;
}

static long
dir_read(struct px_ofile *f, void *buf, size_t n, int64_t off)
{
	(void)f, (void)buf, (void)n, (void)off;
	return -EISDIR;
}

static long
dir_lseek(struct px_ofile *f, int64_t off, int whence)
{
	if (whence == SEEK_END)
		return -EINVAL;
	return px_seek_in(f, off, whence, 0);
}

const struct px_fops px_fops_cffsdir = {
	.read = dir_read, .lseek = dir_lseek, .fstat = vn_stat,
	.poll = vn_poll, .release = vn_release, .fsync = vn_fsync,
	.getdents = dir_getdents,
};

/* what of ours the family shares (shm.h, the layout check) */
PX_SHM_LAYOUT(vfs_cffs, sizeof(struct px_vnode), sizeof(struct vn_pend),
    offsetof(struct vn_pend, over), offsetof(struct vn_pend, from),
    offsetof(struct px_vnode, lockkey));
