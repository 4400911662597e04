/*
 * procpid.c: the rest of Linux's /proc that ps, df and top read: a
 * directory /proc/PID for every process in the family's table (proc.h),
 * zombies included, with stat, status, cmdline (files) and exe (a
 * link), and /proc/mounts.  procfs.c keeps /proc/self and /proc/PID/fd
 * and asks here for every other name.
 *
 * What a process's entry in the table does not say is kept in a second
 * table in the shared region, one px_pinfo per table slot: its command
 * line (the first PINFO_CMD bytes, as execve or the boot got it), the
 * program it exec'd (exe) and when it started.  A process writes its own
 * at start (start.c, after every execve) and fork copies the parent's.
 *
 * The files are made when read, as on Linux: a read at offset o makes
 * the whole text and gives its bytes from o on.  A process that is gone
 * (reaped) makes its open files read ESRCH, as Linux.  Values ExOS does
 * not know are 0: processor times (the kernel does not count them per
 * environment), memory sizes, page faults, the controlling terminal
 * (tty_nr 0, tpgid -1); a running process other than the reader says
 * S (we cannot see whether it is blocked), the reader itself R.
 * docs/PORTING.md, "/proc".
 */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "posix.h"
#include "proc.h"
#include "uaccess.h"
#include "vfs.h"

#define PINFO_CMD       128
#define PINFO_EXE       80
#define TEXT_MAX        1024            /* the longest file we make */

struct px_pinfo {                       /* in the shared region */
	int32_t pid;                    /* whose; stale if not the slot's */
	uint32_t ncmd;                  /* bytes in cmd (NULs between args) */
	uint64_t start_ns;              /* boot-time ns of its fork */
	char cmd[PINFO_CMD];
	char exe[PINFO_EXE];            /* "" if not known (the first) */
	char pend[PINFO_EXE];           /* execve's path, until it starts */
};

enum { F_NONE, F_DIR, F_STAT, F_STATUS, F_CMDLINE, F_EXE, F_MOUNTS };

static struct px_pinfo *pinfo;

static struct px_pinfo *
pinfos(void)
{
	if (!pinfo)
		pinfo = px_shm_root(PX_ROOT_PINFO,
		    PX_NPROC * sizeof(struct px_pinfo));
	return pinfo;
}

static struct px_pinfo *
info_of(const struct px_proc *p)
{
	struct px_ptab *t = px_ptab();
	struct px_pinfo *pi = pinfos();

	if (!t || !pi || p < t->procs || p >= t->procs + PX_NPROC)
		return NULL;
	return &pi[p - t->procs];
}

/* fork (ptab.c, under the table's lock): the child's is its parent's. */
void
px_pinfo_fork(const struct px_proc *parent, const struct px_proc *child)
{
	struct px_pinfo *a = info_of(parent), *b = info_of(child);

	if (!b)
		return;
	if (a && a->pid == parent->pid)
		*b = *a;
	else
		memset(b, 0, sizeof(*b));
	b->pend[0] = '\0';
	b->pid = child->pid;
	b->start_ns = px_now_ns();
}

/* execve (exec.c): the program's path, made ours once the new image
 * starts (px_pinfo_start). */
void
px_pinfo_exec(const char *path)
{
	struct px_proc *p = px_proc_self();
	struct px_pinfo *pi = p ? info_of(p) : NULL;
	char cwd[PINFO_EXE];

	if (!pi)
		return;
	cwd[0] = '\0';
	if (path[0] != '/' && (px_getcwd((long)cwd, sizeof(cwd), 0, 0, 0,
	    0) <= 0 || strcmp(cwd, "/") == 0))
		cwd[0] = '\0';         /* (a cwd too long: from / then) */
	if (path[0] == '/')
		cwd[0] = '\0';
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	snprintf(pi->pend, sizeof(pi->pend), "%s%s%s", cwd,
	    path[0] == '/' ? "" : "/", path);
}

/* start.c: our command line, once at the start of every image. */
void
px_pinfo_start(int argc, char **argv, int execed)
{
	struct px_proc *p = px_proc_self();
	struct px_pinfo *pi = p ? info_of(p) : NULL;
	size_t n = 0, k;
	int i;

	if (!pi)
		return;
	if (pi->pid != p->pid) {        /* the first process: a fresh slot */
		memset(pi, 0, sizeof(*pi));
		pi->pid = p->pid;
		pi->start_ns = px_now_ns();
	}
	if (execed) {
		memcpy(pi->exe, pi->pend, sizeof(pi->exe));
		pi->pend[0] = '\0';
	}
	for (i = 0; i < argc && argv[i] && n < PINFO_CMD; i++) {
		k = strlen(argv[i]) + 1;
		if (k > PINFO_CMD - n)
			k = PINFO_CMD - n;
		memcpy(pi->cmd + n, argv[i], k);
		n += k;
	}
	pi->ncmd = (uint32_t)n;
}

/* The live or zombie entry with this pid, or NULL. */
static struct px_proc *
find(long pid)
{
	if (pid <= 0 || pid > PX_PID_MAX)
		return NULL;
	return px_proc_lookup((int32_t)pid);
}

