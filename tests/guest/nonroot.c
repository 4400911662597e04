/*
 * nonroot.c: only the first process holds the root (capslot.h,
 * docs/ARCHITECTURE.md "The trust model").  Run by scripts/exos-run as
 * the first process: it checks its own slots, then forks a child that
 * execs this program again ("child"), as a shell starts a program; that
 * program tries every root-only thing and is refused with the kernel's
 * exact error (EPERM at the POSIX level for reboot), and checks that its
 * pipes, fork and exit still work.  (tests/guest/nonroot.sh)
 */
#define PTEST_SUITE "nonroot"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <exos/xok.h>
#include <exos/capslot.h>
#include "ptest.h"

void *px_shm_alloc(size_t n);   /* libexos/posix/shm.h (not installed) */

static struct xok_cap
name(unsigned len, uint8_t n0, uint8_t n1, uint8_t rights)
{
	struct xok_cap c;

	memset(&c, 0, sizeof(c));
	c.valid = 1, c.len = (uint8_t)len, c.rights = rights;
	c.name[0] = n0, c.name[1] = n1;
	return c;
}

static int
child(void)
{
	struct xok_disk_done d;
	struct xok_cap c;
	uint64_t first = xok_env_info(XOK_INFO->cur_env)->parent;
	uint64_t ppn;
	unsigned s;
	char b[8];
	int p[2], st;
	pid_t pid;

	for (s = 0; s < 16; s++)
		if (sys_cap_get(s, &c) == 0 && c.valid && c.len == 0)
			break;
	EXPECT("child: no slot holds the root", s == 16);
	EXPECT("child: slot 0 is the user name", sys_cap_get(0, &c) == 0 &&
	    c.valid && c.len == 1 && c.name[0] == EXOS_CAPNAME_USER);
	ppn = (uint64_t)sys_page_alloc(XOK_PPN_ANY, 0);
	EXPECT("child: a page of its own", (int64_t)ppn >= 0);
	memset(&d, 0, sizeof(d));
	for (s = 0; s < 16; s++) {
		if (sys_disk_raw(s, 0, 0, ppn, 4096, &d) != -XE_NOCAP &&
		    sys_disk_raw(s, 0, 0, ppn, 4096, &d) != -XE_PERM)
			break;
		if (sys_disk_raw(s, 1, 0, ppn, 4096, &d) != -XE_NOCAP &&
		    sys_disk_raw(s, 1, 0, ppn, 4096, &d) != -XE_PERM)
			break;
	}
	EXPECT("child: DISK_RAW read and write refused in every slot",
	    s == 16);
	EXPECT_RET("child: DISK_RAW slot 0: -XE_PERM",
	    sys_disk_raw(0, 1, 0, ppn, 4096, &d), -XE_PERM);
	{
		struct xok_xn_stat xs;

		memset(&xs, 0, sizeof(xs));
		EXPECT("child: a disk (nonroot.sh gives one)",
		    sys_xn_stat(&xs) == 0 && xs.nblocks > 0);
		EXPECT_RET("child: XN_FORMAT: -XE_PERM", sys_xn_format(0),
		    -XE_PERM);
	}
	EXPECT_RET("child: SHUTDOWN: -XE_PERM", sys_shutdown(0, 3), -XE_PERM);
	EXPECT_RET("child: SHUTDOWN slot 15: -XE_NOCAP",
	    sys_shutdown(EXOS_SLOT_ROOT, 3), -XE_NOCAP);
	EXPECT_ERR("child: reboot(RB_POWER_OFF): EPERM",
	    reboot(RB_POWER_OFF), EPERM);
	c = name(0, 0, 0, XOK_CAP_R);
	EXPECT_RET("child: derive the root name: -XE_PERM",
	    sys_cap_grant(XOK_SELF, 0, 0, 5, &c), -XE_PERM);
	c = name(1, XOK_CAPNAME_MACHINE, 0, XOK_CAP_ALL);
	EXPECT_RET("child: derive the machine guard: -XE_PERM",
	    sys_cap_grant(XOK_SELF, 0, EXOS_SLOT_NET, 5, &c), -XE_PERM);
	c = name(1, XOK_CAPNAME_NET, 0, XOK_CAP_W);
	EXPECT_RET("child: derive the net override [0xfe]: -XE_PERM",
	    sys_cap_grant(XOK_SELF, 0, EXOS_SLOT_NET, 5, &c), -XE_PERM);
	c = name(2, EXOS_CAPNAME_USER, 7, XOK_CAP_ALL);
	EXPECT_RET("child: derive below its own name: 0",
	    sys_cap_grant(XOK_SELF, 0, 0, 5, &c), 0);
	EXPECT_RET("child: CONS_READ len 0 with its console slot: 0",
	    sys_cons_read(b, 0, EXOS_SLOT_CONS), 0);
	EXPECT_RET("child: CONS_READ with slot 0: -XE_PERM",
	    sys_cons_read(b, 0, 0), -XE_PERM);
	EXPECT_RET("child: control the first process (IPC guard): -XE_PERM",
	    sys_env_set_ipcguard(first, 0, 0), -XE_PERM);
	EXPECT_RET("child: destroy the first process: -XE_PERM",
	    sys_env_destroy(first, 0, 9), -XE_PERM);
	/* what a program needs still works */
	EXPECT_RET("child: pipe", pipe(p), 0);
	pid = fork();
	if (pid == 0) {
		_exit(write(p[1], "ok", 2) == 2 &&
		    sys_cap_get(EXOS_SLOT_ROOT, &c) == 0 && !c.valid ? 7 : 1);
	}
	EXPECT("child: fork", pid > 0);
	EXPECT_RET("child: read the grandchild's pipe", read(p[0], b, 2), 2);
	EXPECT_RET("child: waitpid", waitpid(pid, &st, 0), pid);
	EXPECT("child: grandchild exit 7 (no root either)",
	    WIFEXITED(st) && WEXITSTATUS(st) == 7);
	return ptest_done();
}

