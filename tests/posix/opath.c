/*
 * opath.c: O_PATH descriptors, /proc/self/fd and what musl builds on
 * them (fchmodat with AT_SYMLINK_NOFOLLOW, lchmod); in the POSIX suite
 * with a disk (run on ExOS over a fresh C-FFS image and on Linux, as
 * root there: nothing here depends on permission bits being enforced).
 * Checked:
 *   O_PATH   of a directory, a file, a file with mode 0, a symbolic link
 *            with O_NOFOLLOW (its own stat; readlinkat(fd, "")), /dev/null;
 *            fstat, fstatat(AT_EMPTY_PATH), fchdir, openat from it, dup,
 *            F_GETFL/F_SETFD work; read, write, pread, lseek, getdents,
 *            ftruncate, fsync, the fchmod and fchown calls, mmap,
 *            F_SETFL, F_SETLK are EBADF, poll says POLLNVAL (and musl's
 *            fchmod/fchown then go through /proc/self/fd: they work);
 *            O_NOFOLLOW alone on a link is ELOOP;
 *   /proc    /proc/self is a link to /proc/PID; /proc/self/fd lists our
 *            descriptors (a closed one gone); readlink of fd/N is the
 *            file's absolute name; stat through it is the open file's
 *            (an unlinked file too: nlink 0, its data readable through
 *            a new open); open through it is a new description (its
 *            own offset); chmod through it; a directory's link leads
 *            into it ("fd/N/name"); a pipe's link: stat says FIFO,
 *            readlink "pipe:[...]", open O_WRONLY writes into the pipe;
 *            an O_PATH symbolic link's: the link itself, not followed;
 *   musl     fchmodat(AT_SYMLINK_NOFOLLOW) sets a file's and a
 *            directory's mode and is EOPNOTSUPP on a link (the link
 *            unchanged); lchmod the same;
 *   hostile  /proc/self/fd/N for a closed N, for 99999, for "x": ENOENT;
 *            readlink of a /proc link into a bad buffer: EFAULT, size
 *            0: EINVAL; O_PATH open of a bad path pointer: EFAULT;
 *            the fstat call of an O_PATH descriptor into a bad buffer:
 *            EFAULT;
 *            /proc read-only: chmod of /proc/self/fd is refused.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#define PTEST_SUITE "opath"
#include "ptest.h"

#define BADP ((void *)8)

static char cwd[4096];

/* The absolute name of name in the working directory. */
static const char *
abs_name(const char *name)
{
	static char buf[4200];

	snprintf(buf, sizeof(buf), "%s/%s", strcmp(cwd, "/") ? cwd : "",
	    name);
	return buf;
}

static const char *
fdlink(int fd)
{
	static char buf[64];

	snprintf(buf, sizeof(buf), "/proc/self/fd/%d", fd);
	return buf;
}

static int
make_file(const char *name, const char *text, mode_t mode)
{
	int fd = open(name, O_CREAT | O_TRUNC | O_WRONLY, 0644);

	if (fd < 0)
		return -1;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		close(fd);
		return -1;
	}
	close(fd);
	return chmod(name, mode);
}

/* Does /proc/self/fd list the name of fd? */
static int
listed(int fd)
{
	char want[16];
	struct dirent *e;
	DIR *d = opendir("/proc/self/fd");
	int found = 0;

	if (!d)
		return -1;
	snprintf(want, sizeof(want), "%d", fd);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, want) == 0)
			found = 1;
	closedir(d);
	return found;
}

