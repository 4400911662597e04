/*
 * runtest.c: the program tests/guest/exosrun.sh runs under
 * scripts/exos-run (and on Linux, to check the expectations):
 *   runtest exit N          exit with status N
 *   runtest echo ARGS...    print argc, every argument and the
 *                           environment in brackets, a line on stderr
 *   runtest cat PATH        print the file, checking the read-only file
 *                           calls and their errors on it
 *   runtest sleep           sleep forever (exos-run's --timeout)
 *   runtest fault           write through a null pointer (SIGSEGV)
 *   runtest chain N         exec itself N times; on ExOS exit 0 only if
 *                           the free-page count is the same after the
 *                           last exec as after the first (execve gives
 *                           an image it loaded back), else 1
 *   runtest check ...       the exec test's B (tests/posix/exectest.c):
 *                           exit 77 if argv, envp and the auxiliary
 *                           vector are what the exec passed, else 1
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#ifdef __exos__
#include <xok/abi.h>
#define NFREE() ((long)((volatile struct xok_info *)XOK_INFO_VA)->nfree)
#else
#define NFREE() 0L
#endif

extern char **environ;

static int failed;

static void
expect(int ok, const char *what)
{
	if (!ok) {
		printf("runtest: FAILED: %s (errno %d)\n", what, errno);
		failed = 1;
	}
}

static int
cat(const char *path)
{
	char buf[256];
	struct stat st, st2;
	ssize_t n, total = 0;
	off_t size;
	int fd = open(path, O_RDONLY), r;

	expect(fd >= 3, "open O_RDONLY");
	if (fd < 0)
		return 1;
	expect(fstat(fd, &st) == 0 && S_ISREG(st.st_mode), "fstat: a file");
	expect(stat(path, &st2) == 0 && st2.st_size == st.st_size,
	    "stat: the same size");
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		fwrite(buf, 1, (size_t)n, stdout);
		total += n;
	}
	expect(n == 0, "read to end of file");
	expect(total == st.st_size, "read as many bytes as st_size");
	size = lseek(fd, 0, SEEK_END);
	expect(size == st.st_size, "lseek SEEK_END");
	expect(lseek(fd, 1, SEEK_SET) == 1 && read(fd, buf, 1) == 1 &&
	    (total < 2 || buf[0] != 0), "lseek SEEK_SET then read");
	errno = 0;
	expect(lseek(fd, -5, SEEK_SET) == -1 && errno == EINVAL,
	    "lseek before 0: EINVAL");
	errno = 0;
	expect(lseek(fd, 0, 42) == -1 && errno == EINVAL,
	    "lseek bad whence: EINVAL");
	expect(pread(fd, buf, 1, 0) == 1, "pread at 0");
	errno = 0;
	expect(write(fd, "x", 1) == -1 && errno == EBADF,
	    "write to a read-only fd: EBADF");
#ifdef __exos__
	/* the in-memory files are a read-only file system */
	errno = 0;
	r = open(path, O_WRONLY);
	expect(r == -1 && errno == EROFS, "open O_WRONLY: EROFS");
	errno = 0;
	r = open(path, O_RDWR);
	expect(r == -1 && errno == EROFS, "open O_RDWR: EROFS");
	errno = 0;
	r = open("/etc/new-file", O_WRONLY | O_CREAT, 0644);
	expect(r == -1 && errno == EROFS, "create a file: EROFS");
	errno = 0;
	r = open("/no-dir/file", O_WRONLY | O_CREAT, 0644);
	expect(r == -1 && errno == ENOENT,
	    "create in a missing directory: ENOENT");
	errno = 0;
	expect(access(path, W_OK) == -1 && errno == EROFS,
	    "access W_OK: EROFS");
#else
	(void)r;
#endif
	errno = 0;
	r = open("/no/such/file", O_RDONLY);
	expect(r == -1 && errno == ENOENT, "open a missing file: ENOENT");
	errno = 0;
	expect(access(path, R_OK) == 0, "access R_OK");
	expect(close(fd) == 0, "close");
	errno = 0;
	expect(close(fd) == -1 && errno == EBADF, "close twice: EBADF");
	errno = 0;
	expect(read(fd, buf, 1) == -1 && errno == EBADF,
	    "read a closed fd: EBADF");
	fflush(stdout);
	printf("cat: %s\n", failed ? "FAILED" : "ok");
	return failed;
}

