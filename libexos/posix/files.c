/*
 * files.c: the read-only in-memory files exos-run adds (PX_FT_MODFILE).
 * scripts/exos-run packs them into one boot module, "files":
 *     "EXOSFILE" u32 count u32 0, then count entries of
 *     u32 name_off, name_len, data_off, data_len, mode, 0
 * (offsets from the module's start; names absolute guest paths, NUL
 * terminated).  They are mounted read-only at their paths, in front of
 * the C-FFS root if there is one (path.c): the directories they lie in
 * exist (mode 0555) even without a disk, and anything that would write
 * them is refused with EROFS.  The first process and the processes it forks
 * map the module (module.c), each once.
 */
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <sys/stat.h>
#include "posix.h"
#include "fd.h"
#include "uaccess.h"

struct fent {                   /* as exos-run writes it */
	uint32_t name_off, name_len, data_off, data_len, mode, pad;
};

static const uint8_t *fmod;     /* the module, or NULL */
static uint64_t fmod_size;
static uint32_t nfiles;
static uint64_t loaded;         /* the environment that mapped it */

static const struct fent *
fent(uint32_t i)
{
	return (const struct fent *)(fmod + 16) + i;
}

static void
load(void)
{
	uint32_t i;

	/* a forked child maps the module again (its copy of our
	 * variables names its parent's mapping) */
	if (loaded == XOK_INFO->cur_env)
		return;
	loaded = XOK_INFO->cur_env;
	nfiles = 0;
	fmod = px_module("files", &fmod_size);
	if (!fmod || fmod_size < 16 || memcmp(fmod, "EXOSFILE", 8) != 0) {
		fmod = NULL;
		return;
	}
	memcpy(&nfiles, fmod + 8, 4);
	if (nfiles > (fmod_size - 16) / sizeof(struct fent))
		nfiles = 0;
	for (i = 0; i < nfiles; i++) {  /* every entry inside the module */
		const struct fent *f = fent(i);

		if (f->name_off > fmod_size || f->name_len >= fmod_size -
		    f->name_off || fmod[f->name_off + f->name_len] != '\0' ||
		    f->data_off > fmod_size ||
		    f->data_len > fmod_size - f->data_off) {
			nfiles = i;
			break;
		}
	}
}

/* The file at path (absolute, or relative to "/"), or -errno. */
long
px_file_lookup(const char *path)
{
	char norm[PATH_MAX];
	size_t n = 0;
	const char *p = path;
	uint32_t i;

	if (!path)
		return -EFAULT;
	if (!*path)
		return -ENOENT;
	load();
	/* "/a//b/./c" -> "/a/b/c" (no "..": there are no directories) */
	while (*p) {
		while (*p == '/')
			p++;
		if (p[0] == '.' && (p[1] == '/' || p[1] == '\0')) {
			p++;
			continue;
		}
		if (!*p)
			break;
		if (n + 1 >= sizeof(norm))
			return -ENAMETOOLONG;
		norm[n++] = '/';
		while (*p && *p != '/') {
			if (n + 1 >= sizeof(norm))
				return -ENAMETOOLONG;
			norm[n++] = *p++;
		}
	}
	norm[n] = '\0';
	for (i = 0; i < nfiles; i++)
		if (fent(i)->name_len == n &&
		    memcmp(fmod + fent(i)->name_off, norm, n) == 0)
			return i;
	return -ENOENT;
}

const void *
px_file_data(uint32_t i, uint64_t *size)
{
	*size = fent(i)->data_len;
	return fmod + fent(i)->data_off;
}

/* ---- the in-memory files as a file type (PX_FT_MODFILE) ------------- */

/* Is path (normalized, absolute) a file of the table (st filled), a
 * directory some file lies under ("/" always is), or nothing?
 * 0, or -ENOENT. */
long
px_mod_stat(const char *path, struct stat *st)
{
	size_t n = strlen(path);
	long f;
	uint32_t i;

	load();
	memset(st, 0, sizeof(*st));
	st->st_dev = 1;
	st->st_blksize = XOK_PGSIZE;
	if ((f = px_file_lookup(path)) >= 0) {
		uint64_t size;

		px_file_data((uint32_t)f, &size);
		st->st_mode = S_IFREG | (fent((uint32_t)f)->mode & 0555);
		st->st_ino = (ino_t)f + 2;
		st->st_nlink = 1;
		st->st_size = (off_t)size;
		st->st_blocks = (blkcnt_t)((size + 511) / 512);
		return 0;
	}
	if (n == 1)
		n = 0;                  /* "/": every name is under it */
	for (i = 0; i < nfiles; i++) {
		const char *name = (const char *)fmod + fent(i)->name_off;

		if (fent(i)->name_len > n && memcmp(name, path, n) == 0 &&
		    name[n] == '/') {
			st->st_mode = S_IFDIR | 0555;
			st->st_ino = 1;
			st->st_nlink = 2;
			return 0;
		}
	}
	if (n == 0) {
		st->st_mode = S_IFDIR | 0555;
		st->st_ino = 1;
		st->st_nlink = 2;
		return 0;
	}
	return -ENOENT;
}

/* A description of in-memory file i (obj[0]), for open. */
long
px_mod_open(long i, struct px_ofile *f)
{
	f->obj[0] = (uint64_t)i;
	return 0;
}

static long
mod_read(struct px_ofile *f, void *buf, size_t n, int64_t off)
{
	uint64_t size, o;
	const char *data;

	load();
	if (f->obj[0] >= nfiles)
		return -EIO;            /* a forked child has no module */
	data = px_file_data((uint32_t)f->obj[0], &size);
	px_lock(&f->lock);
	o = off < 0 ? f->off : (uint64_t)off;
	if (o >= size)
		n = 0;
	else if (n > size - o)
		n = size - o;
	if (n && px_copyout(buf, data + o, n) < 0) {
		px_unlock(&f->lock);
		return -EFAULT;
	}
	if (off < 0)
		f->off = o + n;
	px_unlock(&f->lock);
	return (long)n;
}

static long
mod_lseek(struct px_ofile *f, int64_t off, int whence)
{
	uint64_t size = 0;

	load();
	if (f->obj[0] < nfiles)
		px_file_data((uint32_t)f->obj[0], &size);
	return px_seek_in(f, off, whence, size);
}

static long
mod_fstat(struct px_ofile *f, struct stat *st)
{
	uint64_t size;

	load();
	if (f->obj[0] >= nfiles)
		return -EIO;
	return px_mod_stat((const char *)fmod + fent((uint32_t)f->obj[0])->
	    name_off, st);
	(void)size;
}

/* The path of f's in-memory file (procfs.c), or NULL. */
const char *
px_mod_name(struct px_ofile *f)
{
	load();
	if (f->obj[0] >= nfiles)
		return NULL;
	return (const char *)fmod + fent((uint32_t)f->obj[0])->name_off;
}

static short
mod_poll(struct px_ofile *f, short events,
    const volatile uint64_t **word, uint64_t *seen)
{
	(void)f, (void)word, (void)seen;
	return events & (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM);
}

const struct px_fops px_fops_modfile = {
	.read = mod_read, .lseek = mod_lseek, .fstat = mod_fstat,
	.poll = mod_poll,
};