static void
opath_dir(void)
{
	struct stat st, st2;
	char buf[256];
	int fd, fd2, fl;

	EXPECT_RET("mkdir d", mkdir("d", 0755), 0);
	EXPECT_RET("make d/inner", make_file("d/inner", "inner\n", 0644), 0);
	fd = open("d", O_PATH | O_DIRECTORY);
	EXPECT("O_PATH|O_DIRECTORY of a directory", fd >= 0);
	EXPECT("fstat of it: a directory", fstat(fd, &st) == 0 &&
	    S_ISDIR(st.st_mode) && stat("d", &st2) == 0 &&
	    st.st_ino == st2.st_ino);
	EXPECT("fstatat(AT_EMPTY_PATH) of it", fstatat(fd, "", &st2,
	    AT_EMPTY_PATH) == 0 && st2.st_ino == st.st_ino);
	fl = fcntl(fd, F_GETFL);
	EXPECT("F_GETFL says O_PATH", fl >= 0 && (fl & O_PATH));
	EXPECT_ERR("read of it: EBADF", read(fd, buf, 1), EBADF);
	EXPECT_ERR("getdents of it: EBADF", syscall(SYS_getdents64, fd, buf,
	    sizeof(buf)), EBADF);
	EXPECT_ERR("lseek of it: EBADF", lseek(fd, 0, SEEK_SET), EBADF);
	EXPECT_ERR("the fchmod call on it: EBADF", syscall(SYS_fchmod, fd,
	    0700), EBADF);
	/* musl's fchmod then chmods /proc/self/fd/N */
	EXPECT_RET("musl's fchmod of it (through /proc)", fchmod(fd, 0711),
	    0);
	EXPECT("its mode is 0711", stat("d", &st2) == 0 &&
	    (st2.st_mode & 07777) == 0711);
	EXPECT_ERR("fsync of it: EBADF", fsync(fd), EBADF);
	fd2 = openat(fd, "inner", O_RDONLY);
	EXPECT("openat from it", fd2 >= 0 && read(fd2, buf, 6) == 6 &&
	    memcmp(buf, "inner\n", 6) == 0);
	close(fd2);
	EXPECT_RET("fchdir to it", fchdir(fd), 0);
	EXPECT("now in d", access("inner", F_OK) == 0);
	EXPECT_RET("chdir back", chdir(cwd), 0);
	/* a directory's /proc link leads into it */
	snprintf(buf, sizeof(buf), "%s/inner", fdlink(fd));
	EXPECT("stat of fd/N/inner", stat(buf, &st2) == 0 &&
	    S_ISREG(st2.st_mode) && st2.st_size == 6);
	EXPECT_RET("close it", close(fd), 0);
}

static void
opath_file(void)
{
	struct stat st, st2;
	struct pollfd pfd;
	struct flock lk;
	char buf[64];
	void *m;
	int fd, fd2;

	EXPECT_RET("make f0 (mode 0)", make_file("f0", "secret\n", 0), 0);
	fd = open("f0", O_PATH);
	EXPECT("O_PATH of a file with mode 0", fd >= 0);
	EXPECT("its fstat: mode 0, 7 bytes", fstat(fd, &st) == 0 &&
	    S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0 &&
	    st.st_size == 7);
	EXPECT_ERR("read: EBADF", read(fd, buf, 1), EBADF);
	EXPECT_ERR("write: EBADF", write(fd, "x", 1), EBADF);
	EXPECT_ERR("pread: EBADF", pread(fd, buf, 1, 0), EBADF);
	EXPECT_ERR("ftruncate: EBADF", ftruncate(fd, 0), EBADF);
	EXPECT_ERR("the fchown call: EBADF", syscall(SYS_fchown, fd, getuid(),
	    getgid()), EBADF);
	EXPECT_RET("musl's fchown (through /proc)", fchown(fd, getuid(),
	    getgid()), 0);
	m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	EXPECT("mmap: EBADF", m == MAP_FAILED && errno == EBADF);
	EXPECT_ERR("F_SETFL: EBADF", fcntl(fd, F_SETFL, O_NONBLOCK), EBADF);
	memset(&lk, 0, sizeof(lk));
	lk.l_type = F_RDLCK;
	EXPECT_ERR("F_SETLK: EBADF", fcntl(fd, F_SETLK, &lk), EBADF);
	EXPECT_RET("F_SETFD works", fcntl(fd, F_SETFD, FD_CLOEXEC), 0);
	EXPECT_RET("F_GETFD says so", fcntl(fd, F_GETFD), FD_CLOEXEC);
	pfd.fd = fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	EXPECT("poll: POLLNVAL", poll(&pfd, 1, 0) == 1 &&
	    pfd.revents == POLLNVAL);
	fd2 = dup(fd);
	EXPECT("dup of it is O_PATH too", fd2 >= 0 &&
	    (fcntl(fd2, F_GETFL) & O_PATH) && read(fd2, buf, 1) < 0 &&
	    errno == EBADF);
	close(fd2);
	/* /proc/self/fd/N of it */
	EXPECT("readlink of its /proc link: the absolute name",
	    readlink(fdlink(fd), buf, sizeof(buf)) ==
	    (ssize_t)strlen(abs_name("f0")) &&
	    memcmp(buf, abs_name("f0"), strlen(abs_name("f0"))) == 0);
	EXPECT("lstat of the link: a link", lstat(fdlink(fd), &st2) == 0 &&
	    S_ISLNK(st2.st_mode));
	EXPECT("stat through it: the file", stat(fdlink(fd), &st2) == 0 &&
	    st2.st_ino == st.st_ino && S_ISREG(st2.st_mode));
	EXPECT_RET("chmod through it", chmod(fdlink(fd), 0640), 0);
	EXPECT("the file's mode is 0640", stat("f0", &st2) == 0 &&
	    (st2.st_mode & 07777) == 0640);
	fd2 = open(fdlink(fd), O_RDONLY);
	EXPECT("open through it reads the file", fd2 >= 0 &&
	    read(fd2, buf, 7) == 7 && memcmp(buf, "secret\n", 7) == 0);
	close(fd2);
	EXPECT_RET("dup2 it to 150", dup2(fd, 150), 150);
	EXPECT("150 is listed in /proc/self/fd", listed(150) == 1);
	EXPECT_RET("close 150", close(150), 0);
	EXPECT("a closed one is not listed", listed(150) == 0);
	EXPECT_ERR("its link is gone: ENOENT", stat(fdlink(150), &st2),
	    ENOENT);
	EXPECT_RET("close it", close(fd), 0);
	/* /dev/null */
	fd = open("/dev/null", O_PATH);
	EXPECT("O_PATH of /dev/null: a character device", fd >= 0 &&
	    fstat(fd, &st) == 0 && S_ISCHR(st.st_mode));
	EXPECT_ERR("write to it: EBADF", write(fd, "x", 1), EBADF);
	EXPECT("its /proc link says /dev/null", readlink(fdlink(fd), buf,
	    sizeof(buf)) == 9 && memcmp(buf, "/dev/null", 9) == 0);
	close(fd);
}