/* The exec test's B: argv is {argv0, "check", "a b", "", "x0"..."x199"},
 * the environment {"X=1 2", "EMPTY="}. */
static int
check(int argc, char **argv)
{
	char want[16];
	int i;

	expect(argc == 4 + 200, "argc");
	expect(argc > 3 && !strcmp(argv[2], "a b") && !strcmp(argv[3], ""),
	    "argv with a space and an empty one");
	for (i = 0; i < 200 && 4 + i < argc; i++) {
		snprintf(want, sizeof(want), "x%d", i);
		if (strcmp(argv[4 + i], want))
			break;
	}
	expect(i == 200, "200 more arguments");
	expect(argv[argc] == NULL, "argv[argc] is NULL");
	expect(environ && environ[0] && !strcmp(environ[0], "X=1 2") &&
	    environ[1] && !strcmp(environ[1], "EMPTY=") && !environ[2],
	    "the environment");
	expect(getauxval(AT_PAGESZ) == 4096, "AT_PAGESZ");
	expect(getauxval(AT_PHDR) != 0 && getauxval(AT_PHNUM) > 0,
	    "AT_PHDR, AT_PHNUM");
	expect(getauxval(AT_ENTRY) != 0, "AT_ENTRY");
	expect(getauxval(AT_RANDOM) != 0, "AT_RANDOM");
	return failed ? 1 : 77;
}

/* chain N: exec "chain1 N"; chain1 N: note the free pages, exec
 * "chain2 N-1 FREE"; chain2 K FREE: exec "chain2 K-1 FREE" until 0. */
static int
chain(int argc, char **argv)
{
	char k[24], f[24];
	char *av[] = { argv[0], "chain2", k, f, NULL };
	long n = argc > 2 ? atol(argv[2]) : 0, base;

	if (!strcmp(argv[1], "chain")) {
		av[1] = "chain1";
		snprintf(k, sizeof(k), "%ld", n);
		av[3] = NULL;
	} else if (!strcmp(argv[1], "chain1")) {
		snprintf(k, sizeof(k), "%ld", n - 1);
		snprintf(f, sizeof(f), "%ld", NFREE());
	} else {
		base = argc > 3 ? atol(argv[3]) : -1;
		if (n <= 0) {
			if (NFREE() != base) {
				printf("runtest: FAILED: %ld free pages after "
				    "the execs, %ld after the first\n", NFREE(),
				    base);
				return 1;
			}
			return 0;
		}
		snprintf(k, sizeof(k), "%ld", n - 1);
		snprintf(f, sizeof(f), "%ld", base);
	}
	execve(argv[0], av, environ);
	printf("runtest: FAILED: exec %s: %s\n", argv[0], strerror(errno));
	return 1;
}

int
main(int argc, char **argv)
{
	int i;
	char **e;
	static volatile uintptr_t bad = 8;      /* an unmapped address */

	if (argc < 2)
		return 2;
	if (!strcmp(argv[1], "exit") && argc == 3)
		return atoi(argv[2]);
	if (!strcmp(argv[1], "echo")) {
		printf("argc=%d\n", argc);
		for (i = 1; i < argc; i++)
			printf("arg[%s]\n", argv[i]);
		for (e = environ; *e; e++)
			printf("env[%s]\n", *e);
		fflush(stdout);
		fprintf(stderr, "this is stderr\n");
		return 3;
	}
	if (!strcmp(argv[1], "cat") && argc == 3)
		return cat(argv[2]);
	if (!strcmp(argv[1], "sleep")) {
		struct timespec ts = { 1000, 0 };

		for (;;)
			nanosleep(&ts, NULL);
	}
	if (!strcmp(argv[1], "fault")) {
		printf("about to fault\n");
		fflush(stdout);
		*(int *)bad = 1;
		return 0;
	}
	if (!strncmp(argv[1], "chain", 5))
		return chain(argc, argv);
	if (!strcmp(argv[1], "check"))
		return check(argc, argv);
	return 2;
}
