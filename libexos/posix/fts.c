/*
 * fts.c: the BSD file-tree walk (include/fts.h) for programs built with
 * exos-cc: musl has none and ports use it (MirBSD pax walks its trees
 * with it).  A plain C library routine over opendir/readdir and
 * stat/lstat; nothing in it is ExOS's own.
 *
 * The walk never changes directory (as if FTS_NOCHDIR were always
 * given): every entry's fts_accpath is its fts_path.  Each entry owns
 * its path.  A directory's entries are read in one go when the walk
 * descends into it (sorted with the program's compar, if any); an
 * entry is freed when the walk moves past it, the rest by fts_close.
 */
#include <dirent.h>
#include <errno.h>
#include "include/fts.h"      /* (the sysroot's <fts.h>) */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct _fts {
	FTSENT *cur;            /* the entry fts_read returned last */
	FTSENT *roots;          /* the roots, before the first fts_read */
	FTSENT *rootparent;     /* the parent of the roots (level -1) */
	FTSENT *child;          /* fts_children's list, for cur */
	int child_nameonly;     /* child was built with FTS_NAMEONLY */
	int options;
	int (*compar)(const FTSENT **, const FTSENT **);
	dev_t dev;              /* the current root's device (FTS_XDEV) */
};

/* an entry named NAME (LEN bytes), its path PATH/NAME (or NAME) */
static FTSENT *
ent_alloc(FTSENT *parent, const char *name, size_t len)
{
	FTSENT *p;
	size_t plen = 0, pathlen;
	int slash = 0;

	if (parent && parent->fts_level >= FTS_ROOTLEVEL) {
		plen = parent->fts_pathlen;
		/* "a/" and "/" as roots: no doubled slash */
		slash = !(plen > 0 && parent->fts_path[plen - 1] == '/');
	}
	pathlen = plen + slash + len;
	p = calloc(1, sizeof(*p) + len + 1 + sizeof(struct stat) +
	    pathlen + 1 + _Alignof(struct stat));
	if (!p)
		return NULL;
	memcpy(p->fts_name, name, len);
	p->fts_name[len] = '\0';
	p->fts_namelen = len;
	{
		char *q = p->fts_name + len + 1;
		uintptr_t a = _Alignof(struct stat);
		q = (char *)(((uintptr_t)q + a - 1) & ~(a - 1));
		p->fts_statp = (struct stat *)q;
		p->fts_path = q + sizeof(struct stat);
	}
	if (plen)
		memcpy(p->fts_path, parent->fts_path, plen);
	if (slash)
		p->fts_path[plen] = '/';
	memcpy(p->fts_path + plen + slash, name, len);
	p->fts_path[pathlen] = '\0';
	p->fts_pathlen = pathlen;
	p->fts_accpath = p->fts_path;
	p->fts_parent = parent;
	p->fts_level = parent ? parent->fts_level + 1 : FTS_ROOTPARENTLEVEL;
	p->fts_instr = FTS_NOINSTR;
	p->fts_symfd = -1;
	return p;
}

static void
list_free(FTSENT *p)
{
	FTSENT *next;

	for (; p; p = next) {
		next = p->fts_link;
		free(p);
	}
}

static int
isdot(const char *s)
{
	return s[0] == '.' && (s[1] == '\0' || (s[1] == '.' && s[2] == '\0'));
}

/* stat P and classify it (fts_info); FOLLOW: follow a symbolic link */
static unsigned short
ent_stat(FTS *sp, FTSENT *p, int follow)
{
	struct stat *st = p->fts_statp;
	FTSENT *a;

	(void)sp;
	p->fts_errno = 0;
	if (follow) {
		if (stat(p->fts_accpath, st) != 0) {
			int e = errno;
			if (lstat(p->fts_accpath, st) == 0 && S_ISLNK(st->st_mode))
				return FTS_SLNONE;
			p->fts_errno = e;
			memset(st, 0, sizeof(*st));
			return FTS_NS;
		}
	} else if (lstat(p->fts_accpath, st) != 0) {
		p->fts_errno = errno;
		memset(st, 0, sizeof(*st));
		return FTS_NS;
	}
	p->fts_dev = st->st_dev;
	p->fts_ino = st->st_ino;
	p->fts_nlink = st->st_nlink;
	if (S_ISDIR(st->st_mode)) {
		if (p->fts_level > FTS_ROOTLEVEL && isdot(p->fts_name))
			return FTS_DOT;
		for (a = p->fts_parent; a && a->fts_level >= FTS_ROOTLEVEL;
		    a = a->fts_parent)
			if (a->fts_dev == p->fts_dev && a->fts_ino == p->fts_ino) {
				p->fts_cycle = a;
				return FTS_DC;
			}
		return FTS_D;
	}
	if (S_ISLNK(st->st_mode))
		return FTS_SL;
	if (S_ISREG(st->st_mode))
		return FTS_F;
	return FTS_DEFAULT;
}