static void
opath_link(void)
{
	struct stat st;
	char buf[64];
	int fd;

	EXPECT_RET("make t", make_file("t", "target\n", 0644), 0);
	EXPECT_RET("symlink l -> t", symlink("t", "l"), 0);
	EXPECT_ERR("O_NOFOLLOW alone on a link: ELOOP",
	    open("l", O_RDONLY | O_NOFOLLOW), ELOOP);
	fd = open("l", O_PATH | O_NOFOLLOW);
	EXPECT("O_PATH|O_NOFOLLOW of a link", fd >= 0);
	EXPECT("its fstat is the link's", fstat(fd, &st) == 0 &&
	    S_ISLNK(st.st_mode) && st.st_size == 1);
	memset(buf, 0, sizeof(buf));
	EXPECT("readlinkat(fd, \"\") is the target", readlinkat(fd, "", buf,
	    sizeof(buf)) == 1 && buf[0] == 't');
	EXPECT("stat through its /proc link: the link, not followed",
	    stat(fdlink(fd), &st) == 0 && S_ISLNK(st.st_mode));
	EXPECT_ERR("read: EBADF", read(fd, buf, 1), EBADF);
	close(fd);
	fd = open("l", O_PATH);
	EXPECT("O_PATH without O_NOFOLLOW follows it", fd >= 0 &&
	    fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 7);
	close(fd);
}

static void
musl_chmod(void)
{
	struct stat st;

	EXPECT_RET("make m", make_file("m", "m\n", 0600), 0);
	EXPECT_RET("fchmodat(AT_SYMLINK_NOFOLLOW) of a file",
	    fchmodat(AT_FDCWD, "m", 0751, AT_SYMLINK_NOFOLLOW), 0);
	EXPECT("its mode is 0751", stat("m", &st) == 0 &&
	    (st.st_mode & 07777) == 0751);
	EXPECT_RET("fchmodat(AT_SYMLINK_NOFOLLOW) of a directory",
	    fchmodat(AT_FDCWD, "d", 0700, AT_SYMLINK_NOFOLLOW), 0);
	EXPECT("its mode is 0700", stat("d", &st) == 0 &&
	    (st.st_mode & 07777) == 0700);
	EXPECT_ERR("fchmodat(AT_SYMLINK_NOFOLLOW) of a link: EOPNOTSUPP",
	    fchmodat(AT_FDCWD, "l", 0600, AT_SYMLINK_NOFOLLOW), EOPNOTSUPP);
	EXPECT("the link's target unchanged", stat("t", &st) == 0 &&
	    (st.st_mode & 07777) == 0644);
	EXPECT_RET("lchmod of a file", lchmod("m", 0604), 0);
	EXPECT("its mode is 0604", stat("m", &st) == 0 &&
	    (st.st_mode & 07777) == 0604);
	EXPECT_ERR("fchmodat with a bad flag: EINVAL",
	    fchmodat(AT_FDCWD, "m", 0600, 0x4000), EINVAL);
}