int
main(int argc, char **argv)
{
	struct xok_cap c;
	int st;
	pid_t pid;

	if (argc > 1 && strcmp(argv[1], "child") == 0)
		return child();
	EXPECT("first: slot 15 holds the root",
	    sys_cap_get(EXOS_SLOT_ROOT, &c) == 0 && c.valid && c.len == 0);
	EXPECT("first: slot 0 is the user name", sys_cap_get(0, &c) == 0 &&
	    c.valid && c.len == 1 && c.name[0] == EXOS_CAPNAME_USER);
	EXPECT("first: slot 1 is the console's, R", sys_cap_get(1, &c) == 0 &&
	    c.valid && c.len == 1 && c.name[0] == XOK_CAPNAME_CONSOLE &&
	    c.rights == XOK_CAP_R);
	/* The family's region: a page a child adds is mapped in the child
	 * (and the keeper), not here (our guard is the root's); after the
	 * child is gone it is still there, for us and for a new child. */
	{
		long *volatile *at = px_shm_alloc(sizeof(long *));

		pid = -1;

		fflush(stdout);
		if (at && (pid = fork()) == 0) {
			long *pg = px_shm_alloc(64 * 4096);

			if (!pg)
				_exit(1);
			pg[64 * 512 - 1] = 4711;
			*at = pg;
			_exit(0);
		}
		EXPECT("first: a child adds region pages and exits 0", at &&
		    waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
		    WEXITSTATUS(st) == 0);
		EXPECT("first: the dead child's page is still there (4711)",
		    at && *at && (*at)[64 * 512 - 1] == 4711);
		fflush(stdout);
		if (at && *at && (pid = fork()) == 0)
			_exit((*at)[64 * 512 - 1] == 4711 ? 0 : 1);
		EXPECT("first: a fork after it, the new child reads it too",
		    at && *at && pid > 0 && waitpid(pid, &st, 0) == pid &&
		    WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execv(argv[0], (char *[]){ argv[0], "child", NULL });
		printf("nonroot: exec %s failed (errno %d): checks in place\n",
		    argv[0], errno);
		_exit(child());
	}
	EXPECT("first: fork", pid > 0);
	EXPECT_RET("first: waitpid", waitpid(pid, &st, 0), pid);
	EXPECT("first: the child's checks passed",
	    WIFEXITED(st) && WEXITSTATUS(st) == 0);
	return ptest_done();
}
