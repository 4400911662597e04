/*
 * cffs.c - cffs IMAGE COMMAND ARGS: a debugfs-like tool to look at and
 * change a C-FFS image without mounting it.
 *   ls [PATH]            list a directory (mode, links, size, inode, name)
 *   cat PATH             file contents to stdout
 *   stat PATH            all attributes of one file
 *   cp-in HOST PATH      copy a host file in
 *   cp-out PATH HOST     copy a file out
 *   mkdir PATH, rm PATH (file, link or empty directory), ln OLD NEW,
 *   symlink TARGET PATH, mv FROM TO, df
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hostdev.h"
#include "tree.h"

static void
usage(void)
{
	fprintf(stderr,
	    "usage: cffs IMAGE ls [PATH] | cat PATH | stat PATH |\n"
	    "       cp-in HOST PATH | cp-out PATH HOST | mkdir PATH | rm PATH |\n"
	    "       ln OLD NEW | symlink TARGET PATH | mv FROM TO | df\n");
	exit(2);
}

static char
typechar(uint32_t mode)
{
	switch (mode & CFFS_S_IFMT) {
	case CFFS_S_IFDIR: return 'd';
	case CFFS_S_IFLNK: return 'l';
	case CFFS_S_IFIFO: return 'p';
	default: return '-';
	}
}

static int
ls_fn(void *arg, const char *name, const struct cffs_stat *st)
{
	(void)arg;
	printf("%c%04o %3u %5u %5u %10llu %10llu%c %s\n", typechar(st->mode),
	       st->mode & 07777, st->nlink, st->uid, st->gid,
	       (unsigned long long)st->size, (unsigned long long)st->ino,
	       st->embedded ? ' ' : '*', name);
	return 0;
}

static void
ptime(const char *what, struct cffs_time t)
{
	time_t s = (time_t)t.sec;
	struct tm tm;
	char buf[64];

	gmtime_r(&s, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
	printf("%s: %s.%09u UTC\n", what, buf, t.nsec);
}

static int
do_cat(struct cffs_fs *fs, const char *path)
{
	static char buf[1 << 16];
	uint64_t off = 0;
	long n;

	while ((n = cffs_read(fs, path, off, buf, sizeof(buf))) > 0) {
		fwrite(buf, 1, (size_t)n, stdout);
		off += (uint64_t)n;
	}
	return n < 0 ? (int)n : 0;
}

static int
do_rm(struct cffs_fs *fs, const char *path)
{
	struct cffs_stat st;
	int r = cffs_stat(fs, path, &st);

	if (r < 0)
		return r;
	if ((st.mode & CFFS_S_IFMT) == CFFS_S_IFDIR)
		return cffs_rmdir(fs, path);
	return cffs_unlink(fs, path);
}

int
main(int argc, char **argv)
{
	struct hostdev hd;
	struct cffs_fs *fs;
	struct cffs_stat st;
	struct cffs_statfs sf;
	const char *cmd;
	char lnk[CFFS_BSIZE];
	int r, r2, ro, n;

	if (argc < 3)
		usage();
	cmd = argv[2];
	n = argc - 3;
	ro = !strcmp(cmd, "ls") || !strcmp(cmd, "cat") || !strcmp(cmd, "stat") ||
	     !strcmp(cmd, "cp-out") || !strcmp(cmd, "df");
	r = hostdev_open(&hd, argv[1], 0, ro);
	if (r < 0) {
		fprintf(stderr, "cffs: %s: %s\n", argv[1], strerror(-r));
		return 1;
	}
	r = cffs_mount(&hd.dev, ro ? CFFS_RDONLY : 0, &fs);
	if (r < 0) {
		fprintf(stderr, "cffs: %s: cannot mount: %s\n", argv[1],
		        cffs_strerror(r));
		hostdev_close(&hd);
		return 1;
	}
	if (!strcmp(cmd, "ls") && n <= 1) {
		r = cffs_readdir(fs, n ? argv[3] : "/", ls_fn, NULL);
	} else if (!strcmp(cmd, "cat") && n == 1) {
		r = do_cat(fs, argv[3]);
	} else if (!strcmp(cmd, "stat") && n == 1) {
		r = cffs_stat(fs, argv[3], &st);
		if (r == 0) {
			printf("inode: %llu (%s)\nmode: %c%04o\nlinks: %u\n"
			       "uid: %u\ngid: %u\nsize: %llu\nblocks: %llu\n",
			       (unsigned long long)st.ino,
			       st.embedded ? "embedded" : "external",
			       typechar(st.mode), st.mode & 07777, st.nlink,
			       st.uid, st.gid, (unsigned long long)st.size,
			       (unsigned long long)st.blocks);
			ptime("atime", st.atime);
			ptime("mtime", st.mtime);
			ptime("ctime", st.ctime);
			if ((st.mode & CFFS_S_IFMT) == CFFS_S_IFLNK &&
			    cffs_readlink(fs, argv[3], lnk, sizeof(lnk)) >= 0)
				printf("target: %s\n", lnk);
		}
	} else if (!strcmp(cmd, "cp-in") && n == 2) {
		r = file_import(fs, argv[3], argv[4]);
	} else if (!strcmp(cmd, "cp-out") && n == 2) {
		r = file_export(fs, argv[3], argv[4]);
	} else if (!strcmp(cmd, "mkdir") && n == 1) {
		r = cffs_mkdir(fs, argv[3], 0755, getuid(), getgid());
	} else if (!strcmp(cmd, "rm") && n == 1) {
		r = do_rm(fs, argv[3]);
	} else if (!strcmp(cmd, "ln") && n == 2) {
		r = cffs_link(fs, argv[3], argv[4]);
	} else if (!strcmp(cmd, "symlink") && n == 2) {
		r = cffs_symlink(fs, argv[3], argv[4], getuid(), getgid());
	} else if (!strcmp(cmd, "mv") && n == 2) {
		r = cffs_rename(fs, argv[3], argv[4]);
	} else if (!strcmp(cmd, "df") && n == 0) {
		r = cffs_statfs(fs, &sf);
		printf("blocks %llu free %llu block size %u\n",
		       (unsigned long long)sf.blocks,
		       (unsigned long long)sf.bfree, sf.bsize);
	} else {
		cffs_unmount(fs);
		hostdev_close(&hd);
		usage();
	}
	r2 = cffs_unmount(fs);
	hostdev_close(&hd);
	if (r < 0 || r2 < 0) {
		fprintf(stderr, "cffs: %s: %s\n", cmd, cffs_strerror(r < 0 ? r : r2));
		return 1;
	}
	return 0;
}