static void
proc_files(void)
{
	struct stat st, st2;
	char buf[64], buf2[64];
	int fd, fd2, p[2];
	ssize_t n;

	n = readlink("/proc/self", buf, sizeof(buf) - 1);
	snprintf(buf2, sizeof(buf2), "%d", (int)getpid());
	EXPECT("/proc/self is a link to our pid", n > 0 &&
	    (buf[n] = '\0', strcmp(buf, buf2) == 0));
	EXPECT("/proc/self is a directory through it",
	    stat("/proc/self", &st) == 0 && S_ISDIR(st.st_mode));
	EXPECT("/proc/self/fd lists 0, 1 and 2", listed(0) == 1 &&
	    listed(1) == 1 && listed(2) == 1);
	/* a new description, its own offset */
	EXPECT_RET("make o", make_file("o", "abcdef", 0644), 0);
	fd = open("o", O_RDONLY);
	EXPECT("read 2 of o", fd >= 0 && read(fd, buf, 2) == 2);
	fd2 = open(fdlink(fd), O_RDWR);
	EXPECT("open O_RDWR through its link: from offset 0", fd2 >= 0 &&
	    read(fd2, buf, 3) == 3 && memcmp(buf, "abc", 3) == 0);
	EXPECT("the first descriptor's offset is its own",
	    read(fd, buf, 2) == 2 && memcmp(buf, "cd", 2) == 0);
	EXPECT("write through the new one reaches the file",
	    pwrite(fd2, "XY", 2, 4) == 2 && pread(fd, buf, 6, 0) == 6 &&
	    memcmp(buf, "abcdXY", 6) == 0);
	close(fd2);
	/* unlinked, still there */
	EXPECT_RET("unlink o", unlink("o"), 0);
	EXPECT("stat through the link of an unlinked file: nlink 0",
	    stat(fdlink(fd), &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_nlink == 0 && st.st_size == 6);
	fd2 = open(fdlink(fd), O_RDONLY);
	EXPECT("open through it", fd2 >= 0);
	EXPECT_RET("close the first", close(fd), 0);
	EXPECT("the new one still reads the unlinked file",
	    read(fd2, buf, 6) == 6 && memcmp(buf, "abcdXY", 6) == 0);
	close(fd2);
	/* a pipe */
	EXPECT_RET("pipe", pipe(p), 0);
	EXPECT("stat through a pipe's link: a FIFO", stat(fdlink(p[1]),
	    &st) == 0 && S_ISFIFO(st.st_mode) && fstat(p[0], &st2) == 0 &&
	    st.st_ino == st2.st_ino);
	n = readlink(fdlink(p[0]), buf, sizeof(buf) - 1);
	EXPECT("readlink of a pipe's link: pipe:[...]", n > 6 &&
	    memcmp(buf, "pipe:[", 6) == 0 && buf[n - 1] == ']');
	fd = open(fdlink(p[1]), O_WRONLY);
	EXPECT("open O_WRONLY through the write end's link", fd >= 0);
	EXPECT("a write there reaches the read end", write(fd, "hi", 2) == 2 &&
	    read(p[0], buf, 2) == 2 && memcmp(buf, "hi", 2) == 0);
	close(fd);
	close(p[0]);
	close(p[1]);
}

static void
hostile(void)
{
	char buf[64];
	struct stat st;
	int fd;

	EXPECT_ERR("/proc/self/fd/99999: ENOENT", stat("/proc/self/fd/99999",
	    &st), ENOENT);
	EXPECT_ERR("/proc/self/fd/x: ENOENT", stat("/proc/self/fd/x", &st),
	    ENOENT);
	EXPECT_ERR("/proc/self/fd/200 (closed): ENOENT",
	    readlink("/proc/self/fd/200", buf, sizeof(buf)), ENOENT);
	EXPECT_ERR("readlink of a /proc link into a bad buffer: EFAULT",
	    readlink("/proc/self/fd/1", BADP, 64), EFAULT);
	EXPECT_ERR("the readlink call on /proc/self with size 0: EINVAL",
	    syscall(SYS_readlink, "/proc/self", buf, 0), EINVAL);
	EXPECT_ERR("O_PATH open of a bad pointer: EFAULT",
	    open(BADP, O_PATH), EFAULT);
	fd = open(".", O_PATH);
	EXPECT_ERR("the fstat call on an O_PATH fd into a bad buffer: EFAULT",
	    syscall(SYS_fstat, fd, BADP), EFAULT);
	close(fd);
	EXPECT("chmod of /proc/self/fd is refused",
	    chmod("/proc/self/fd", 0777) < 0);
	EXPECT_ERR("O_PATH open of a missing name: ENOENT",
	    open("nosuch", O_PATH), ENOENT);
	EXPECT_ERR("O_PATH|O_DIRECTORY of a file: ENOTDIR",
	    open("t", O_PATH | O_DIRECTORY), ENOTDIR);
}

int
main(void)
{
	if (!getcwd(cwd, sizeof(cwd)))
		strcpy(cwd, "/");
	opath_dir();
	opath_file();
	opath_link();
	musl_chmod();
	proc_files();
	hostile();
	return ptest_done();
}
