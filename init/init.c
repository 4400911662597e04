/*
 * init.c: /sbin/init, the first ExOS process of the root image.  It
 * sets up the console as fds 0, 1 and 2 (/dev/console, if they are not
 * open already), prints /etc/motd as login(1) would, runs /etc/rc with
 * /bin/sh if it is there, then the login shell `/bin/sh -l`, reaping
 * every child (orphans are given to it) while it waits.  When the shell
 * exits it syncs and powers the machine off (reboot(RB_POWER_OFF), the
 * kernel's SHUTDOWN call).  Plain POSIX: built with exos-cc, it also
 * builds and runs on Linux (not as pid 1 there: then it does not power
 * off, it exits with the shell's status).
 *
 * The fallback: init learns that a child's exec failed through a
 * close-on-exec pipe, so without pipe2() (or fork) it cannot start a
 * child safely; it then runs the shell in its own place (execv, as a
 * system whose init cannot fork would; /etc/rc is not run) and the
 * shell's exit ends the machine with its status.  The message
 * "init: ... in place" says so.  (That was ExOS before its pipes and
 * process table; with them init starts the shell as a child.)
 */
#define _GNU_SOURCE     /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <unistd.h>

#define SHELL   "/bin/sh"
#define RC      "/etc/rc"
#define MOTD    "/etc/motd"
#define EXEC_FAILED 127         /* the status of a child whose exec failed */

/* fds 0-2 on the console: left alone if they are open (ExOS's libOS
 * gives the first process the console there), else /dev/console. */
static void
console(void)
{
	int fd, i;

	for (i = 0; i < 3; i++)
		if (fcntl(i, F_GETFD) < 0)
			break;
	if (i == 3)
		return;
	fd = open("/dev/console", O_RDWR | O_NOCTTY);
	if (fd < 0)
		return;         /* nowhere to complain */
	for (i = 0; i < 3; i++)
		if (fd != i)
			dup2(fd, i);
	if (fd > 2)
		close(fd);
}

static void
motd(void)
{
	char buf[512];
	ssize_t n;
	int fd = open(MOTD, O_RDONLY);

	if (fd < 0)
		return;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write(1, buf, (size_t)n) != n)
			break;
	close(fd);
}

/* Start argv in a child, as a session leader with the console as its
 * controlling terminal; its pid, or -1 with errno: pipe2's, fork's, or
 * that of exec in the child, which comes back through a close-on-exec
 * pipe (a status alone cannot tell a failed exec from a shell's own
 * exit 127). */
static pid_t
spawn(char *const argv[])
{
	int p[2], e = 0;
	ssize_t n;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		e = errno;
		close(p[0]);
		close(p[1]);
		errno = e;
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		setsid();
		ioctl(0, TIOCSCTTY, 0);
		execv(argv[0], argv);
		e = errno;
		if (write(p[1], &e, sizeof(e)) < 0)
			_exit(EXEC_FAILED);
		_exit(EXEC_FAILED);
	}
	close(p[1]);
	while ((n = read(p[0], &e, sizeof(e))) < 0 && errno == EINTR)
		;
	close(p[0]);
	if (n != sizeof(e))
		return pid;     /* end of file: the exec worked */
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	errno = e;
	return -1;
}

/* Reap children until pid ends; its wait status, or -1 if it was
 * never there.  Every other child (orphans included) is reaped too. */
static int
reap_until(pid_t pid)
{
	int st;
	pid_t w;

	for (;;) {
		w = waitpid(-1, &st, 0);
		if (w == pid)
			return st;
		if (w < 0 && errno != EINTR)
			return -1;
	}
}

static void
in_place(char *const argv[])
{
	dprintf(2, "init: %s in a child: %s; running it in place\n",
	    argv[0], strerror(errno));
	execv(argv[0], argv);
	dprintf(2, "init: %s: %s\n", argv[0], strerror(errno));
	exit(EXEC_FAILED);
}

int
main(void)
{
	char *const rc[] = { SHELL, RC, NULL };
	char *const sh[] = { SHELL, "-l", NULL };
	pid_t pid;
	int st;

	console();
	setenv("PATH", "/bin:/sbin", 0);
	setenv("HOME", "/", 0);
	setenv("SHELL", SHELL, 1);
	motd();
	if (access(RC, R_OK) == 0) {
		pid = spawn(rc);
		if (pid < 0) {
			dprintf(2, "init: %s: %s\n", RC, strerror(errno));
		} else {
			st = reap_until(pid);
			if (st >= 0 && (!WIFEXITED(st) || WEXITSTATUS(st) != 0))
				dprintf(2, "init: %s: status %#x\n", RC, st);
		}
	}
	pid = spawn(sh);
	if (pid < 0)
		in_place(sh);
	st = reap_until(pid);
	sync();
	if (getpid() == 1)
		reboot(RB_POWER_OFF);
	/* not pid 1, or the power-off failed */
	return st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