static int
cmp_adapter(const void *a, const void *b, void *c)
{
	int (*compar)(const FTSENT **, const FTSENT **) =
	    *(int (**)(const FTSENT **, const FTSENT **))c;
	return compar((const FTSENT **)a, (const FTSENT **)b);
}

/* sort the list HEAD of N entries with the program's compar */
static FTSENT *
list_sort(FTS *sp, FTSENT *head, size_t n)
{
	FTSENT **v, *p;
	size_t i;

	if (!sp->compar || n < 2)
		return head;
	v = malloc(n * sizeof(*v));
	if (!v)
		return head;    /* unsorted rather than lost */
	for (i = 0, p = head; p; p = p->fts_link)
		v[i++] = p;
	qsort_r(v, n, sizeof(*v), cmp_adapter, &sp->compar);
	for (i = 0; i + 1 < n; i++)
		v[i]->fts_link = v[i + 1];
	v[n - 1]->fts_link = NULL;
	head = v[0];
	free(v);
	return head;
}

/*
 * Read directory DIR's entries into a list (NULL if it has none, or
 * cannot be read: then DIR becomes FTS_DNR; *err is set if memory ran
 * out).  NAMEONLY: no stat.
 */
static FTSENT *
dir_read(FTS *sp, FTSENT *dir, int nameonly, int *err)
{
	DIR *d;
	struct dirent *de;
	FTSENT *head = NULL, **tail = &head, *p;
	size_t n = 0;

	*err = 0;
	d = opendir(dir->fts_accpath);
	if (!d) {
		dir->fts_info = FTS_DNR;
		dir->fts_errno = errno;
		return NULL;
	}
	for (;;) {
		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno) {
				dir->fts_errno = errno;
				dir->fts_info = FTS_ERR;
			}
			break;
		}
		if (isdot(de->d_name) && !(sp->options & FTS_SEEDOT))
			continue;
		p = ent_alloc(dir, de->d_name, strlen(de->d_name));
		if (!p) {
			*err = errno;
			list_free(head);
			closedir(d);
			return NULL;
		}
		if (nameonly)
			p->fts_info = FTS_NSOK;
		else if ((sp->options & FTS_NOSTAT) &&
		    !(sp->options & FTS_LOGICAL) && de->d_type != DT_UNKNOWN &&
		    de->d_type != DT_DIR)
			p->fts_info = FTS_NSOK;
		else
			p->fts_info = ent_stat(sp, p,
			    (sp->options & FTS_LOGICAL) != 0);
		*tail = p;
		tail = &p->fts_link;
		n++;
	}
	closedir(d);
	return list_sort(sp, head, n);
}

FTS *
fts_open(char *const *argv, int options,
    int (*compar)(const FTSENT **, const FTSENT **))
{
	FTS *sp;
	FTSENT *head = NULL, **tail = &head, *p;
	size_t n = 0;

	if (!argv || (options & ~FTS_OPTIONMASK)) {
		errno = EINVAL;
		return NULL;
	}
	sp = calloc(1, sizeof(*sp));
	if (!sp)
		return NULL;
	/* FTS_LOGICAL implies FTS_NOCHDIR in BSD; here everything does */
	sp->options = options | FTS_NOCHDIR;
	sp->compar = compar;
	sp->rootparent = ent_alloc(NULL, "", 0);
	if (!sp->rootparent)
		goto nomem;
	for (; *argv; argv++) {
		size_t len = strlen(*argv);
		if (len == 0) {
			list_free(head);
			free(sp->rootparent);
			free(sp);
			errno = ENOENT;
			return NULL;
		}
		p = ent_alloc(sp->rootparent, *argv, len);
		if (!p)
			goto nomem;
		p->fts_info = ent_stat(sp, p,
		    (options & (FTS_LOGICAL | FTS_COMFOLLOW)) != 0);
		*tail = p;
		tail = &p->fts_link;
		n++;
	}
	sp->roots = list_sort(sp, head, n);
	return sp;
nomem:
	list_free(head);
	free(sp->rootparent);
	free(sp);
	errno = ENOMEM;
	return NULL;
}

