/*
 * libfstest.c: C-FFS as a library in ExOS processes (libexos/posix/
 * fsroot.h), run by tests/guest/libfs.sh through scripts/exos-run
 * --disk on an image made by the host's mkfs.cffs.  ExOS only: it
 * tests the libOS's file system underneath the POSIX calls, through its
 * own interface (the POSIX file calls are tested by tests/posix/).
 *   libfstest nodisk   no disk: px_fs_root is NULL, -ENODEV
 *   libfstest mountfail  (session 16) a mount that fails for want of
 *                      memory (px_fs_mount_fail) is tried again by the
 *                      next call, five times over, then mounts
 *   libfstest basic    mount, mkdir, create, write, read, stat, readdir
 *   libfstest check    what "basic" left is there (a second boot)
 *   libfstest twomount the parent mounts and makes /p1, a forked child
 *                      (a second mount) makes /c, then the parent /p2:
 *                      each sees the others' directories and none is
 *                      lost (tests/guest/libfs.sh checks on the host)
 *   libfstest nonroot  a forked child gives up the root capability (its
 *                      slot 0 becomes a name of its own): DISK_RAW is
 *                      refused, and it still makes, writes and reads
 *                      files, which its parent then reads
 *   libfstest hostile  a forked child plays a buggy libFS: through XN's
 *                      calls it points the root directory at another
 *                      file's block, claims that block again and frees
 *                      the root's directory block; XN refuses each and
 *                      the block is unchanged; the same theft made in
 *                      C-FFS's own buffer fails its call with EPERM
 *                      (XN's refusal, not EUCLEAN) and is forgotten;
 *                      it dies with the block still in XN's registry;
 *                      the parent goes on
 *   libfstest exec     makes /x, then execs itself ("execed"): the new
 *                      image mounts again over the old one's heap, sees
 *                      /x, makes /x/y, and a child it forks makes /x/z
 *                      under the same family lock (found again through
 *                      the shared region)
 *   libfstest bench    times 300 small files made, read and removed
 *                      through the bracket (printed, not checked)
 *   libfstest multi    NWORK forked processes create, rename and delete
 *                      in /m at once, one dies holding the lock with a
 *                      change not committed, one is killed at a random
 *                      moment; each prints "HAVE name" for the files its
 *                      successful calls left, and libfs.sh compares them
 *                      with what the host finds in /m
 *   libfstest midcommit  a rename and a link right after another
 *                      living process's change: C-FFS commits inside
 *                      those calls (cffs/ops.c), and that commit found
 *                      the other process's write-back still dirty (a
 *                      directory block holding back a fresh data block:
 *                      XN refuses to write it alone) and failed with
 *                      EUCLEAN; each must succeed, and the image is clean
 *   libfstest share    the shared block cache: K forked readers of one
 *                      2 MiB file read it through views of the same
 *                      registry pages (each page mapped by all K), the
 *                      memory they take together is one copy plus a
 *                      bounded private part each, a change the parent
 *                      commits is what a reader reads next, and readers
 *                      that exit leave no view behind
 *   libfstest killed   a process killed inside a call, after each of its
 *                      changes through XN in turn (exos_xn_die_after),
 *                      for link, rename, unlink, rmdir, mkdir, create,
 *                      symlink, truncate and a growing write: the next
 *                      process finishes the call from the journal
 *                      (fsjournal.c); some recoveries are killed too;
 *                      libfs.sh then runs fsck.cffs on the image
 *   libfstest badjournal a journal forged by a buggy process of the
 *                      family (too many entries, a block twice, past the
 *                      disk, block 0, an image stealing XN's block, a
 *                      wrong type): each replay fails, is dropped and
 *                      leaves the files as they were; a living
 *                      process's journal is not replayed
 *   libfstest forged2  forged journals XN would refuse part of, each
 *                      with a change XN takes in another block, first
 *                      or last: /j/g given /j/f's block (the session-14
 *                      attacker's), a file with blocks made a directory,
 *                      a directory with blocks dropped, a directory's
 *                      block moved below itself or into a data pointer,
 *                      two directories swapping blocks: each is refused
 *                      whole before any change, dropped, nothing changed
 *   libfstest renopen  rename(2) over an open target, of an open file,
 *                      and unlink(2) of an open file, each in a child
 *                      killed after each change in turn: the target's
 *                      name never vanishes, an open description follows
 *                      its file, never into a new file at the old name
 *                      (vfs_cffs.c's record of a name change)
 *   libfstest relkill  a child killed in its last close of an unlinked
 *                      open file (px_vn_die_at: the release recorded;
 *                      the vnode unhooked; the name removed): the next
 *                      vlock (since session 18 the wait's sweep, which
 *                      runs the owed release again) finishes the
 *                      release, the hidden name is gone; then children
 *                      that open, unlink and close in a loop, killed
 *                      at 24 moments (libfs.sh runs fsck after)
 *   libfstest linkkill (session 17) a child killed in its first link
 *                      of a file we hold a record lock on, after
 *                      C-FFS's link and after the locks' re-key
 *                      (px_vn_die_at): the next process finishes it,
 *                      the lock holds through both names
 *   libfstest refkill  (session 17) a child killed in close(2) and
 *                      dup(2) of a file (px_ref_die_at: the close
 *                      journaled; its drop made; its slot cleared; a
 *                      dup's add made): the description keeps exactly
 *                      its other references, an unlinked one's last
 *                      close removes its name; then children that dup,
 *                      dup2 and close a shared file in a loop, killed
 *                      at 40 moments: its references are still ours
 *   libfstest openkill (session 18) a child killed in open(2) of a
 *                      file we hold open and of one nobody holds
 *                      (px_ref_die_at: its placeholder in its slot; its
 *                      description filled; px_vn_die_at: the vnode's
 *                      reference taken, not yet named), in close(2)
 *                      (its last reference's release owed; the vnode's
 *                      reference dropped, still named), and in mmap(2)
 *                      (the mapping's reference taken, its record not
 *                      published): the vnode and the description keep
 *                      exactly their other references, the file's
 *                      unlink and last close remove it; then children
 *                      that open and close in a loop, killed at 40
 *                      moments
 *   libfstest hidemake / hidecheck  two boots: the first leaves 22
 *                      hidden names (as a family that died with files
 *                      unlinked but open does: 20 files, an empty
 *                      directory, one with a file in it) and /keep; the
 *                      second's first call (the boot's first process)
 *                      removes them but the directory that is not
 *                      empty (px_vn_fssweep), /keep stays
 * Each check prints PASS:/FAIL: (tests/posix/ptest.h).
 */
#define PTEST_SUITE "libfs"
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <time.h>
#include <signal.h>
#include <sys/mman.h>
/* C-FFS's internals: bget, bdirty (a buggy libFS, "hostile") */
#include "../../cffs/cffs_int.h"
#include <exos/xok.h>
#include <exos/exos.h>
#include "fsroot.h"
#include "vfs.h"
#include "shm.h"
#include "proc.h"
#include "fd.h"
#include "ptest.h"
#include <exos/cffsdev.h>
#include <xn/xn.h>
#include <cffs/cffs_xn.h>
#include "../../cffs/test/forged.h"

#ifndef CACHE_BUDGET
#define CACHE_BUDGET 1024               /* PX_FS_CACHE_BLOCKS */
#endif

#define TEXT "written by a POSIX process through C-FFS over XN\n"

/* One bracketed C-FFS call that changes something. */
#define CH(call) ({ long e_; struct cffs_fs *fs_ = px_fs_begin(&e_);    \
	fs_ == NULL ? e_ : px_fs_end(fs_, (call), PX_FS_CHANGED); })
#define RD(call) ({ long e_; struct cffs_fs *fs_ = px_fs_begin(&e_);    \
	fs_ == NULL ? e_ : px_fs_end(fs_, (call), PX_FS_READ); })

struct names {
	char buf[512];
	int n;
};

static int
name_fn(void *arg, const char *name, const struct cffs_stat *st)
{
	struct names *v = arg;

	(void)st;
	if (strlen(v->buf) + strlen(name) + 2 < sizeof(v->buf)) {
		strcat(v->buf, name);
		strcat(v->buf, " ");
	}
	v->n++;
	return 0;
}

static int
t_nodisk(void)
{
	EXPECT("no disk: px_fs_root is NULL", px_fs_root() == NULL);
	EXPECT_RET("no disk: px_fs_error is -ENODEV", px_fs_error(), -ENODEV);
	EXPECT_RET("no disk: px_fs_begin gives -ENODEV",
	    CH(cffs_mkdir(fs_, "/x", 0755, 0, 0)), -ENODEV);
	return ptest_done();
}

static int
t_mountfail(void)
{
	char buf[64] = "";
	int fd, i, bad = 0;

	px_fs_mount_fail = 5;
	EXPECT("a failed mount: px_fs_root is NULL", px_fs_root() == NULL);
	EXPECT_RET("px_fs_error says why: -ENOMEM", px_fs_error(), -ENOMEM);
	EXPECT_RET("a call in the bracket: -ENOMEM",
	    CH(cffs_mkdir(fs_, "/mf", 0755, 0, 0)), -ENOMEM);
	errno = 0;
	fd = open("/hello", O_RDONLY);
	EXPECT("open(2): ENOMEM", fd < 0 && errno == ENOMEM);
	errno = 0;
	EXPECT("open(2) O_CREAT: ENOMEM, not EROFS (no disk's)",
	    open("/new", O_CREAT | O_WRONLY, 0644) < 0 && errno == ENOMEM);
	for (i = 0; px_fs_mount_fail > 0 && i < 5; i++)
		if (px_fs_root() != NULL)
			bad++;
	EXPECT("five mounts failed, none cached", bad == 0 &&
	    px_fs_mount_fail == 0);
	EXPECT("the next call mounts", px_fs_root() != NULL);
	EXPECT_RET("px_fs_error is 0 now", px_fs_error(), 0);
	fd = open("/hello", O_RDONLY);
	EXPECT("open(2) and read the image's file", fd >= 0 &&
	    read(fd, buf, sizeof(buf) - 1) > 0 &&
	    strncmp(buf, "hello from the host", 19) == 0);
	if (fd >= 0)
		close(fd);
	EXPECT_RET("mkdir /mf", CH(cffs_mkdir(fs_, "/mf", 0755, 0, 0)), 0);
	sync();
	return ptest_done();
}

static int
t_basic(void)
{
	char buf[128];
	struct cffs_stat st;
	struct names v = { "", 0 };

	EXPECT("px_fs_root mounts the disk", px_fs_root() != NULL);
	EXPECT("px_fs_root: the same mount again", px_fs_root() ==
	    px_fs_root());
	EXPECT_RET("mkdir /d", CH(cffs_mkdir(fs_, "/d", 0755, 0, 0)), 0);
	EXPECT_RET("mkdir /d again: EEXIST",
	    CH(cffs_mkdir(fs_, "/d", 0755, 0, 0)), -EEXIST);
	EXPECT_RET("create /d/f", CH(cffs_create(fs_, "/d/f", 0100644, 0,
	    0)), 0);
	EXPECT_RET("write /d/f", CH(cffs_write(fs_, "/d/f", 0, TEXT,
	    strlen(TEXT))), (long)strlen(TEXT));
	memset(buf, 0, sizeof(buf));
	EXPECT_RET("read /d/f", RD(cffs_read(fs_, "/d/f", 0, buf,
	    sizeof(buf))), (long)strlen(TEXT));
	EXPECT("read /d/f: the bytes written", strcmp(buf, TEXT) == 0);
	EXPECT_RET("stat /d/f", RD(cffs_stat(fs_, "/d/f", &st)), 0);
	EXPECT("stat /d/f: size and mode", st.size == strlen(TEXT) &&
	    st.mode == 0100644);
	EXPECT_RET("stat /nope: ENOENT", RD(cffs_stat(fs_, "/nope", &st)),
	    -ENOENT);
	EXPECT_RET("mkdir /d/f/x: ENOTDIR",
	    CH(cffs_mkdir(fs_, "/d/f/x", 0755, 0, 0)), -ENOTDIR);
	EXPECT_RET("readdir /", RD(cffs_readdir(fs_, "/", name_fn, &v)), 0);
	EXPECT("readdir /: d and the image's file", strstr(v.buf, "d ") &&
	    strstr(v.buf, "hello "));
	return ptest_done();
}

