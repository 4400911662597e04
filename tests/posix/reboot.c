/*
 * reboot.c: reboot(2) as /sbin/init uses it (libexos/posix/reboot.c).
 * ExOS only, never on the host: there a root process would power the
 * machine off.  Bad magic numbers and an unknown command are EINVAL,
 * RB_DISABLE_CAD is accepted, a child that is not the first process
 * gets EPERM; then the first process powers off: the run's status is 0
 * only through that power-off (if reboot returns the program exits 3,
 * if a check failed it exits 1 first).
 */
#define PTEST_SUITE "reboot"
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "ptest.h"

int
main(void)
{
	int st = -1;
	pid_t pid;

	EXPECT_ERR("bad first magic: EINVAL",
	    syscall(SYS_reboot, 0, 672274793, RB_POWER_OFF), EINVAL);
	EXPECT_ERR("bad second magic: EINVAL",
	    syscall(SYS_reboot, 0xfee1dead, 1, RB_POWER_OFF), EINVAL);
	EXPECT_ERR("unknown command: EINVAL", reboot(0x12345678), EINVAL);
	EXPECT_RET("RB_DISABLE_CAD accepted", reboot(RB_DISABLE_CAD), 0);
	pid = fork();
	if (pid == 0)
		_exit(reboot(RB_POWER_OFF) == -1 && errno == EPERM ? 0 : 1);
	EXPECT("fork", pid > 0);
	EXPECT_RET("wait for the child", waitpid(pid, &st, 0), pid);
	EXPECT("a child's RB_POWER_OFF is EPERM (and the machine runs on)",
	    WIFEXITED(st) && WEXITSTATUS(st) == 0);
	if (ptest_done() != 0)
		return 1;
	printf("powering off\n");
	fflush(stdout);
	reboot(RB_POWER_OFF);
	printf("FAIL: reboot: RB_POWER_OFF returned (errno %d)\n", errno);
	return 3;
}