/* the first entry of list P the program did not ask to skip */
static FTSENT *
first_unskipped(FTSENT *p)
{
	FTSENT *next;

	while (p && p->fts_instr == FTS_SKIP) {
		next = p->fts_link;
		free(p);
		p = next;
	}
	return p;
}

/* make P current; a root sets the device for FTS_XDEV */
static FTSENT *
enter(FTS *sp, FTSENT *p)
{
	sp->cur = p;
	if (p->fts_level == FTS_ROOTLEVEL)
		sp->dev = p->fts_dev;
	return p;
}

FTSENT *
fts_read(FTS *sp)
{
	FTSENT *p, *next, *parent;
	int instr, err;

	if (!sp) {
		errno = EINVAL;
		return NULL;
	}
	if (!sp->cur) {
		p = first_unskipped(sp->roots);
		sp->roots = NULL;
		if (!p) {
			errno = 0;
			return NULL;
		}
		return enter(sp, p);
	}
	p = sp->cur;
	instr = p->fts_instr;
	p->fts_instr = FTS_NOINSTR;
	if (instr == FTS_AGAIN) {
		p->fts_info = ent_stat(sp, p, (sp->options & FTS_LOGICAL) != 0);
		return p;
	}
	if (instr == FTS_FOLLOW &&
	    (p->fts_info == FTS_SL || p->fts_info == FTS_SLNONE)) {
		p->fts_info = ent_stat(sp, p, 1);
		if (p->fts_info == FTS_D)
			p->fts_flags |= FTS_SYMFOLLOW;
		return p;
	}

	if (p->fts_info == FTS_D) {
		if (instr == FTS_SKIP ||
		    ((sp->options & FTS_XDEV) && p->fts_dev != sp->dev)) {
			list_free(sp->child);
			sp->child = NULL;
			p->fts_info = FTS_DP;
			return p;
		}
		if (sp->child && !sp->child_nameonly) {
			next = sp->child;
		} else {
			list_free(sp->child);
			next = dir_read(sp, p, 0, &err);
			if (err) {
				sp->child = NULL;
				errno = err;
				return NULL;
			}
		}
		sp->child = NULL;
		next = first_unskipped(next);
		if (next)
			return enter(sp, next);
		/* empty: after its (none) entries; unreadable: FTS_DNR */
		if (p->fts_info == FTS_D)
			p->fts_info = FTS_DP;
		return p;
	}
	list_free(sp->child);
	sp->child = NULL;

	/* the next entry of this directory, else the directory (FTS_DP) */
	next = first_unskipped(p->fts_link);
	parent = p->fts_parent;
	free(p);
	if (next)
		return enter(sp, next);
	sp->cur = parent;
	if (parent->fts_level == FTS_ROOTPARENTLEVEL) {
		/* the end; fts_close frees the root's parent */
		sp->cur = NULL;
		sp->roots = NULL;
		errno = 0;
		return NULL;
	}
	parent->fts_info = FTS_DP;
	return parent;
}

FTSENT *
fts_children(FTS *sp, int instr)
{
	int err;
	FTSENT *p;

	if (!sp || (instr != 0 && instr != FTS_NAMEONLY)) {
		errno = EINVAL;
		return NULL;
	}
	errno = 0;
	if (!sp->cur)
		return sp->roots;       /* before the first fts_read */
	p = sp->cur;
	if (p->fts_info != FTS_D)
		return NULL;
	list_free(sp->child);
	sp->child = dir_read(sp, p, instr == FTS_NAMEONLY, &err);
	sp->child_nameonly = instr == FTS_NAMEONLY;
	if (p->fts_info != FTS_D)       /* unreadable: not fts_read's business */
		p->fts_info = FTS_D;
	if (err)
		errno = err;
	return sp->child;
}

int
fts_set(FTS *sp, FTSENT *p, int instr)
{
	(void)sp;
	if (!p || (instr != 0 && instr != FTS_AGAIN && instr != FTS_FOLLOW &&
	    instr != FTS_NOINSTR && instr != FTS_SKIP)) {
		errno = EINVAL;
		return -1;
	}
	p->fts_instr = instr ? instr : FTS_NOINSTR;
	return 0;
}

int
fts_close(FTS *sp)
{
	FTSENT *p, *parent;

	if (!sp) {
		errno = EINVAL;
		return -1;
	}
	list_free(sp->child);
	list_free(sp->roots);
	/* cur and the rest of its directory, then each ancestor the same */
	for (p = sp->cur; p && p->fts_level >= FTS_ROOTLEVEL; p = parent) {
		parent = p->fts_parent;
		list_free(p);
	}
	free(sp->rootparent);
	free(sp);
	return 0;
}