/* "/proc/PID[/name]": the pid and which file, or F_NONE. */
static int
classify(const char *path, long *pid)
{
	const char *p = path + 5;
	long v = 0;
	int n = 0;

	if (strcmp(p, "/mounts") == 0)
		return F_MOUNTS;
	if (*p++ != '/')
		return F_NONE;
	while (*p >= '0' && *p <= '9' && n < 10) {
		v = v * 10 + (*p++ - '0');
		n++;
	}
	if (n == 0 || n > 9 || !find(v))
		return F_NONE;
	*pid = v;
	if (*p == '\0')
		return F_DIR;
	if (strcmp(p, "/stat") == 0)
		return F_STAT;
	if (strcmp(p, "/status") == 0)
		return F_STATUS;
	if (strcmp(p, "/cmdline") == 0)
		return F_CMDLINE;
	if (strcmp(p, "/exe") == 0)
		return F_EXE;
	return F_NONE;
}

static const char *
exe_of(long pid)
{
	struct px_proc *p = find(pid);
	struct px_pinfo *pi = p ? info_of(p) : NULL;

	return pi && pi->pid == pid && pi->exe[0] ? pi->exe : NULL;
}

long
px_procpid_lookup(const char *path, struct stat *st)
{
	long pid = 0;
	int k = classify(path, &pid);

	if (k == F_NONE || (k == F_EXE && !exe_of(pid)))
		return -ENOENT;
	memset(st, 0, sizeof(*st));
	st->st_dev = 4;
	st->st_blksize = 1024;
	st->st_uid = PX_UID;
	st->st_gid = PX_GID;
	st->st_nlink = 1;
	st->st_ino = 64 + (ino_t)pid * 8 + (ino_t)k;
	if (k == F_MOUNTS)
		st->st_ino = 5;
	switch (k) {
	case F_DIR:
		st->st_mode = S_IFDIR | 0555;
		st->st_nlink = 3;
		break;
	case F_EXE:
		st->st_mode = S_IFLNK | 0777;
		st->st_size = 64;
		break;
	case F_STATUS:
	case F_STAT:
	case F_CMDLINE:
	case F_MOUNTS:
		st->st_mode = S_IFREG | 0444;   /* size 0, as Linux */
		break;
	}
	return 0;
}

long
px_procpid_readlink(const char *path, char *buf)
{
	long pid = 0;
	const char *e;

	switch (classify(path, &pid)) {
	case F_NONE:
		return -ENOENT;
	case F_EXE:
		if (!(e = exe_of(pid)))
			return -ENOENT;
		return snprintf(buf, PX_PATH_MAX, "%s", e);
	default:
		return -EINVAL;
	}
}

/* /proc's own names past "self": every process's pid in increasing
 * order (as Linux: ps lists them so), then mounts. */
int
px_procpid_rootdir(int (*emit)(void *, const char *, uint64_t, uint32_t),
    void *arg)
{
	struct px_ptab *t = px_ptab();
	char name[16];
	int32_t last = 0, next;
	int i;

	while (t) {
		next = 0;
		for (i = 0; i < PX_NPROC; i++) {
			struct px_proc *p = &t->procs[i];

			if (p->state == PX_FREE || p->state == PX_EMBRYO)
				continue;
			if (p->pid > last && (next == 0 || p->pid < next))
				next = p->pid;
		}
		if (next == 0)
			break;
		snprintf(name, sizeof(name), "%d", (int)next);
		if (emit(arg, name, 64 + (uint64_t)next * 8, S_IFDIR))
			return 1;
		last = next;
	}
	return emit(arg, "mounts", 5, S_IFREG);
}

/* /proc/PID's names (fd only for our own: procfs.c). */
int
px_procpid_readdir(const char *path, int own,
    int (*emit)(void *, const char *, uint64_t, uint32_t), void *arg)
{
	static const char *const names[] = { "stat", "status", "cmdline" };
	long pid = 0;
	int i;

	if (classify(path, &pid) != F_DIR)
		return 0;
	if (own && emit(arg, "fd", 3, S_IFDIR))
		return 1;
	for (i = 0; i < 3; i++)
		if (emit(arg, names[i], 64 + (uint64_t)pid * 8 +
		    (uint64_t)(F_STAT + i), S_IFREG))
			return 1;
	if (exe_of(pid))
		return emit(arg, "exe", 64 + (uint64_t)pid * 8 + F_EXE,
		    S_IFLNK);
	return 0;
}

/* ---- the files' text ------------------------------------------------- */

static char
state_of(const struct px_proc *p)
{
	if (p->state == PX_ZOMBIE || px_proc_dead(p))
		return 'Z';
	if (p->state == PX_STOPPED)
		return 'T';
	return p == px_proc_self() ? 'R' : 'S';
}

static void
comm_of(const struct px_pinfo *pi, char *comm)
{
	const char *s = pi->exe[0] ? pi->exe : pi->cmd, *b;

	if (pi->ncmd == 0 && !pi->exe[0])
		s = "exos";
	b = strrchr(s, '/');
	strncpy(comm, b ? b + 1 : s, 15);       /* Linux keeps 15 */
	comm[15] = '\0';
}

