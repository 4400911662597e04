/*
 * tests/posix/procpid.c: /proc/PID of every process and /proc/mounts,
 * what toybox ps and df read (libexos/posix/procpid.c), the same
 * program on Linux and on ExOS (the POSIX suite).  A child's stat
 * (pid, comm, state, ppid, pgrp, session), its cmdline, the listing of
 * /proc, a zombie's state Z, a reaped child's open stat file reading
 * ESRCH, /proc/99999 ENOENT, a bad buffer EFAULT, statfs of /proc.
 */
#define _GNU_SOURCE
#define PTEST_SUITE "procpid"
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include "ptest.h"

#define BADP ((void *)16)
#include <sys/syscall.h>

static char buf[4096];

/* The text of path (NUL-terminated), its length or -1. */
static long
slurp(const char *path)
{
	long n = 0, r;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	while ((r = read(fd, buf + n, sizeof(buf) - 1 - (size_t)n)) > 0)
		n += r;
	close(fd);
	buf[n] = '\0';
	return r < 0 ? -1 : n;
}

/* Parse a stat line: pid, comm, state and the next three fields. */
static int
parse_stat(int *pid, char *comm, char *state, int *ppid, int *pgrp,
    int *sid)
{
	char *open = strchr(buf, '('), *close = strrchr(buf, ')');

	if (!open || !close || close - open > 17)
		return -1;
	*pid = atoi(buf);
	memcpy(comm, open + 1, (size_t)(close - open - 1));
	comm[close - open - 1] = '\0';
	return sscanf(close + 1, " %c %d %d %d", state, ppid, pgrp, sid) ==
	    4 ? 0 : -1;
}

static int
in_proc(int pid)
{
	char name[16];
	struct dirent *e;
	DIR *d = opendir("/proc");
	int found = 0;

	if (!d)
		return 0;
	snprintf(name, sizeof(name), "%d", pid);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, name) == 0)
			found = 1;
	closedir(d);
	return found;
}

int
main(int argc, char **argv)
{
	char path[64], comm[32], state, self[256];
	int p[2], pid, ppid, pgrp, sid, fd, st, i;
	long n, nself;
	struct statfs sf;
	pid_t c;

	for (i = 0, n = 0; i < argc && n + strlen(argv[i]) + 1 <
	    sizeof(self); i++) {
		memcpy(self + n, argv[i], strlen(argv[i]) + 1);
		n += (long)strlen(argv[i]) + 1;
	}
	/* ourselves */
	EXPECT("/proc/self/stat reads", slurp("/proc/self/stat") > 0);
	EXPECT("our stat: pid, R, ppid, pgrp, session",
	    parse_stat(&pid, comm, &state, &ppid, &pgrp, &sid) == 0 &&
	    pid == getpid() && state == 'R' && ppid == getppid() &&
	    pgrp == getpgrp() && sid == getsid(0));
	nself = slurp("/proc/self/cmdline");
	EXPECT("our cmdline is argv, NULs after each", nself == n &&
	    memcmp(buf, self, (size_t)n) == 0);
	snprintf(path, sizeof(path), "/proc/%d/status", (int)getpid());
	EXPECT("our status has Pid and PPid", slurp(path) > 0 &&
	    strstr(buf, "\nPid:\t") && strstr(buf, "\nPPid:\t"));

	/* a child that waits on a pipe */
	if (pipe(p) < 0)
		return 1;
	if ((c = fork()) == 0) {
		char x;

		close(p[1]);
		setpgid(0, 0);
		if (read(p[0], &x, 1) == 1 && x == 'z')
			_exit(3);
		_exit(0);
	}
	close(p[0]);
	setpgid(c, c);
	EXPECT("the child is listed in /proc", in_proc(c));
	EXPECT("so are we", in_proc(getpid()));
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)c);
	EXPECT("the child's stat reads", slurp(path) > 0);
	EXPECT("its pid, comm, S (or R), ppid us, its own group",
	    parse_stat(&pid, comm, &state, &ppid, &pgrp, &sid) == 0 &&
	    pid == c && strcmp(comm, "procpid") == 0 &&
	    (state == 'S' || state == 'R') &&
	    ppid == getpid() && pgrp == c && sid == getsid(0));
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)c);
	EXPECT("its cmdline is ours (a fork)", slurp(path) == nself &&
	    memcmp(buf, self, (size_t)nself) == 0);

	/* hostile: a bad buffer, a pid that is not there */
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)c);
	fd = open(path, O_RDONLY);
	EXPECT("open the child's stat", fd >= 0);
	EXPECT_ERR("read into a bad buffer: EFAULT", syscall(SYS_read, fd, BADP, 100),
	    EFAULT);
	EXPECT_ERR("/proc/99999/stat: ENOENT",
	    open("/proc/99999/stat", O_RDONLY), ENOENT);
	EXPECT_ERR("stat /proc/99999: ENOENT", stat("/proc/99999",
	    (struct stat *)buf), ENOENT);
	EXPECT_ERR("/proc/PID/nonesuch: ENOENT", open(
	    "/proc/self/nonesuch", O_RDONLY), ENOENT);

	/* it exits: a zombie (Z) until reaped, then its file says ESRCH */
	EXPECT_RET("tell the child to exit", write(p[1], "z", 1), 1);
	close(p[1]);
	for (i = 0; i < 500; i++) {     /* (until it has exited: 5 s) */
		memset(buf, 0, sizeof(buf));
		if (pread(fd, buf, sizeof(buf) - 1, 0) <= 0 ||
		    parse_stat(&pid, comm, &state, &ppid, &pgrp, &sid) < 0 ||
		    state == 'Z')
			break;
		usleep(10000);
	}
	EXPECT("its stat says Z", state == 'Z' && pid == c);
	EXPECT("reaped, status 3", waitpid(c, &st, 0) == c &&
	    WIFEXITED(st) && WEXITSTATUS(st) == 3);
	EXPECT_ERR("the open stat of a reaped process: ESRCH",
	    pread(fd, buf, sizeof(buf) - 1, 0), ESRCH);
	close(fd);
	EXPECT_ERR("its directory is gone: ENOENT", open(path, O_RDONLY),
	    ENOENT);
	EXPECT("nor is it listed", !in_proc(c));

	/* the mounts, statfs */
	n = slurp("/proc/mounts");
	EXPECT("/proc/mounts has / and /proc", n > 0 &&
	    (strncmp(buf, "/", 1) == 0 || strstr(buf, " / ")) &&
	    strstr(buf, " /proc proc "));
	EXPECT("statfs /proc: PROC_SUPER_MAGIC", statfs("/proc", &sf) == 0 &&
	    sf.f_type == 0x9fa0);
	EXPECT("statfs /: blocks, free <= blocks", statfs("/", &sf) == 0 &&
	    sf.f_blocks > 0 && sf.f_bfree <= sf.f_blocks && sf.f_bsize > 0);
	return ptest_done();
}
