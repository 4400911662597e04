/*
 * boot.c: the one program that comes from a boot module when ExOS boots
 * from the root image (`make run`, scripts/exos-run with a guest path or
 * no program).  It only execs a program of the C-FFS root, so /sbin/init,
 * /bin/sh and every tool are loaded from the disk:
 *
 *	boot                    exec /sbin/init (make run)
 *	boot [-q] PROGRAM ARG...   exec PROGRAM (a guest path) with ARGs
 *
 * -q first turns the console tty's echo off (scripts/exos-run with no
 * program runs `/bin/sh +i` this way: the commands it pipes in are not
 * echoed, as with `... | sh` on UNIX).  exec keeps the environment, so
 * the program is the same process (pid 1 for init, which may then power
 * off) and its exit status is the run's.  If the exec fails, boot prints
 * why and exits 127 (no such file) or 126 (not executable), as a shell
 * does.  Plain POSIX: it builds and runs on Linux too.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define INIT    "/sbin/init"

static void
echo_off(void)
{
	struct termios t;

	if (tcgetattr(0, &t) < 0)
		return;         /* not a tty: nothing to turn off */
	t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	tcsetattr(0, TCSANOW, &t);
}

int
main(int argc, char **argv)
{
	char *init[] = { INIT, NULL };
	char **av = init;
	int i = 1;

	if (i < argc && strcmp(argv[i], "-q") == 0) {
		echo_off();
		i++;
	}
	if (i < argc)
		av = argv + i;
	execv(av[0], av);
	fprintf(stderr, "boot: %s: %s\n", av[0], strerror(errno));
	return errno == ENOENT || errno == ENOTDIR ? 127 : 126;
}