/* The text of file k of process pid into buf (TEXT_MAX): its length,
 * or -ESRCH if the process is gone. */
static long
make_text(int k, long pid, char *buf)
{
	static const char *const names[] = { "/", "/dev", "/proc" };
	static const char *const devs[] = { "/dev/xn0", "devtmpfs", "proc" };
	static const char *const types[] = { "cffs", "devtmpfs", "proc" };
	struct px_pinfo none, *pi;
	struct px_proc *p;
	char comm[16];
	long n = 0;
	int i;

	if (k == F_MOUNTS) {
		for (i = 0; i < 3; i++)
			n += snprintf(buf + n, (size_t)(TEXT_MAX - n),
			    "%s %s %s %s 0 0\n", devs[i], names[i], types[i],
			    i == 0 ? "rw" : "rw,nosuid");
		return n;
	}
	if (!(p = find(pid)))
		return -ESRCH;
	pi = info_of(p);
	if (!pi || pi->pid != p->pid) {
		memset(&none, 0, sizeof(none));
		pi = &none;
	}
	switch (k) {
	case F_CMDLINE:
		if (state_of(p) == 'Z')
			return 0;               /* as Linux: a zombie has none */
		memcpy(buf, pi->cmd, pi->ncmd);
		return pi->ncmd;
	case F_STAT:
		comm_of(pi, comm);
		/* Linux's 52 fields (proc(5)); the unknown ones 0 */
		return snprintf(buf, TEXT_MAX,
		    "%d (%s) %c %d %d %d 0 -1 %u 0 0 0 0 0 0 0 0 20 0 1 0 "
		    "%llu 0 0 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 "
		    "17 0 0 0 0 0 0 0 0 0 0 0 0 0 %d\n",
		    (int)p->pid, comm, state_of(p), (int)p->ppid,
		    (int)p->pgid, (int)p->sid, 0x400000u,
		    (unsigned long long)(pi->start_ns / 10000000u),
		    state_of(p) == 'Z' ? (int)p->wstatus : 0);
	case F_STATUS:
		comm_of(pi, comm);
		return snprintf(buf, TEXT_MAX,
		    "Name:\t%s\nState:\t%c\nTgid:\t%d\nPid:\t%d\nPPid:\t%d\n"
		    "Uid:\t%d\t%d\t%d\t%d\nGid:\t%d\t%d\t%d\t%d\n"
		    "Threads:\t1\n",
		    comm, state_of(p), (int)p->pid, (int)p->pid,
		    (int)p->ppid, PX_UID, PX_UID, PX_UID, PX_UID,
		    PX_GID, PX_GID, PX_GID, PX_GID);
	default:
		return -EIO;
	}
}

/* open (fscalls.c): a description of file path (a regular file here). */
long
px_procpid_open(struct px_ofile *f, const char *path)
{
	long pid = 0;
	int k = classify(path, &pid);

	if (k == F_NONE || k == F_DIR || k == F_EXE)
		return -ENOENT;
	f->obj[0] = (uint64_t)k;
	f->obj[1] = (uint64_t)pid;
	return 0;
}

static long
pp_read(struct px_ofile *f, void *buf, size_t n, int64_t off)
{
	static char text[TEXT_MAX];
	uint64_t o;
	long len;

	px_lock(&f->lock);
	len = make_text((int)f->obj[0], (long)f->obj[1], text);
	if (len < 0) {
		px_unlock(&f->lock);
		return len;
	}
	o = off < 0 ? f->off : (uint64_t)off;
	if (o >= (uint64_t)len)
		n = 0;
	else if (n > (uint64_t)len - o)
		n = (uint64_t)len - o;
	if (n && px_copyout(buf, text + o, n) < 0) {
		px_unlock(&f->lock);
		return -EFAULT;
	}
	if (off < 0)
		f->off = o + n;
	px_unlock(&f->lock);
	return (long)n;
}

static long
pp_lseek(struct px_ofile *f, int64_t off, int whence)
{
	return px_seek_in(f, off, whence, 0);
}

static long
pp_fstat(struct px_ofile *f, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = 4;
	st->st_blksize = 1024;
	st->st_uid = PX_UID;
	st->st_gid = PX_GID;
	st->st_nlink = 1;
	st->st_mode = S_IFREG | 0444;
	st->st_ino = f->obj[0] == F_MOUNTS ? 5 :
	    64 + (ino_t)f->obj[1] * 8 + (ino_t)f->obj[0];
	return 0;
}

static short
pp_poll(struct px_ofile *f, short events,
    const volatile uint64_t **word, uint64_t *seen)
{
	(void)f, (void)word, (void)seen;
	return events & (POLLIN | POLLRDNORM);
}

const struct px_fops px_fops_procpid = {
	.read = pp_read, .lseek = pp_lseek, .fstat = pp_fstat,
	.poll = pp_poll,
};

/* what of ours the family shares (shm.h, the layout check) */
PX_SHM_LAYOUT(procpid, sizeof(struct px_pinfo));