static int
t_check(void)
{
	char buf[128];

	memset(buf, 0, sizeof(buf));
	EXPECT_RET("after the reboot: read /d/f", RD(cffs_read(fs_, "/d/f",
	    0, buf, sizeof(buf))), (long)strlen(TEXT));
	EXPECT("after the reboot: the bytes written", strcmp(buf, TEXT) ==
	    0);
	return ptest_done();
}

static int
find_fn(void *arg, const char *name, const struct cffs_stat *st)
{
	(void)st;
	return strcmp(name, arg) == 0;  /* 1 stops the walk */
}

/* Is name in dir? */
static int
has(const char *dir, const char *name)
{
	return RD(cffs_readdir(fs_, dir, find_fn, (void *)name)) == 1;
}

static int
t_twomount(void)
{
	pid_t pid;
	int st;

	EXPECT_RET("parent: mkdir /p1", CH(cffs_mkdir(fs_, "/p1", 0755, 0,
	    0)), 0);
	pid = fork();
	if (pid == 0) {
		EXPECT_RET("child: mkdir /c", CH(cffs_mkdir(fs_, "/c", 0755, 0,
		    0)), 0);
		EXPECT("child: sees /p1", has("/", "p1"));
		EXPECT("child: sees /c", has("/", "c"));
		exit(ptest_done());
	}
	EXPECT("fork", pid > 0);
	EXPECT_RET("child exits 0", (waitpid(pid, &st, 0), st), 0);
	EXPECT("parent: sees the child's /c", has("/", "c"));
	EXPECT_RET("parent: mkdir /p2", CH(cffs_mkdir(fs_, "/p2", 0755, 0,
	    0)), 0);
	EXPECT("parent: sees /p1 /c /p2", has("/", "p1") && has("/", "c") &&
	    has("/", "p2"));
	EXPECT_RET("parent: mkdir /c: EEXIST (the child's)",
	    CH(cffs_mkdir(fs_, "/c", 0755, 0, 0)), -EEXIST);
	return ptest_done();
}

static int
t_nonroot(void)
{
	struct xok_cap c;
	struct xok_disk_done d;
	char buf[64];
	pid_t pid;
	int st;

	pid = fork();
	if (pid == 0) {
		memset(&c, 0, sizeof(c));
		/* (nonroot) below the user name [0x75] of slot 0 */
		c.valid = 1, c.len = 2, c.rights = XOK_CAP_ALL;
		c.name[0] = 0x75, c.name[1] = 0x4c;
		EXPECT_RET("child: slot 0 becomes the name [75 4c], not root",
		    sys_cap_grant(XOK_SELF, 0, 0, 0, &c), 0);
		memset(&d, 0, sizeof(d));
		EXPECT("child: DISK_RAW is refused", sys_disk_raw(0, 0, 0,
		    1, 4096, &d) < 0);
		EXPECT_RET("child: mkdir /nr", CH(cffs_mkdir(fs_, "/nr", 0755,
		    0, 0)), 0);
		EXPECT_RET("child: create /nr/f", CH(cffs_create(fs_, "/nr/f",
		    0100600, 0, 0)), 0);
		EXPECT_RET("child: write /nr/f", CH(cffs_write(fs_, "/nr/f", 0,
		    "no root", 7)), 7);
		memset(buf, 0, sizeof(buf));
		EXPECT_RET("child: read /nr/f", RD(cffs_read(fs_, "/nr/f", 0,
		    buf, sizeof(buf))), 7);
		EXPECT("child: its bytes", strcmp(buf, "no root") == 0);
		exit(ptest_done());
	}
	EXPECT("fork", pid > 0);
	EXPECT_RET("child exits 0", (waitpid(pid, &st, 0), st), 0);
	memset(buf, 0, sizeof(buf));
	EXPECT_RET("parent: reads the child's /nr/f", RD(cffs_read(fs_,
	    "/nr/f", 0, buf, sizeof(buf))), 7);
	EXPECT("parent: the child's bytes", strcmp(buf, "no root") == 0);
	return ptest_done();
}

#define HOSTILE_VA 0x0000360000000000UL  /* the hostile child's page */
#define ROOT_DIRECT0 (512 + 16 + 64)     /* root inode's direct[0] */

static uint32_t
get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/*
 * The library itself made buggy: a second pointer to /victim's block put
 * in the root directory's inode, in C-FFS's own buffer.  XN refuses the
 * commit; the call fails with EPERM (XN's refusal reaches the caller as
 * such, not as EUCLEAN, "corrupt"), and the change is forgotten.
 */
static void
buggy_library(uint32_t sbblk, uint32_t victim)
{
	static char buf[64];
	struct cffs_fs *fs;
	struct buf *b;
	long e;

	fs = px_fs_begin(&e);
	EXPECT("buggy libFS: the root is mounted", fs != NULL);
	if (fs == NULL)
		return;
	if (bget(fs, sbblk, 0, &b) == 0) {
		memcpy(b->data + ROOT_DIRECT0 + 4, &victim, 4);
		bdirty(b);
		bput(b);
	}
	EXPECT_RET("buggy libFS: XN refuses its commit: EPERM",
	    px_fs_end(fs, 0, PX_FS_CHANGED), -EPERM);
	EXPECT_RET("buggy libFS: nothing left to commit",
	    RD(cffs_dirty(fs_)), 0);
	EXPECT_RET("buggy libFS: /victim still reads", RD(cffs_read(fs_,
	    "/victim", 0, buf, sizeof(buf))), (long)sizeof(buf));
	EXPECT("buggy libFS: /victim's bytes", buf[0] == 'a' && buf[1] == 'b');
}

/* The hostile child; its checks' failures are its exit status. */
static int
hostile(void)
{
	static struct xok_xn_change ch;
	static uint8_t sb[4096], dir[4096], after[4096];
	struct xok_xn_bcins ins;
	uint64_t out[2];
	uint32_t sbblk, dirblk, victim = 0, zero = 0, s;
	int64_t ppn;

	EXPECT_RET("hostile: XN's root cffs", sys_xn_lookup("cffs", out), 0);
	sbblk = (uint32_t)out[0];
	EXPECT_RET("hostile: read the superblock's block", sys_xn_read(sbblk,
	    1, sb), 0);
	dirblk = get32(sb + ROOT_DIRECT0);
	EXPECT_RET("hostile: read the root directory", sys_xn_read(dirblk, 1,
	    dir), 0);
	for (s = 0; s < 8; s++)
		if (dir[s * 512] == 1 && dir[s * 512 + 1] == 6 &&
		    memcmp(dir + s * 512 + 144, "victim", 6) == 0)
			victim = get32(dir + s * 512 + 16 + 64);
	EXPECT("hostile: found /victim's first block", victim != 0);
	buggy_library(sbblk, victim);
	/* (wback) its mount rewrote the superblock's free count, which
	 * the write-back leaves stale on the disk: the bytes to keep are
	 * the ones after it */
	EXPECT_RET("hostile: read the superblock's block after the mount",
	    sys_xn_read(sbblk, 1, sb), 0);
	ppn = sys_page_alloc(XOK_PPN_ANY, 0);
	EXPECT("hostile: a page", ppn >= 0 && sys_page_map(XOK_SELF,
	    HOSTILE_VA, (uint64_t)ppn, XOK_PTE_W | XOK_PTE_NX, 0, 0) == 0);
	memset(&ins, 0, sizeof(ins));
	ins.block = sbblk, ins.ppn = (uint64_t)ppn, ins.va = HOSTILE_VA;
	/* a reader's clean entry for it may be there (the shared block
	 * cache: our own mount read it); anyone may evict a clean entry */
	(void)sys_xn_bc_evict(0, sbblk);
	EXPECT_RET("hostile: the superblock's block in XN's registry",
	    sys_xn_bc_insert_many(0, &ins, 1, 0), 1);

	/* the root directory's pointer made to point at /victim's block */
	EXPECT("hostile: XN refuses a write that steals a block",
	    sys_xn_write(0, sbblk, ROOT_DIRECT0, 4, &victim) <= -XE_XN);
	/* the same block claimed again in the root's next pointer */
	memset(&ch, 0, sizeof(ch));
	ch.block = sbblk, ch.off = ROOT_DIRECT0 + 4, ch.len = 4;
	memcpy(ch.bytes, &victim, 4);
	ch.nclaims = 1;
	ch.claims[0].block = victim, ch.claims[0].type = 1;
	EXPECT("hostile: XN refuses a claim of a block in use",
	    sys_xn_alloc(0, &ch) <= -XE_XN);
	/* the root's directory block freed while it holds /victim */
	memset(&ch, 0, sizeof(ch));
	ch.block = sbblk, ch.off = ROOT_DIRECT0, ch.len = 4;
	memcpy(ch.bytes, &zero, 4);
	ch.nclaims = 1;
	ch.claims[0].block = dirblk, ch.claims[0].type = 0xcf01;
	EXPECT("hostile: XN refuses to free a directory that owns blocks",
	    sys_xn_free(0, &ch) <= -XE_XN);
	EXPECT_RET("hostile: read the block again", sys_xn_read(sbblk, 1,
	    after), 0);
	EXPECT("hostile: the superblock's block is unchanged",
	    memcmp(sb, after, sizeof(sb)) == 0);
	/* die with the entry in XN's registry */
	return ptest_done();
}

static int
t_hostile(void)
{
	static char big[9000], buf[9000];
	pid_t pid;
	int st, i;

	for (i = 0; i < (int)sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	EXPECT_RET("create /victim", CH(cffs_create(fs_, "/victim", 0100644,
	    0, 0)), 0);
	EXPECT_RET("write /victim", CH(cffs_write(fs_, "/victim", 0, big,
	    sizeof(big))), (long)sizeof(big));
	pid = fork();
	if (pid == 0)
		exit(hostile());
	EXPECT("fork the hostile libFS", pid > 0);
	EXPECT_RET("the hostile libFS's checks", (waitpid(pid, &st, 0), st),
	    0);
	EXPECT_RET("after it: read /victim", RD(cffs_read(fs_, "/victim", 0,
	    buf, sizeof(buf))), (long)sizeof(big));
	EXPECT("after it: /victim's bytes", memcmp(buf, big, sizeof(big)) ==
	    0);
	EXPECT_RET("after it: mkdir /after (the root's inode block again)",
	    CH(cffs_mkdir(fs_, "/after", 0755, 0, 0)), 0);
	EXPECT_RET("after it: create /after/f", CH(cffs_create(fs_,
	    "/after/f", 0100644, 0, 0)), 0);
	EXPECT_RET("after it: unlink /victim", CH(cffs_unlink(fs_,
	    "/victim")), 0);
	return ptest_done();
}

#define NWORK   3               /* workers with a known outcome */
#define NOPS    24

/* What the processes' calls did, in the family's shared region (their
 * console lines may interleave): ok[w][j] worker w's step j succeeded,
 * kdone the victim's successful creates.  The parent prints them. */
static struct outcome {
	volatile uint8_t ok[NWORK][NOPS];
	volatile uint32_t kdone;
} *oc;

/* Worker w: create a<w>_<j>, rename every third to b<w>_<j>, delete
 * every third.  Every call must succeed. */
static int
worker(int w)
{
	char a[64], b[64];
	int j, bad = 0;
	long r;

	for (j = 0; j < NOPS; j++) {
		snprintf(a, sizeof(a), "/m/a%d_%d", w, j);
		snprintf(b, sizeof(b), "/m/b%d_%d", w, j);
		r = CH(cffs_create(fs_, a, 0100644, 0, 0));
		if (r == 0 && j % 3 == 1)
			r = CH(cffs_rename(fs_, a, b));
		else if (r == 0 && j % 3 == 2)
			r = CH(cffs_unlink(fs_, a));
		if (r != 0) {
			printf("FAIL: libfs: worker %d op %d: %ld\n", w, j, r);
			bad = 1;
		} else
			oc->ok[w][j] = 1;
	}
	return bad;
}

/* Dies inside the bracket: the lock held, a create not committed. */
static void
die_locked(void)
{
	long e;
	struct cffs_fs *fs = px_fs_begin(&e);

	if (fs != NULL)
		(void)cffs_create(fs, "/m/dead", 0100644, 0, 0);
	sys_env_destroy(XOK_INFO->cur_env, 0, 9);
}

/* Creates k<j> until it is killed, counting its successes. */
static void
victim(void)
{
	char a[64];
	int j;

	for (j = 0; ; j++) {
		snprintf(a, sizeof(a), "/m/k%d", j);
		if (CH(cffs_create(fs_, a, 0100644, 0, 0)) != 0)
			break;
		oc->kdone = (uint32_t)j + 1;
	}
	exit(1);
}

/* Entries of XN's registry that are not clean (printed). */
static int
registry_dirty(void)
{
	const volatile struct xok_xn_export *xe = &XOK_INFO->xn;
	const volatile uint8_t *bc;
	uint32_t i, n = 0;

	if (!xe->mounted)
		return 0;
	bc = (const volatile uint8_t *)(XOK_XN_VA + xe->bc_off);
	for (i = 0; i < xe->bc_slots; i++) {
		/* struct xn_bc_entry: block, owner, state, pad[7], page */
		const volatile uint8_t *e = bc + (size_t)i * 24;

		if (e[8] > 1) {
			printf("registry: block %u owner %x state %u\n",
			    *(const volatile uint32_t *)e,
			    *(const volatile uint32_t *)(e + 4), e[8]);
			n++;
		}
	}
	return (int)n;
}

static int
t_multi(void)
{
	pid_t pid[NWORK + 2];
	struct timespec ts = { 0, 300 * 1000 * 1000 };
	int i, j, st, ok = 1;
	struct px_proc *vp;

	EXPECT("the outcome record in the shared region",
	    (oc = px_shm_alloc(sizeof(*oc))) != NULL);
	if (oc == NULL)
		return ptest_done();
	EXPECT_RET("mkdir /m", CH(cffs_mkdir(fs_, "/m", 0755, 0, 0)), 0);
	for (i = 0; i < NWORK + 2; i++) {
		pid[i] = fork();
		if (pid[i] == 0) {
			if (i < NWORK)
				exit(worker(i));
			if (i == NWORK)
				die_locked();
			victim();
		}
		EXPECT("fork a worker", pid[i] > 0);
	}
	nanosleep(&ts, NULL);
	/* (the victim's environment from the process table: pids are
	 * handed out in turn, not by environment slot) */
	vp = px_proc_lookup(pid[NWORK + 1]);
	EXPECT("the victim in the process table", vp != NULL);
	EXPECT_RET("kill the victim mid-work",
	    vp ? sys_env_destroy(vp->env, 0, 9) : -XE_NOENT, 0);
	for (i = 0; i < NWORK + 2; i++) {
		waitpid(pid[i], &st, 0);
		if (i < NWORK && !(WIFEXITED(st) && WEXITSTATUS(st) == 0))
			ok = 0;
	}
	EXPECT("every worker's calls succeeded", ok);
	EXPECT("/m/dead (never committed) is not there", !has("/m",
	    "dead"));
	EXPECT_RET("mkdir /m/after: the lock was taken over",
	    CH(cffs_mkdir(fs_, "/m/after", 0755, 0, 0)), 0);
	/* what the calls that returned success left */
	for (i = 0; i < NWORK; i++)
		for (j = 0; j < NOPS; j++)
			if (oc->ok[i][j] && j % 3 != 2)
				printf("HAVE %c%d_%d\n", j % 3 ? 'b' : 'a', i, j);
	for (j = 0; j < (int)oc->kdone; j++)
		printf("HAVE k%d\n", j);
	printf("HAVE after\n");
	EXPECT("/m/after is there", has("/m", "after"));
	/* (wback) the mkdir's blocks wait in XN's registry, dirty, for the
	 * write-back (fsroot.c); sync writes them */
	printf("before sync:\n");
	EXPECT("the last call's blocks are in XN's registry, dirty",
	    registry_dirty() > 0);
	sync();
	EXPECT("after sync XN's registry holds nothing dirty",
	    registry_dirty() == 0);
	return ptest_done();
}

/*
 * A child writes a new file in /r (its directory block and the file's
 * fresh data block stay in XN's registry, dirty: the child holds the
 * write-back) and waits, alive; then the parent renames, then links, in
 * /r.  Pipes order the steps.
 */
static int
t_midcommit(void)
{
	int go[2], done[2], k, st;
	char c = 0, name[32];
	pid_t pid;

	EXPECT_RET("mkdir /r", CH(cffs_mkdir(fs_, "/r", 0755, 0, 0)), 0);
	EXPECT_RET("create /r/f", CH(cffs_create(fs_, "/r/f", 0100644, 0,
	    0)), 0);
	EXPECT("pipes", pipe(go) == 0 && pipe(done) == 0);
	pid = fork();
	if (pid == 0) {
		for (k = 0; k < 2; k++) {
			snprintf(name, sizeof(name), "/r/g%d", k);
			if (CH(cffs_create(fs_, name, 0100644, 0, 0)) != 0 ||
			    CH(cffs_write(fs_, name, 0, TEXT, strlen(TEXT))) !=
			    (long)strlen(TEXT))
				exit(1);
			if (write(done[1], &c, 1) != 1 ||
			    read(go[0], &c, 1) != 1)
				exit(2);
		}
		exit(0);
	}
	EXPECT("fork", pid > 0);
	if (pid < 0)
		return ptest_done();
	EXPECT("the child wrote /r/g0", read(done[0], &c, 1) == 1);
	EXPECT_RET("rename /r/f /r/f2 while the child holds the write-back",
	    CH(cffs_rename(fs_, "/r/f", "/r/f2")), 0);
	EXPECT("write to the child", write(go[1], &c, 1) == 1);
	EXPECT("the child wrote /r/g1", read(done[0], &c, 1) == 1);
	EXPECT_RET("link /r/f2 /r/f3 while the child holds the write-back",
	    CH(cffs_link(fs_, "/r/f2", "/r/f3")), 0);
	EXPECT("write to the child", write(go[1], &c, 1) == 1);
	EXPECT_RET("the child exits 0", (waitpid(pid, &st, 0), st), 0);
	EXPECT("/r holds f2 f3 g0 g1, not f", has("/r", "f2") &&
	    has("/r", "f3") && has("/r", "g0") && has("/r", "g1") &&
	    !has("/r", "f"));
	sync();
	return ptest_done();
}

static int
t_exec(void)
{
	char *av[] = { "/bin/libfstest.elf", "execed", NULL };

	EXPECT_RET("before exec: mkdir /x", CH(cffs_mkdir(fs_, "/x", 0755, 0,
	    0)), 0);
	execv(av[0], av);
	EXPECT("execv returned", 0);
	return ptest_done();
}

static int
t_execed(void)
{
	pid_t pid;
	int st;

	EXPECT("exec'd image: sees /x", has("/", "x"));
	EXPECT_RET("exec'd image: mkdir /x/y", CH(cffs_mkdir(fs_, "/x/y",
	    0755, 0, 0)), 0);
	pid = fork();
	if (pid == 0)
		exit(CH(cffs_mkdir(fs_, "/x/z", 0755, 0, 0)) == 0 ? 0 : 1);
	EXPECT_RET("its child: mkdir /x/z", (waitpid(pid, &st, 0), st), 0);
	EXPECT("exec'd image: sees /x/y and /x/z", has("/x", "y") &&
	    has("/x", "z"));
	return ptest_done();
}

static uint64_t
now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000u + (uint64_t)t.tv_nsec / 1000u;
}

static int
t_bench(void)
{
	static char kb[1024], buf[1024];
	char p[64];
	uint64_t t0, t1, t2, t3;
	int i, n = 300, bad = 0;

	EXPECT_RET("mkdir /b", CH(cffs_mkdir(fs_, "/b", 0755, 0, 0)), 0);
	t0 = now_us();
	for (i = 0; i < n; i++) {
		snprintf(p, sizeof(p), "/b/f%d", i);
		bad |= CH(cffs_create(fs_, p, 0100644, 0, 0)) != 0;
		bad |= CH(cffs_write(fs_, p, 0, kb, sizeof(kb))) !=
		    (long)sizeof(kb);
	}
	t1 = now_us();
	for (i = 0; i < n; i++) {
		snprintf(p, sizeof(p), "/b/f%d", i);
		bad |= RD(cffs_read(fs_, p, 0, buf, sizeof(buf))) !=
		    (long)sizeof(buf);
	}
	t2 = now_us();
	for (i = 0; i < n; i++) {
		snprintf(p, sizeof(p), "/b/f%d", i);
		bad |= CH(cffs_unlink(fs_, p)) != 0;
	}
	t3 = now_us();
	EXPECT("every call succeeded", !bad);
	printf("BENCH: libfs: per 1 KiB file: create+write %llu us, read %llu "
	    "us, unlink %llu us\n", (unsigned long long)(t1 - t0) / n,
	    (unsigned long long)(t2 - t1) / n, (unsigned long long)(t3 - t2) /
	    n);
	return ptest_done();
}

/* ---- the shared block cache ---- */

#define SH_K 4
#define SH_BLOCKS 512                   /* a 2 MiB file */

/* Registry entries whose page at least k environments map. */
static unsigned
pages_mapped_by(unsigned k)
{
	const volatile struct xok_xn_export *xe = &XOK_INFO->xn;
	const struct xn_bc_entry *bc =
	    (const struct xn_bc_entry *)(XOK_XN_VA + xe->bc_off);
	unsigned i, n = 0;
	uint64_t ppn;

	for (i = 0; i < xe->bc_slots; i++) {
		if (bc[i].state == XN_BC_EMPTY)
			continue;
		ppn = ((uint64_t)bc[i].page - XOK_KERNEL_DIRECT) / XOK_PGSIZE;
		n += ppn < XOK_INFO->npages && XOK_PAGES[ppn].mapcount >= k;
	}
	return n;
}

static int
t_share(void)
{
	static char chunk[65536], back[65536];
	struct exos_xn_share_stats st;
	int go[2], ready[2], done[2], again[2];
	pid_t pid[SH_K];
	uint64_t free0, free1, free2;
	unsigned k, i, shared;
	char c;
	int ok = 1, status;

	for (i = 0; i < sizeof(chunk); i++)
		chunk[i] = (char)(i * 7 + i / 4096);
	EXPECT_RET("create /big", CH(cffs_create(fs_, "/big", 0100644, 0, 0)),
	    0);
	for (i = 0; i < SH_BLOCKS / 16; i++)
		ok &= CH(cffs_write(fs_, "/big", (uint64_t)i * sizeof(chunk),
		    chunk, sizeof(chunk))) == (long)sizeof(chunk);
	EXPECT("write 2 MiB", ok);
	EXPECT("pipes", pipe(go) == 0 && pipe(ready) == 0 && pipe(done) == 0 &&
	    pipe(again) == 0);
	for (k = 0; k < SH_K; k++) {
		pid[k] = fork();
		if (pid[k] != 0)
			continue;
		/* mount first (the mount's memory is not the file's) */
		ok = RD(cffs_read(fs_, "/big", 0, back, 16)) == 16;
		if (write(ready[1], "r", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(3);
		for (i = 0; i < SH_BLOCKS / 16; i++)
			ok &= RD(cffs_read(fs_, "/big", (uint64_t)i *
			    sizeof(back), back, sizeof(back))) ==
			    (long)sizeof(back) &&
			    memcmp(back, chunk, sizeof(back)) == 0;
		exos_cffs_xn_share_stats(&st);
		printf("reader %u: %llu blocks from views, %llu inserted, "
		    "%llu by XN_READ, %llu registry pages of its own\n", k,
		    (unsigned long long)st.copies,
		    (unsigned long long)st.inserted,
		    (unsigned long long)st.xnreads,
		    (unsigned long long)st.owned);
		EXPECT("reader: reads the 2 MiB right", ok);
		EXPECT("reader: every block of it from a view",
		    st.copies >= SH_BLOCKS);
		if (write(done[1], "d", 1) != 1 || read(again[0], &c, 1) != 1)
			_exit(3);
		EXPECT_RET("reader: sees the parent's change",
		    RD(cffs_read(fs_, "/big", 0, back, 8)), 8);
		EXPECT("reader: the bytes the parent committed",
		    memcmp(back, "CHANGED!", 8) == 0);
		_exit(ptest_done());
	}
	ok = 1;
	for (k = 0; k < SH_K; k++)
		ok &= pid[k] > 0 && read(ready[0], &c, 1) == 1;
	EXPECT("readers forked and mounted", ok);
	EXPECT("before the reads, the readers share only their first read",
	    pages_mapped_by(SH_K) < SH_BLOCKS / 2);
	free0 = XOK_INFO->nfree;
	for (k = 0; k < SH_K; k++)
		ok &= write(go[1], "g", 1) == 1;
	for (k = 0; k < SH_K; k++)
		ok &= read(done[0], &c, 1) == 1;
	EXPECT("readers read", ok);
	free1 = XOK_INFO->nfree;
	shared = pages_mapped_by(SH_K);
	printf("%d readers of 2 MiB: %u registry pages mapped by all of "
	    "them; %llu pages taken while they read (%llu KiB; %d private "
	    "copies would be %d KiB)\n", SH_K, shared,
	    (unsigned long long)(free0 - free1),
	    (unsigned long long)(free0 - free1) * 4, SH_K, SH_K * 2048);
	EXPECT("every block of the file is one page all readers map",
	    shared >= SH_BLOCKS);
	EXPECT("memory: one copy and a bounded private part each",
	    free0 - free1 < SH_BLOCKS + SH_K * (CACHE_BUDGET + 128));
	EXPECT_RET("parent: change the first bytes", CH(cffs_write(fs_,
	    "/big", 0, "CHANGED!", 8)), 8);
	for (k = 0; k < SH_K; k++)
		ok &= write(again[1], "a", 1) == 1;
	for (k = 0; k < SH_K; k++)
		EXPECT_RET("reader exits 0", (waitpid(pid[k], &status, 0),
		    status), 0);
	free2 = XOK_INFO->nfree;
	/* (wback) the parent's write-back holds the block it changed with
	 * a page of its own heap, which its own view maps too: written
	 * back and given back, it is nobody's */
	sync();
	EXPECT_RET("parent: give its registry pages back",
	    RD(cffs_release(fs_)), 0);
	/* the parent's own reads left it views; nobody else maps any */
	EXPECT("readers that exited leave no view behind",
	    pages_mapped_by(2) == 0);
	printf("free pages: %llu before the reads, %llu with the readers, "
	    "%llu after they exited\n", (unsigned long long)free0,
	    (unsigned long long)free1, (unsigned long long)free2);
	return ptest_done();
}

/* ---- killed: a process killed inside a call (fsjournal.c) ---- */

#include "fsjournal.h"

#define KSIZE 5000      /* two data blocks */

/* The file's bytes: position i holds i * 7 + seed. */
static void
pattern(uint8_t *b, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(i * 7 + seed);
}

static long
mkfile(const char *path, unsigned seed, size_t n)
{
	static uint8_t b[65536];
	long r;

	pattern(b, n, seed);
	if ((r = CH(cffs_create(fs_, path, 0100644, 0, 0))) != 0)
		return r;
	return CH(cffs_write(fs_, path, 0, b, n)) == (long)n ? 0 : -EIO;
}

/* path holds n bytes of pattern seed (zeros allowed where `holes`). */
static int
content(const char *path, unsigned seed, size_t n, int holes)
{
	static uint8_t want[65536], got[65536];
	struct cffs_stat st;
	size_t i;

	if (RD(cffs_stat(fs_, path, &st)) != 0 || st.size != n ||
	    RD(cffs_read(fs_, path, 0, got, n)) != (long)n)
		return 0;
	pattern(want, n, seed);
	for (i = 0; i < n; i++)
		if (got[i] != want[i] && !(holes && got[i] == 0))
			return 0;
	return 1;
}

static int
exists(const char *path)
{
	struct cffs_stat st;

	return RD(cffs_stat(fs_, path, &st)) == 0;
}

static uint32_t
nlinks(const char *path)
{
	struct cffs_stat st;

	return RD(cffs_stat(fs_, path, &st)) == 0 ? st.nlink : 0;
}

static cffs_ino_t
inum(const char *path)
{
	struct cffs_stat st;

	return RD(cffs_stat(fs_, path, &st)) == 0 ? st.ino : 0;
}

/*
 * One case: set up in directory B (/k/<case>_<k>, with d1, d2 and a
 * file d1/f of KSIZE bytes), the operation in a child that dies right
 * after its k-th change through XN, and the state the operation leaves
 * when it is done (the journal finishes it whenever one change went in).
 */
struct kcase {
	const char *name;
	long (*setup)(const char *b);
	long (*op)(const char *b);
	int (*done)(const char *b);
};

static char kp_[8][160];
#define P(i, b, rest) (snprintf(kp_[i], sizeof(kp_[i]), "%s/%s", (b), (rest)), kp_[i])

static long su_none(const char *b) { (void)b; return 0; }
static long su_linked(const char *b)
{
	return CH(cffs_link(fs_, P(0, b, "d1/f"), P(1, b, "d1/h")));
}
static long su_victim(const char *b) { return mkfile(P(0, b, "d2/v"), 9, 9000); }
static long su_sub(const char *b)
{
	long r = CH(cffs_mkdir(fs_, P(0, b, "d1/sub"), 0755, 0, 0));

	return r ? r : mkfile(P(1, b, "d1/sub/x"), 3, KSIZE);
}
static long su_empty(const char *b)
{
	return CH(cffs_mkdir(fs_, P(0, b, "d1/e"), 0755, 0, 0));
}
static long su_ext1(const char *b)
{
	long r = su_linked(b);

	return r ? r : CH(cffs_unlink(fs_, P(0, b, "d1/h")));
}

static long op_link(const char *b)
{
	return CH(cffs_link(fs_, P(0, b, "d1/f"), P(1, b, "d2/g")));
}
static int dn_link(const char *b)
{
	return content(P(0, b, "d1/f"), 1, KSIZE, 0) &&
	    content(P(1, b, "d2/g"), 1, KSIZE, 0) &&
	    inum(P(2, b, "d1/f")) == inum(P(3, b, "d2/g")) &&
	    nlinks(P(4, b, "d2/g")) == 2;
}
static int dn_link2(const char *b)
{
	return content(P(0, b, "d2/g"), 1, KSIZE, 0) &&
	    inum(P(2, b, "d1/h")) == inum(P(3, b, "d2/g")) &&
	    nlinks(P(4, b, "d1/f")) == 3;
}
static long op_ren_same(const char *b)
{
	return CH(cffs_rename(fs_, P(0, b, "d1/f"), P(1, b, "d1/g")));
}
static int dn_ren_same(const char *b)
{
	return !exists(P(0, b, "d1/f")) &&
	    content(P(1, b, "d1/g"), 1, KSIZE, 0);
}
static long op_ren_cross(const char *b)
{
	return CH(cffs_rename(fs_, P(0, b, "d1/f"), P(1, b, "d2/f")));
}
static int dn_ren_cross(const char *b)
{
	return !exists(P(0, b, "d1/f")) &&
	    content(P(1, b, "d2/f"), 1, KSIZE, 0);
}
static long op_ren_over(const char *b)
{
	return CH(cffs_rename(fs_, P(0, b, "d1/f"), P(1, b, "d2/v")));
}
static int dn_ren_over(const char *b)
{
	return !exists(P(0, b, "d1/f")) &&
	    content(P(1, b, "d2/v"), 1, KSIZE, 0);
}
static long op_ren_dir(const char *b)
{
	return CH(cffs_rename(fs_, P(0, b, "d1/sub"), P(1, b, "d2/sub")));
}
static int dn_ren_dir(const char *b)
{
	return !exists(P(0, b, "d1/sub")) &&
	    content(P(1, b, "d2/sub/x"), 3, KSIZE, 0) &&
	    nlinks(P(2, b, "d1")) == 2 && nlinks(P(3, b, "d2")) == 3;
}
static long op_unlink(const char *b)
{
	return CH(cffs_unlink(fs_, P(0, b, "d1/f")));
}
static int dn_unlink(const char *b) { return !exists(P(0, b, "d1/f")); }
static int dn_unlink_ext(const char *b)
{
	return !exists(P(0, b, "d1/f")) &&
	    content(P(1, b, "d1/h"), 1, KSIZE, 0) &&
	    nlinks(P(2, b, "d1/h")) == 1;
}
static long op_rmdir(const char *b)
{
	return CH(cffs_rmdir(fs_, P(0, b, "d1/e")));
}
static int dn_rmdir(const char *b)
{
	return !exists(P(0, b, "d1/e")) && nlinks(P(1, b, "d1")) == 2;
}
static long op_mkdir(const char *b)
{
	return CH(cffs_mkdir(fs_, P(0, b, "d2/n"), 0755, 0, 0));
}
static int dn_mkdir(const char *b)
{
	return exists(P(0, b, "d2/n")) && nlinks(P(1, b, "d2")) == 3;
}
static long op_create(const char *b)
{
	return CH(cffs_create(fs_, P(0, b, "d2/c"), 0100600, 0, 0));
}
static int dn_create(const char *b) { return exists(P(0, b, "d2/c")); }
static long op_symlink(const char *b)
{
	return CH(cffs_symlink(fs_, "../d1/f", P(0, b, "d2/s"), 0, 0));
}
static int dn_symlink(const char *b)
{
	char t[32] = "";

	return RD(cffs_readlink(fs_, P(0, b, "d2/s"), t, sizeof(t))) == 7 &&
	    strcmp(t, "../d1/f") == 0;
}
static long op_trunc(const char *b)
{
	return CH(cffs_truncate(fs_, P(0, b, "d1/f"), 100));
}
static int dn_trunc(const char *b)
{
	return content(P(0, b, "d1/f"), 1, 100, 0);
}
/* through the indirect block: data blocks are not journaled, so what
 * the killed write had not sent may read as zeros, never as others' */
static long op_grow(const char *b)
{
	static uint8_t big[65536];

	pattern(big, sizeof(big), 1);
	return CH(cffs_write(fs_, P(0, b, "d1/f"), 0, big, sizeof(big))) ==
	    (long)sizeof(big) ? 0 : -EIO;
}
static int dn_grow(const char *b)
{
	return content(P(0, b, "d1/f"), 1, 65536, 0);
}
/* 64 data blocks and their indirect block in one commit */
#define KBIG (256 * 1024)
static long op_grow_big(const char *b)
{
	static uint8_t big[KBIG];

	pattern(big, sizeof(big), 1);
	return CH(cffs_write(fs_, P(0, b, "d1/f"), 0, big, sizeof(big))) ==
	    (long)sizeof(big) ? 0 : -EIO;
}
static int dn_grow_big(const char *b)
{
	return content(P(0, b, "d1/f"), 1, KBIG, 0);
}
/* the cache full of blocks XN holds dirty (a large write just before):
 * making room inside the link must not commit half of it */
static unsigned cur_k;
static long op_link_full(const char *b)
{
	static uint8_t big[65536];
	long r;
	int i;

	exos_xn_die_after(0);
	pattern(big, sizeof(big), 5);
	if ((r = CH(cffs_create(fs_, P(0, b, "d1/big"), 0100644, 0, 0))) != 0)
		return r;
	for (i = 0; i < 10; i++)        /* as the POSIX layer's write() */
		if ((r = CH(cffs_write(fs_, P(0, b, "d1/big"),
		    (uint64_t)i * sizeof(big), big, sizeof(big)))) !=
		    (long)sizeof(big)) {
			printf("(killed: the large write: %ld)\n", r);
			return -EIO;
		}
	exos_xn_die_after(cur_k);
	r = op_link(b);
	if (r != 0)
		printf("(killed: link with a full cache: %ld)\n", r);
	return r;
}

static const struct kcase kcases[] = {
	{ "link (first: the inode leaves the entry)", su_none, op_link, dn_link },
	{ "link (a third name)", su_linked, op_link, dn_link2 },
	{ "rename in one directory", su_none, op_ren_same, dn_ren_same },
	{ "rename into another directory", su_none, op_ren_cross, dn_ren_cross },
	{ "rename over a file with blocks", su_victim, op_ren_over, dn_ren_over },
	{ "rename a directory into another", su_sub, op_ren_dir, dn_ren_dir },
	{ "unlink (the blocks freed)", su_none, op_unlink, dn_unlink },
	{ "unlink one of two names", su_linked, op_unlink, dn_unlink_ext },
	{ "unlink the last name of an outside inode", su_ext1, op_unlink, dn_unlink },
	{ "rmdir", su_empty, op_rmdir, dn_rmdir },
	{ "mkdir", su_none, op_mkdir, dn_mkdir },
	{ "create", su_none, op_create, dn_create },
	{ "symlink", su_none, op_symlink, dn_symlink },
	{ "truncate (blocks freed)", su_none, op_trunc, dn_trunc },
	{ "a write that grows into the indirect block", su_none, op_grow, dn_grow },
	{ "a write of 256 KiB", su_none, op_grow_big, dn_grow_big },
	{ "link with the cache full of blocks to write back", su_none, op_link_full, dn_link },
};
#define NKCASES (sizeof(kcases) / sizeof(kcases[0]))

/* The directory of case c, try k, made with its d1, d2 and d1/f. */
static long
kbase(char *b, size_t n, unsigned c, unsigned k)
{
	long r;

	snprintf(b, n, "/k/c%u_%u", c, k);
	if ((r = CH(cffs_mkdir(fs_, b, 0755, 0, 0))) != 0 ||
	    (r = CH(cffs_mkdir(fs_, P(0, b, "d1"), 0755, 0, 0))) != 0 ||
	    (r = CH(cffs_mkdir(fs_, P(0, b, "d2"), 0755, 0, 0))) != 0 ||
	    (r = mkfile(P(0, b, "d1/f"), 1, KSIZE)) != 0)
		return r;
	return kcases[c].setup(b);
}

/* A child that runs op (dying after its k-th change, k2 > 0: and a
 * second child that dies after the k2-th change of the recovery it
 * makes); 1 if the first one died, 0 if op finished, -1 on trouble. */
static int
kchild(const struct kcase *kc, const char *b, unsigned k, unsigned k2)
{
	pid_t pid;
	int st;

	if ((pid = fork()) == 0) {
		(void)exists("/k");     /* mounts (its writes are not op's) */
		exos_xn_die_after(k);
		long r = kc->op(b);
		exos_xn_die_after(0);
		_exit(r == 0 ? 0 : 3);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	if (WIFEXITED(st) && WEXITSTATUS(st) != 9) {
		if (WEXITSTATUS(st) != 0)
			printf("(killed: the child exits %d)\n",
			    WEXITSTATUS(st));
		return WEXITSTATUS(st) == 0 ? 0 : -1;
	}
	if (k2 == 0)
		return 1;
	if ((pid = fork()) == 0) {
		exos_xn_die_after(k2);
		(void)exists("/k");     /* takes the lock over, recovers */
		exos_xn_die_after(0);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return 1;
}

static int
t_killed(void)
{
	struct px_fsj_stats s0, s1;
	char b[64], what[200];
	unsigned c, k, kills = 0, bad = 0, k2;
	int died;

	EXPECT_RET("mkdir /k", CH(cffs_mkdir(fs_, "/k", 0755, 0, 0)), 0);
	EXPECT("the family's journal is there", px_fsj_stats(&s0) == 0);
	for (c = 0; c < NKCASES; c++) {
		for (k = 1; k < 40; k++) {
			if (kbase(b, sizeof(b), c, k) != 0) {
				printf("(killed: %s: set-up %u failed)\n",
				    kcases[c].name, k);
				bad++;
				break;
			}
			/* a few tries kill the recovery too */
			k2 = (c + k) % 4 == 0 ? 1 + k % 3 : 0;
			cur_k = k;
			died = kchild(&kcases[c], b, k, k2);
			if (died < 0) {
				printf("(killed: %s: try %u: the child failed)\n",
				    kcases[c].name, k);
				bad++;
				break;
			}
			kills += died;
			if (!kcases[c].done(b)) {
				printf("(killed: %s: killed after change %u%s: "
				    "the call is half done)\n", kcases[c].name,
				    k, k2 ? " and its recovery too" : "");
				bad++;
			}
			if (!died) {
				printf("(killed: %s: %u changes)\n",
				    kcases[c].name, k - 1);
				break;
			}
		}
		snprintf(what, sizeof(what), "killed inside \"%s\" after "
		    "each of its changes: the next process finishes the call",
		    kcases[c].name);
		EXPECT(what, bad == 0);
		bad = 0;
	}
	EXPECT("the children died inside their calls", kills >= NKCASES);
	EXPECT("the family's journal counts", px_fsj_stats(&s1) == 0);
	printf("(killed: %u kills; journal: %llu commits journaled, %llu "
	    "replayed, %llu failed, %llu too large)\n", kills,
	    (unsigned long long)(s1.written - s0.written),
	    (unsigned long long)(s1.replayed - s0.replayed),
	    (unsigned long long)(s1.failed - s0.failed),
	    (unsigned long long)(s1.toolarge - s0.toolarge));
	EXPECT("every kill inside a commit was replayed (none failed)",
	    s1.failed == s0.failed && s1.replayed - s0.replayed >= kills);
	EXPECT("every commit journaled whole (none too large)",
	    s1.toolarge == s0.toolarge);
	sync();
	return ptest_done();
}

/* ---- badjournal: a journal a buggy process of the family forged ---- */

static volatile uint64_t *dead_env_box;

/* An environment id that is dead: a child's, after it exits. */
static uint64_t
dead_env(void)
{
	pid_t pid;
	int st;

	if (dead_env_box == NULL &&
	    (dead_env_box = px_shm_alloc(sizeof(*dead_env_box))) == NULL)
		return 0;
	if ((pid = fork()) == 0) {
		*dead_env_box = XOK_INFO->cur_env;
		_exit(0);
	}
	waitpid(pid, &st, 0);
	return *dead_env_box;
}

/* Forge the journal (n entries of blocks blk[], images img[]) as left by
 * env; then a call: 0 if it and the file system are as before. */
static int
forge(struct px_fsj *j, uint64_t env, uint32_t n, const uint32_t *blk,
      uint8_t (*img)[4096], uint16_t type)
{
	uint32_t i;

	j->state = 0;
	for (i = 0; i < n && i < PX_FSJ_MAX; i++) {
		j->blk[i] = blk[i];
		j->type[i] = type;
		memcpy(j->img[i], img[i], 4096);
	}
	j->n = n;
	j->env = env;
	j->state = PX_FSJ_VALID;
	return exists("/j/g") && content("/j/f", 4, KSIZE, 0) &&
	    CH(cffs_mkdir(fs_, "/j/after", 0755, 0, 0)) == 0 &&
	    CH(cffs_rmdir(fs_, "/j/after")) == 0 && j->state == 0 ? 0 : -1;
}

static int
t_badjournal(void)
{
	static uint8_t img[2][4096];
	struct px_fsj_stats s0, s1;
	struct px_fsj *j;
	uint32_t blk[2], dblk;
	uint64_t env;
	cffs_ino_t ino;
	struct buf *bp;
	struct cffs_fs *fs;
	long e;

	EXPECT_RET("mkdir /j", CH(cffs_mkdir(fs_, "/j", 0755, 0, 0)), 0);
	EXPECT_RET("make /j/f", mkfile("/j/f", 4, KSIZE), 0);
	EXPECT_RET("make /j/g", CH(cffs_create(fs_, "/j/g", 0100644, 0, 0)),
	    0);
	EXPECT("the journal", (j = px_shm_root_find(PX_ROOT_FSJ)) != NULL);
	EXPECT("a dead environment", (env = dead_env()) != 0);
	if (j == NULL || env == 0)
		return ptest_done();
	ino = inum("/j/f");
	dblk = ino_blk(ino);
	/* the block that holds /j/f's inode, as it is */
	if ((fs = px_fs_begin(&e)) != NULL && bget(fs, dblk, 0, &bp) == 0) {
		memcpy(img[0], bp->data, 4096);
		memcpy(img[1], bp->data, 4096);
		bput(bp);
	}
	if (fs != NULL)
		px_fs_end(fs, 0, PX_FS_READ);
	px_fsj_stats(&s0);
	blk[0] = dblk;
	blk[1] = dblk;
	EXPECT_RET("a journal of more entries than it holds: dropped, "
	    "nothing changed", forge(j, env, PX_FSJ_MAX + 1, blk, img,
	    CFFS_XN_SLOTS), 0);
	EXPECT_RET("a journal naming one block twice: dropped, nothing "
	    "changed", forge(j, env, 2, blk, img, CFFS_XN_SLOTS), 0);
	blk[0] = 0xfffffff0u;
	EXPECT_RET("a journal naming a block past the disk: dropped, "
	    "nothing changed", forge(j, env, 1, blk, img, CFFS_XN_SLOTS), 0);
	blk[0] = 0;
	EXPECT_RET("a journal naming block 0: dropped, nothing changed",
	    forge(j, env, 1, blk, img, CFFS_XN_SLOTS), 0);
	/* /j/f's first data pointer aimed at block 1 (XN's own area) */
	blk[0] = dblk;
	memset(img[0] + ino_slot(ino) * SLOT_SIZE + 80, 0, 4);
	img[0][ino_slot(ino) * SLOT_SIZE + 80] = 1;
	EXPECT_RET("an after-image that steals a block XN owns: XN refuses, "
	    "dropped, nothing changed", forge(j, env, 1, blk, img,
	    CFFS_XN_SLOTS), 0);
	EXPECT_RET("the same image labelled a data block (XN's type "
	    "counts): refused, nothing changed", forge(j, env, 1, blk, img,
	    XN_TYPE_DATA), 0);
	px_fsj_stats(&s1);
	EXPECT("each forged journal counted as a failed replay",
	    s1.failed - s0.failed == 6 && s1.replayed == s0.replayed);
	/* a journal of a living process is not ours to replay */
	memcpy(img[0], img[1], 4096);
	img[0][ino_slot(ino) * SLOT_SIZE + 80] ^= 0x55;
	j->n = 1;
	j->blk[0] = dblk;
	memcpy(j->img[0], img[0], 4096);
	j->env = XOK_INFO->cur_env;
	j->state = PX_FSJ_VALID;
	EXPECT("a journal of a living process (ours) is left alone",
	    content("/j/f", 4, KSIZE, 0) && j->state == PX_FSJ_VALID);
	j->state = 0;
	px_fsj_stats(&s0);
	EXPECT("nothing replayed for it", s0.replayed == s1.replayed &&
	    s0.failed == s1.failed);
	sync();
	return ptest_done();
}

/* ---- forged2: forged journals XN would refuse part of ---- */

/* Block blk's bytes now, into img; 0 or -1. */
static int
blkimg(void *arg, uint32_t blk, uint8_t *img)
{
	struct cffs_fs *fs;
	struct buf *bp;
	long e;
	int r = -1;

	(void)arg;
	if ((fs = px_fs_begin(&e)) == NULL)
		return -1;
	if (bget(fs, blk, 0, &bp) == 0) {
		memcpy(img, bp->data, 4096);
		bput(bp);
		r = 0;
	}
	px_fs_end(fs, 0, PX_FS_READ);
	return r;
}

/* The byte offset of field `off' of path's embedded inode in its block
 * (the block into *blk). */
static uint32_t
ifield(void *arg, const char *path, uint32_t off, uint32_t *blk)
{
	cffs_ino_t ino = inum(path);

	(void)arg;
	*blk = ino_blk(ino);
	return ino_slot(ino) * SLOT_SIZE + 16 + off;
}

/* Everything as the setup left it. */
static int
f2_intact(void)
{
	struct cffs_stat st;

	return content("/j/f", 4, KSIZE, 0) && content("/k/h", 6, KSIZE, 0) &&
	    RD(cffs_stat(fs_, "/j/g", &st)) == 0 && st.size == 0 &&
	    RD(cffs_stat(fs_, "/m/e", &st)) == 0 && st.size == 0 &&
	    RD(cffs_stat(fs_, "/hello", &st)) == 0 && st.size == 20 &&
	    RD(cffs_stat(fs_, "/j/s", &st)) == 0 &&
	    (st.mode & S_IFMT) == S_IFDIR && exists("/j/s/x");
}

struct f2 {
	struct px_fsj *j;
	uint64_t env;           /* a dead environment: the forger */
	int order;              /* the accepted change first (0) or last */
};

/*
 * Forge the journal of blocks blk[0..n) (images img) as left by the dead
 * environment, entry 0 first or last; then a call.  The journal must be
 * refused whole: counted as failed, dropped, every file as it was.
 */
static void
forge_whole(void *arg, const char *what, uint32_t n, const uint32_t *blk,
            uint8_t (*img)[4096])
{
	struct f2 *f = arg;
	struct px_fsj_stats s0, s1;
	char m[200];
	uint32_t i, k;

	px_fsj_stats(&s0);
	f->j->state = 0;
	for (i = 0; i < n; i++) {
		k = f->order ? n - 1 - i : i;
		f->j->blk[i] = blk[k];
		f->j->type[i] = CFFS_XN_SLOTS;
		memcpy(f->j->img[i], img[k], 4096);
	}
	f->j->n = n;
	f->j->env = f->env;
	f->j->state = PX_FSJ_VALID;
	(void)exists("/j/f");
	px_fsj_stats(&s1);
	snprintf(m, sizeof(m), "a forged journal: %s, and a change XN takes "
	    "%s: refused whole", what, f->order ? "last" : "first");
	EXPECT(m, s1.failed - s0.failed == 1 && s1.replayed == s0.replayed &&
	    f->j->state == 0 && f2_intact());
}

static int
t_forged2(void)
{
	static uint8_t img[2][4096];
	struct f2 f;
	const struct forged_ops o = { blkimg, ifield, forge_whole, &f };
	uint32_t blk[2], off, x;

	EXPECT_RET("mkdir /j", CH(cffs_mkdir(fs_, "/j", 0755, 0, 0)), 0);
	EXPECT_RET("make /j/f", mkfile("/j/f", 4, KSIZE), 0);
	EXPECT_RET("make /j/g", CH(cffs_create(fs_, "/j/g", 0100644, 0, 0)),
	    0);
	EXPECT_RET("mkdir /j/s", CH(cffs_mkdir(fs_, "/j/s", 0755, 0, 0)), 0);
	EXPECT_RET("make /j/s/x", CH(cffs_create(fs_, "/j/s/x", 0100644, 0,
	    0)), 0);
	EXPECT_RET("mkdir /k", CH(cffs_mkdir(fs_, "/k", 0755, 0, 0)), 0);
	EXPECT_RET("make /k/h", mkfile("/k/h", 6, KSIZE), 0);
	EXPECT_RET("mkdir /m", CH(cffs_mkdir(fs_, "/m", 0755, 0, 0)), 0);
	EXPECT_RET("make /m/e", CH(cffs_create(fs_, "/m/e", 0100644, 0, 0)),
	    0);
	EXPECT("the setup", f2_intact());
	EXPECT("the journal", (f.j = px_shm_root_find(PX_ROOT_FSJ)) != NULL);
	EXPECT("a dead environment", (f.env = dead_env()) != 0);
	if (f.j == NULL || f.env == 0)
		return ptest_done();
	for (f.order = 0; f.order < 2; f.order++) {
		/* the attacker's (session 14, finding 4): /hello's size 5
		 * in the root's block, /j/g given /j/f's first data block */
		ifield(NULL, "/hello", 0, &blk[0]);
		ifield(NULL, "/j/f", 0, &blk[1]);
		if (blkimg(NULL, blk[0], img[0]) || blkimg(NULL, blk[1], img[1]))
			break;
		forged_put32(img[0] + ifield(NULL, "/hello", FORGED_SIZE, &off),
		    5);
		x = forged_get32(img[1] + ifield(NULL, "/j/f", FORGED_DIRECT,
		    &off));
		forged_put32(img[1] + ifield(NULL, "/j/g", FORGED_DIRECT, &off),
		    x);
		forge_whole(&f, "/hello's size 5 and /j/g given /j/f's block "
		    "(the attacker's)", 2, blk, img);
		EXPECT("the other forged journals (forged.h) were made",
		    forged_run(&o) == 0);
	}
	EXPECT("every forged journal was refused and changed nothing",
	    f2_intact());
	sync();
	return ptest_done();
}

/* ---- renopen: rename(2) of open names, killed (vfs_cffs.c) ---- */

/* path's bytes into buf (a string); 0, or -1 if it cannot be read */
static int
slurp(const char *path, char *buf, size_t n)
{
	int fd = open(path, O_RDONLY);
	long r;

	if (fd < 0)
		return -1;
	r = read(fd, buf, n - 1);
	close(fd);
	if (r < 0)
		return -1;
	buf[r] = '\0';
	return 0;
}

static int
spit(const char *path, const char *str)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	long r;

	if (fd < 0)
		return -1;
	r = write(fd, str, strlen(str));
	close(fd);
	return r == (long)strlen(str) ? 0 : -1;
}

/* A child that renames a to b (unlinks a if b is NULL) and dies right
 * after its k-th change through XN: 1 if it died, 0 if it finished. */
static int
pchild(const char *a, const char *b, unsigned k)
{
	struct stat sb;
	pid_t pid;
	int st;

	if ((pid = fork()) == 0) {
		(void)stat("/", &sb);   /* mounts */
		exos_xn_die_after(k);
		long r = b ? rename(a, b) : unlink(a);
		exos_xn_die_after(0);
		_exit(r == 0 ? 0 : 3);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 9)
		return 1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static int
t_renopen(void)
{
	char d[64], s[96], t[96], b1[64], b2[64];
	unsigned k, bad[3] = { 0, 0, 0 }, kills = 0;
	int fd, died, hs, ht;

	/* rename(s, t) over a t we hold open: t is always there, and our
	 * description reads the old t */
	for (k = 1; k < 30; k++) {
		snprintf(d, sizeof(d), "/ra%u", k);
		snprintf(s, sizeof(s), "%s/s", d);
		snprintf(t, sizeof(t), "%s/t", d);
		if (mkdir(d, 0755) != 0 || spit(s, "SSSS") || spit(t, "TTTT"))
			break;
		fd = open(t, O_RDONLY);
		died = pchild(s, t, k);
		hs = slurp(s, b1, sizeof(b1)) == 0;
		ht = slurp(t, b2, sizeof(b2)) == 0;
		memset(b1, 0, sizeof(b1));
		if (!(ht && strcmp(b2, hs ? "TTTT" : "SSSS") == 0) ||
		    pread(fd, b1, 4, 0) != 4 || strcmp(b1, "TTTT") != 0) {
			printf("(renopen: over an open t, killed after change "
			    "%u: s %s, t %s '%s', ours reads '%s')\n", k,
			    hs ? "there" : "gone", ht ? "there" : "GONE",
			    ht ? b2 : "", b1);
			bad[0]++;
		}
		close(fd);
		if (died <= 0)
			break;
		kills++;
	}
	EXPECT("rename(2) over an open target, killed after each change: "
	    "the target's name always there, the open one still ours",
	    bad[0] == 0 && k > 1);
	/* rename(s, t) of an s we hold open: our description follows it,
	 * never into a new file made at the old name */
	for (k = 1; k < 30; k++) {
		snprintf(d, sizeof(d), "/rb%u", k);
		snprintf(s, sizeof(s), "%s/s", d);
		snprintf(t, sizeof(t), "%s/t", d);
		if (mkdir(d, 0755) != 0 || spit(s, "SSSS"))
			break;
		fd = open(s, O_RDWR);
		died = pchild(s, t, k);
		if (access(s, F_OK) != 0)
			(void)spit(s, "NEWW");
		(void)!pwrite(fd, "OLD", 3, 0);
		memset(b1, 0, sizeof(b1));
		memset(b2, 0, sizeof(b2));
		(void)slurp(s, b1, sizeof(b1));
		(void)slurp(t, b2, sizeof(b2));
		if (access(t, F_OK) == 0 ? strcmp(b2, "OLDS") != 0 ||
		    strcmp(b1, "NEWW") != 0 : strcmp(b1, "OLDS") != 0) {
			printf("(renopen: an open s, killed after change %u: "
			    "s '%s', t '%s')\n", k, b1, b2);
			bad[1]++;
		}
		close(fd);
		if (died <= 0)
			break;
		kills++;
	}
	EXPECT("rename(2) of an open file, killed after each change: the "
	    "open description follows the file", bad[1] == 0 && k > 1);
	/* unlink(2) of a name we hold open: the name is gone or there,
	 * our description reads the file either way, a new file at the
	 * name is another */
	for (k = 1; k < 30; k++) {
		snprintf(d, sizeof(d), "/rc%u", k);
		snprintf(s, sizeof(s), "%s/s", d);
		if (mkdir(d, 0755) != 0 || spit(s, "SSSS"))
			break;
		fd = open(s, O_RDWR);
		died = pchild(s, NULL, k);
		if (access(s, F_OK) != 0)
			(void)spit(s, "NEWW");
		(void)!pwrite(fd, "OLD", 3, 0);
		memset(b1, 0, sizeof(b1));
		(void)slurp(s, b1, sizeof(b1));
		if (strcmp(b1, "NEWW") != 0 && strcmp(b1, "OLDS") != 0) {
			printf("(renopen: unlink of an open s, killed after "
			    "change %u: s '%s')\n", k, b1);
			bad[2]++;
		}
		close(fd);
		if (died <= 0)
			break;
		kills++;
	}
	EXPECT("unlink(2) of an open file, killed after each change: a "
	    "new file at the name is another", bad[2] == 0 && k > 1);
	printf("(renopen: %u kills)\n", kills);
	sync();
	return ptest_done();
}

/* The hidden names (vfs_cffs.c's "/.exos-unlinked-*") in the root, as
 * C-FFS lists them (the POSIX listing leaves them out). */
static int
hidden_one(void *arg, const char *name, const struct cffs_stat *st)
{
	(void)st;
	if (strncmp(name, ".exos-unlinked-", 15) == 0)
		(*(int *)arg)++;
	return 0;
}

static int
hidden_count(void)
{
	int n = 0;

	if (RD(cffs_readdir(fs_, "/", hidden_one, &n)) < 0)
		return -1;
	return n;
}

/* Wait for child pid, which a fault injection point ends with exit
 * code 9: 1 if it died there, 0 if it finished, -1 otherwise. */
static int
died_at(pid_t pid)
{
	int st;

	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 9 ? 1 :
	    WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* A child that opens path, unlinks it (its hidden name now) and closes
 * it with px_vn_die_at = point: 1 if it died there, 0 if it finished. */
static int
relchild(const char *path, int point)
{
	pid_t pid;
	int fd;

	if ((pid = fork()) == 0) {
		fd = open(path, O_CREAT | O_RDWR, 0644);
		if (fd < 0 || write(fd, "x", 1) != 1 || unlink(path) != 0)
			_exit(1);
		px_vn_die_at = point;
		close(fd);
		_exit(0);
	}
	return died_at(pid);
}

static int
t_relkill(void)
{
	char path[64];
	pid_t pid;
	int i, k, st, fd, kills = 0, n;

	EXPECT_RET("mkdir /rk", mkdir("/rk", 0755), 0);
	EXPECT("no hidden name to start with", hidden_count() == 0);
	/* killed at each point of the release: the next vlock finishes
	 * it (since session 18 the wait's sweep: it runs the dead one's
	 * owed release again, refs.c, whose vlock finishes it) */
	for (k = PX_VN_DIE_RECORDED; k <= PX_VN_DIE_REMOVED; k++) {
		snprintf(path, sizeof(path), "/rk/d%d", k);
		EXPECT("a child dies in its last close of an unlinked file",
		    relchild(path, k) == 1);
		n = hidden_count();
		printf("(relkill: point %d: %d hidden name(s) after the "
		    "death)\n", k, n);
		EXPECT("the dead one's release is finished by the sweep of "
		    "its wait: its hidden name is gone", n == 0);
		fd = open(path, O_CREAT | O_RDWR, 0644);
		EXPECT("the next process opens a new file of that name",
		    fd >= 0 && close(fd) == 0);
		EXPECT("and the dead one's hidden name is gone",
		    hidden_count() == 0);
	}
	EXPECT("no point: the child finishes", relchild("/rk/n", 0) == 0 &&
	    hidden_count() == 0);
	/* an open directory a rename replaces: hidden, then removed */
	EXPECT("mkdir /rk/da /rk/db", mkdir("/rk/da", 0755) == 0 &&
	    mkdir("/rk/db", 0755) == 0);
	fd = open("/rk/db", O_RDONLY | O_DIRECTORY);
	EXPECT_RET("rename /rk/da over the open /rk/db",
	    rename("/rk/da", "/rk/db"), 0);
	EXPECT("the open directory is hidden", hidden_count() == 1);
	EXPECT_RET("its last close", close(fd), 0);
	EXPECT("removes it", hidden_count() == 0);
	/* killed at 24 moments of open, unlink and close (fsck after) */
	for (k = 0; k < 24; k++) {
		if ((pid = fork()) == 0) {
			for (i = 0; ; i++) {
				snprintf(path, sizeof(path), "/rk/f%d-%d", k, i);
				fd = open(path, O_CREAT | O_RDWR, 0644);
				if (fd < 0 || write(fd, "x", 1) != 1 ||
				    unlink(path) != 0)
					_exit(1);
				close(fd);
			}
		}
		usleep((useconds_t)(2000 + (k * 7919) % 30000));
		if (kill(pid, SIGKILL) == 0 && waitpid(pid, &st, 0) == pid &&
		    WIFSIGNALED(st))
			kills++;
	}
	EXPECT("24 children killed in the loop", kills == 24);
	/* (open(2)'s description is in its slot before it takes the
	 * vnode since session 18, "openkill"; close(2)'s is journaled
	 * since session 17, "refkill", its release since 18: none should
	 * be left, but this count is not checked) */
	printf("(relkill: %d hidden name(s) after the kills)\n",
	    hidden_count());
	sync();
	return ptest_done();
}

/* A child of ours, a process of its own, tries a write lock of [0,10)
 * through path (its own open): 0 it got it, 1 refused (EAGAIN or
 * EACCES), 2 anything else. */
static int
lk_other(const char *path)
{
	pid_t pid;
	int st;

	if ((pid = fork()) == 0) {
		int fd = open(path, O_RDWR);
		struct flock g = { .l_type = F_WRLCK, .l_whence = SEEK_SET,
		    .l_start = 0, .l_len = 10 };

		if (fd < 0)
			_exit(2);
		if (fcntl(fd, F_SETLK, &g) == 0)
			_exit(0);
		_exit(errno == EAGAIN || errno == EACCES ? 1 : 2);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/*
 * (session 17) A first link(2) of a file we hold a record lock on,
 * made by a child killed inside it: after C-FFS's link, before the
 * lock table is re-keyed to the inode's new number
 * (PX_VN_DIE_LINKED), and after that, before the open vnode takes the
 * number (PX_VN_DIE_REKEYED).  The next holder of the open-file list's
 * lock finishes it (vfs_cffs.c, vn_recover): the lock holds through
 * both names, and our close drops it.
 */
static int
t_linkkill(void)
{
	char a[32], b[32];
	pid_t pid;
	int k, st, fd;
	struct flock g;

	EXPECT_RET("mkdir /lk", mkdir("/lk", 0755), 0);
	for (k = PX_VN_DIE_LINKED; k <= PX_VN_DIE_REKEYED; k++) {
		snprintf(a, sizeof(a), "/lk/a%d", k);
		snprintf(b, sizeof(b), "/lk/b%d", k);
		fd = open(a, O_CREAT | O_RDWR, 0644);
		g = (struct flock){ .l_type = F_WRLCK, .l_whence = SEEK_SET,
		    .l_start = 0, .l_len = 10 };
		EXPECT("we lock [0,10) of a file with one name",
		    fd >= 0 && write(fd, "0123456789", 10) == 10 &&
		    fcntl(fd, F_SETLK, &g) == 0);
		if ((pid = fork()) == 0) {
			px_vn_die_at = k;
			_exit(link(a, b) == 0 ? 0 : 1);
		}
		EXPECT("a child dies inside its link(2) of it",
		    pid > 0 && waitpid(pid, &st, 0) == pid &&
		    WIFEXITED(st) && WEXITSTATUS(st) == 9);
		EXPECT_RET("the new name is there (C-FFS's link was made)",
		    access(b, F_OK), 0);
		EXPECT_RET("another process's lock through the new name is "
		    "refused", lk_other(b), 1);
		EXPECT_RET("and through the old name", lk_other(a), 1);
		EXPECT_RET("our close", close(fd), 0);
		EXPECT_RET("drops it: another process gets it through the "
		    "new name", lk_other(b), 0);
	}
	return ptest_done();
}

/* A child that closes (dup: dups) fd with px_ref_die_at = point, or,
 * path not NULL, opens path, unlinks it and closes it so: 1 if it died
 * there, 0 if it finished. */
static int
refchild(int fd, const char *path, int point, int dup_it)
{
	pid_t pid;

	if ((pid = fork()) == 0) {
		if (path && ((fd = open(path, O_CREAT | O_RDWR, 0644)) < 0 ||
		    unlink(path) != 0))
			_exit(1);
		px_ref_die_at = point;
		if (dup_it)
			dup(fd);
		else
			close(fd);
		_exit(0);
	}
	return died_at(pid);
}

static int
t_refkill(void)
{
	struct px_ofile *f;
	char path[64];
	pid_t pid;
	int k, fd, d, st, kills = 0;

	EXPECT_RET("mkdir /rf", mkdir("/rf", 0755), 0);
	EXPECT("no hidden name to start with", hidden_count() == 0);
	for (k = PX_REF_DIE_JOURNAL; k <= PX_REF_DIE_ADDED; k++) {
		snprintf(path, sizeof(path), "/rf/s%d", k);
		fd = open(path, O_CREAT | O_RDWR, 0644);
		f = px_fd_get(fd);
		EXPECT("open a file shared with a child", fd >= 0 && f &&
		    f->refs == 1);
		/* the child's wait4 sweeps its table (fd.c) */
		EXPECT(k == PX_REF_DIE_ADDED ?
		    "a child dies in dup of the shared file" :
		    "a child dies in its close of the shared file",
		    refchild(fd, NULL, k, k == PX_REF_DIE_ADDED) == 1);
		printf("(refkill: point %d: %u reference(s) after the "
		    "death)\n", k, f ? f->refs : 0);
		EXPECT("the description holds our reference alone, and is "
		    "open", f && f->refs == 1 && f->closed == 0 &&
		    f->type == PX_FT_FILE && px_fd_get(fd) == f);
		EXPECT("our descriptor still writes the file",
		    write(fd, "y", 1) == 1);
		EXPECT("unlinked, its name hidden while we hold it",
		    unlink(path) == 0 && hidden_count() == 1);
		EXPECT("our close releases it: the hidden name goes",
		    close(fd) == 0 && hidden_count() == 0);
		if (k == PX_REF_DIE_ADDED)
			break;
		/* the last reference: its release is finished for it */
		snprintf(path, sizeof(path), "/rf/l%d", k);
		EXPECT("a child dies in the last close of its unlinked file",
		    refchild(-1, path, k, 0) == 1);
		EXPECT("and its release is done by the sweep: no hidden name",
		    hidden_count() == 0);
	}
	EXPECT("no point: the child finishes", refchild(-1, "/rf/n", 0, 0) ==
	    0 && hidden_count() == 0);
	/* killed at 40 moments of dup, dup2, F_DUPFD and close of a shared
	 * file: never a reference more or less */
	fd = open("/rf/shared", O_CREAT | O_RDWR, 0644);
	f = px_fd_get(fd);
	EXPECT("open the shared file", fd >= 0 && f && f->refs == 1);
	for (k = 0; k < 40; k++) {
		if ((pid = fork()) == 0) {
			for (;;) {
				d = dup(fd);
				dup2(fd, 40);
				close(d);
				d = fcntl(fd, F_DUPFD, 50);
				close(40);
				close(d);
			}
		}
		usleep((useconds_t)(1000 + (k * 7919) % 20000));
		if (kill(pid, SIGKILL) == 0 && waitpid(pid, &st, 0) == pid &&
		    WIFSIGNALED(st))
			kills++;
	}
	EXPECT("40 children killed in the loop", kills == 40);
	printf("(refkill: %u reference(s) after the kills)\n",
	    f ? f->refs : 0);
	EXPECT("the shared file's description holds our reference alone",
	    f && f->refs == 1 && f->closed == 0);
	EXPECT("unlinked and closed: released", unlink("/rf/shared") == 0 &&
	    close(fd) == 0 && hidden_count() == 0);
	sync();
	return ptest_done();
}

/* A child that opens path (mapped: maps fd; shut: opens path and
 * closes it) with px_ref_die_at = point, or px_vn_die_at = vpoint: 1
 * if it died there, 0 if it finished. */
static int
okchild(const char *path, int fd, int point, int vpoint, int shut)
{
	pid_t pid;

	if ((pid = fork()) == 0) {
		if (shut && (fd = open(path, O_RDWR)) < 0)
			_exit(1);
		px_ref_die_at = point;
		px_vn_die_at = vpoint;
		if (shut)
			close(fd);
		else if (!path) {
			if (mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0) ==
			    MAP_FAILED)
				_exit(1);
		} else if (open(path, O_RDWR) < 0)
			_exit(1);
		_exit(0);
	}
	return died_at(pid);
}

static int
t_openkill(void)
{
	static const struct { int ref, vn, shut; } pts[] = {
		{ PX_REF_DIE_OPENSLOT, 0, 0 }, { 0, PX_VN_DIE_OPENREF, 0 },
		{ PX_REF_DIE_OPENED, 0, 0 },
		/* its close: the release owed, then the vnode's drop */
		{ PX_REF_DIE_RELEASING, 0, 1 }, { 0, PX_VN_DIE_DROPPED, 1 },
	};
	struct px_ofile *f;
	char path[64];
	pid_t pid;
	unsigned k;
	int i, fd, st, kills = 0, pp[2];
	long n;
	void *mp;
	char c;

	EXPECT_RET("mkdir /ok", mkdir("/ok", 0755), 0);
	EXPECT("no hidden name to start with", hidden_count() == 0);
	for (k = 0; k < sizeof(pts) / sizeof(pts[0]); k++) {
		/* a file we hold open: its vnode is shared */
		snprintf(path, sizeof(path), "/ok/s%u", k);
		fd = open(path, O_CREAT | O_RDWR, 0644);
		f = px_fd_get(fd);
		EXPECT("open a file: one vnode reference", fd >= 0 && f &&
		    f->refs == 1 && px_vn_refs(path) == 1);
		EXPECT(pts[k].shut ? "a child dies in its close of the file" :
		    "a child dies in its open of the file",
		    okchild(path, -1, pts[k].ref, pts[k].vn, pts[k].shut) == 1);
		n = px_vn_refs(path);   /* (its vlock finishes the dead's) */
		printf("(openkill: point %d/%d: %ld vnode reference(s) after "
		    "the death)\n", pts[k].ref, pts[k].vn, n);
		EXPECT("the vnode holds our description's reference alone",
		    n == 1);
		EXPECT("our description holds our reference alone, open",
		    f && f->refs == 1 && f->closed == 0 &&
		    f->type == PX_FT_FILE && px_fd_get(fd) == f);
		EXPECT("our descriptor still writes the file",
		    write(fd, "y", 1) == 1);
		EXPECT("unlinked, its name hidden while we hold it",
		    unlink(path) == 0 && hidden_count() == 1);
		EXPECT("our close releases it: the hidden name goes",
		    close(fd) == 0 && hidden_count() == 0 &&
		    px_vn_refs(path) == 0);
		/* a file nobody holds: the dead one's vnode was new */
		snprintf(path, sizeof(path), "/ok/f%u", k);
		EXPECT_RET("make a file nobody holds", spit(path, "f"), 0);
		EXPECT(pts[k].shut ? "a child dies in its close of the file" :
		    "a child dies in its open of the file",
		    okchild(path, -1, pts[k].ref, pts[k].vn, pts[k].shut) == 1);
		n = px_vn_refs(path);
		printf("(openkill: point %d/%d, new vnode: %ld reference(s) "
		    "after the death)\n", pts[k].ref, pts[k].vn, n);
		EXPECT("no vnode is left open", n == 0);
		EXPECT("unlinked: gone at once, no hidden name",
		    unlink(path) == 0 && !exists(path) &&
		    hidden_count() == 0);
	}
	EXPECT("no point: the child opens and exits, its vnode closed",
	    spit("/ok/n", "n") == 0 && okchild("/ok/n", -1, 0, 0, 0) == 0 &&
	    px_vn_refs("/ok/n") == 0);
	/* mmap: killed between the mapping's reference and its record */
	fd = open("/ok/m", O_CREAT | O_RDWR, 0644);
	f = px_fd_get(fd);
	EXPECT("open a file of a page", fd >= 0 && f && f->refs == 1 &&
	    ftruncate(fd, 4096) == 0);
	EXPECT("a child dies in its mmap of the shared description",
	    okchild(NULL, fd, PX_REF_DIE_MAPREF, 0, 0) == 1);
	printf("(openkill: mmap: %u reference(s) after the death)\n",
	    f ? f->refs : 0);
	EXPECT("the description holds our reference alone", f &&
	    f->refs == 1 && f->closed == 0 && f->type == PX_FT_FILE);
	EXPECT("unlinked and closed: released", unlink("/ok/m") == 0 &&
	    close(fd) == 0 && hidden_count() == 0);
	/* (s18's review) a child killed with its mapping's record
	 * published but its journal not cleared, and the record swept by
	 * our own mmap before any wait: the repair must keep the child's
	 * reference once and the sweep drop it once (cleared first, the
	 * repair took it back and the sweep dropped it again: the
	 * description freed while we hold it) */
	fd = open("/ok/m2", O_CREAT | O_RDWR, 0644);
	f = px_fd_get(fd);
	EXPECT("open a second file of a page", fd >= 0 && f && f->refs == 1 &&
	    ftruncate(fd, 4096) == 0 && pipe(pp) == 0);
	if ((pid = fork()) == 0) {
		(void)write(pp[1], "x", 1);
		px_ref_die_at = PX_REF_DIE_MAPPED;
		(void)mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
		_exit(0);
	}
	i = (int)read(pp[0], &c, 1);
	usleep(300000);                 /* its mmap, and its death */
	mp = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	EXPECT("our mmap swept the dead child's record", i == 1 &&
	    mp != MAP_FAILED && munmap(mp, 4096) == 0);
	EXPECT("the child died in its mmap", pid > 0 &&
	    waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 9);
	printf("(openkill: swept mmap: %u reference(s) after the death)\n",
	    f ? f->refs : 0);
	EXPECT("swept by a sibling: the description holds our reference "
	    "alone", f && f->refs == 1 && f->closed == 0 &&
	    f->type == PX_FT_FILE);
	EXPECT("unlinked and closed: the second file released",
	    unlink("/ok/m2") == 0 && close(fd) == 0 && hidden_count() == 0 &&
	    close(pp[0]) == 0 && close(pp[1]) == 0);
	/* killed at 40 moments of open and close of a file we hold and
	 * of one we do not */
	EXPECT_RET("make /ok/other", spit("/ok/other", "o"), 0);
	fd = open("/ok/shared", O_CREAT | O_RDWR, 0644);
	f = px_fd_get(fd);
	EXPECT("open the shared file", fd >= 0 && f && f->refs == 1);
	for (k = 0; k < 40; k++) {
		if ((pid = fork()) == 0) {
			for (;;) {
				i = open("/ok/shared", O_RDWR);
				close(open("/ok/other", O_RDONLY));
				close(i);
			}
		}
		usleep((useconds_t)(1000 + (k * 7919) % 20000));
		if (kill(pid, SIGKILL) == 0 && waitpid(pid, &st, 0) == pid &&
		    WIFSIGNALED(st))
			kills++;
	}
	EXPECT("40 children killed in the loop", kills == 40);
	printf("(openkill: %ld and %ld vnode reference(s) after the kills)\n",
	    px_vn_refs("/ok/shared"), px_vn_refs("/ok/other"));
	EXPECT("the shared file's vnode and description hold our reference "
	    "alone", px_vn_refs("/ok/shared") == 1 && f && f->refs == 1 &&
	    f->closed == 0);
	EXPECT("the other file's vnode is gone", px_vn_refs("/ok/other") == 0);
	EXPECT("unlinked, the other file is gone at once",
	    unlink("/ok/other") == 0 && hidden_count() == 0);
	EXPECT("unlinked and closed: the shared file is released",
	    unlink("/ok/shared") == 0 && close(fd) == 0 &&
	    hidden_count() == 0);
	sync();
	return ptest_done();
}

static int
t_hidemake(void)
{
	char p[64];
	int i, bad = 0;

	/* 20 files, an empty directory (an open one a rename replaced)
	 * and one with a file in it (made inside the open hidden one):
	 * more than a batch of the sweep */
	for (i = 0; i < 20; i++) {
		snprintf(p, sizeof(p), "/.exos-unlinked-ffff-%d", i);
		if (CH(cffs_create(fs_, p, 0100644, 0, 0)) != 0 ||
		    CH(cffs_write(fs_, p, 0, "dead", 4)) != 4)
			bad++;
	}
	EXPECT("20 hidden files (as a dead family left them)", bad == 0);
	EXPECT_RET("an empty hidden directory",
	    CH(cffs_mkdir(fs_, "/.exos-unlinked-dd-1", 0755, 0, 0)), 0);
	EXPECT_RET("a hidden directory with a file in it",
	    CH(cffs_mkdir(fs_, "/.exos-unlinked-dd-2", 0755, 0, 0)), 0);
	EXPECT_RET("(the file)", CH(cffs_create(fs_,
	    "/.exos-unlinked-dd-2/f", 0100644, 0, 0)), 0);
	EXPECT_RET("make /keep", spit("/keep", "KEEP"), 0);
	EXPECT("22 hidden names", hidden_count() == 22);
	sync();
	return ptest_done();
}

static int
t_hidecheck(void)
{
	struct cffs_stat st;
	char b[16] = "";

	EXPECT("the boot's first call removed the dead family's hidden "
	    "names but the directory with a file in it", hidden_count() == 1
	    && RD(cffs_stat(fs_, "/.exos-unlinked-dd-2/f", &st)) == 0);
	EXPECT("/keep is still there", slurp("/keep", b, sizeof(b)) == 0 &&
	    strcmp(b, "KEEP") == 0);
	sync();
	return ptest_done();
}

int
main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(m, "nodisk") == 0)
		return t_nodisk();
	if (strcmp(m, "relkill") == 0)
		return t_relkill();
	if (strcmp(m, "refkill") == 0)
		return t_refkill();
	if (strcmp(m, "linkkill") == 0)
		return t_linkkill();
	if (strcmp(m, "openkill") == 0)
		return t_openkill();
	if (strcmp(m, "mountfail") == 0)
		return t_mountfail();
	if (strcmp(m, "hidemake") == 0)
		return t_hidemake();
	if (strcmp(m, "hidecheck") == 0)
		return t_hidecheck();
	if (strcmp(m, "basic") == 0)
		return t_basic();
	if (strcmp(m, "check") == 0)
		return t_check();
	if (strcmp(m, "twomount") == 0)
		return t_twomount();
	if (strcmp(m, "nonroot") == 0)
		return t_nonroot();
	if (strcmp(m, "hostile") == 0)
		return t_hostile();
	if (strcmp(m, "exec") == 0)
		return t_exec();
	if (strcmp(m, "execed") == 0)
		return t_execed();
	if (strcmp(m, "bench") == 0)
		return t_bench();
	if (strcmp(m, "multi") == 0)
		return t_multi();
	if (strcmp(m, "share") == 0)
		return t_share();
	if (strcmp(m, "killed") == 0)
		return t_killed();
	if (strcmp(m, "badjournal") == 0)
		return t_badjournal();
	if (strcmp(m, "forged2") == 0)
		return t_forged2();
	if (strcmp(m, "renopen") == 0)
		return t_renopen();
	if (strcmp(m, "midcommit") == 0)
		return t_midcommit();
	printf("FAIL: libfs: unknown mode %s\n", m);
	return 2;
}
