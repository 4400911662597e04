/*
 * tests/posix/portlibc.c: what the ports need of the C library and the
 * file calls beyond the rest of the suite, on Linux and on ExOS: a
 * write larger than the libOS's 64 KiB copy chunk (gzip writes its
 * whole output buffer at once: each chunk must reach the file and the
 * count must be the bytes written), the fts file-tree walk (MirBSD pax;
 * musl has none: libexos/posix/fts.c, compiled into the Linux build
 * too, so its answers are checked against Linux's file system), and
 * getrusage (mksh asks after every child).  Runs in a fresh directory
 * "pl" under the current one (on ExOS: a fresh disk).
 */
#define _GNU_SOURCE
#define PTEST_SUITE "portlibc"
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ptest.h"
#ifdef __exos__
#include <fts.h>
#else
/* musl (musl-gcc) has no fts: the same code as ExOS's */
#include "../../libexos/posix/fts.c"
#endif

#define BIG (200 * 1000 + 123)
static unsigned char out[BIG], in[BIG + 10];

static void
big_write(void)
{
	int fd;
	size_t i;
	struct stat st;

	for (i = 0; i < BIG; i++)
		out[i] = (unsigned char)(i * 7 + i / 251);
	fd = open("pl/big", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	EXPECT("open pl/big", fd >= 0);
	/* a few bytes first: the big write starts unaligned */
	EXPECT_RET("write 10 bytes", write(fd, out, 10), 10);
	EXPECT_RET("one write of 200,113 bytes returns 200,113",
	    write(fd, out + 10, BIG - 10), BIG - 10);
	EXPECT_RET("the offset is the size", lseek(fd, 0, SEEK_CUR), BIG);
	EXPECT_RET("fstat", fstat(fd, &st), 0);
	EXPECT_RET("st_size is 200,123", st.st_size, BIG);
	close(fd);
	fd = open("pl/big", O_RDONLY);
	EXPECT_RET("read it back in one read", read(fd, in, sizeof(in)), BIG);
	EXPECT("every chunk reached the file", memcmp(in, out, BIG) == 0);
	close(fd);
	/* and through O_APPEND */
	fd = open("pl/big", O_WRONLY | O_APPEND);
	EXPECT_RET("an O_APPEND write of 150,000", write(fd, out, 150000),
	    150000);
	close(fd);
	EXPECT_RET("stat", stat("pl/big", &st), 0);
	EXPECT_RET("the size grew by 150,000", st.st_size, BIG + 150000);
	fd = open("pl/big", O_RDONLY);
	lseek(fd, BIG, SEEK_SET);
	EXPECT_RET("read the appended part", read(fd, in, 150000), 150000);
	EXPECT("the appended bytes are right", memcmp(in, out, 150000) == 0);
	close(fd);
}

static int
byname(const FTSENT **a, const FTSENT **b)
{
	return strcmp((*a)->fts_name, (*b)->fts_name);
}

static void
mkfile(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd >= 0) {
		(void)!write(fd, path, strlen(path));
		close(fd);
	}
}

/* walk ROOT with OPTIONS, one "info:level:path" line per entry into buf */
static void
walk(const char *root, int options, char *buf, size_t len, int skip_b)
{
	char *argv[] = { (char *)root, NULL };
	FTS *fts;
	FTSENT *e;
	size_t n = 0;

	buf[0] = '\0';
	fts = fts_open(argv, options, byname);
	if (!fts) {
		snprintf(buf, len, "fts_open failed");
		return;
	}
	while ((e = fts_read(fts)) != NULL && n < len) {
		n += (size_t)snprintf(buf + n, len - n, "%d:%d:%s\n",
		    e->fts_info, e->fts_level, e->fts_path);
		if (skip_b && e->fts_info == FTS_D && !strcmp(e->fts_name, "b"))
			fts_set(fts, e, FTS_SKIP);
	}
	EXPECT_RET("fts_close", fts_close(fts), 0);
}

static void
fts_checks(void)
{
	static char got[4096];
	char *argv[] = { "pl/nosuch", NULL }, *none[] = { "", NULL };
	FTS *fts;
	FTSENT *e;

	mkdir("pl/t", 0755);
	mkdir("pl/t/b", 0755);
	mkdir("pl/t/b/c", 0755);
	mkdir("pl/t/e", 0755);
	mkfile("pl/t/a");
	mkfile("pl/t/b/x");
	mkfile("pl/t/b/c/y");
	EXPECT_RET("symlink", symlink("a", "pl/t/d"), 0);
	walk("pl/t", FTS_PHYSICAL, got, sizeof(got), 0);
	EXPECT("fts: preorder, postorder, sorted, a link as FTS_SL",
	    strcmp(got,
	    "1:0:pl/t\n8:1:pl/t/a\n1:1:pl/t/b\n1:2:pl/t/b/c\n"
	    "8:3:pl/t/b/c/y\n6:2:pl/t/b/c\n8:2:pl/t/b/x\n6:1:pl/t/b\n"
	    "12:1:pl/t/d\n1:1:pl/t/e\n6:1:pl/t/e\n6:0:pl/t\n") == 0);
	if (strncmp(got, "1:0:pl/t\n8:1", 12))
		printf("    got:\n%s", got);
	walk("pl/t/", FTS_LOGICAL, got, sizeof(got), 1);
	EXPECT("fts: FTS_LOGICAL follows the link; FTS_SKIP; a root's slash",
	    strcmp(got,
	    "1:0:pl/t/\n8:1:pl/t/a\n1:1:pl/t/b\n6:1:pl/t/b\n"
	    "8:1:pl/t/d\n1:1:pl/t/e\n6:1:pl/t/e\n6:0:pl/t/\n") == 0);
	fts = fts_open(argv, FTS_PHYSICAL, NULL);
	EXPECT("fts_open of a missing root succeeds", fts != NULL);
	if (fts) {
		e = fts_read(fts);
		EXPECT("its entry is FTS_NS with ENOENT",
		    e && e->fts_info == FTS_NS && e->fts_errno == ENOENT);
		errno = 1;
		EXPECT("then the end: NULL, errno 0",
		    fts_read(fts) == NULL && errno == 0);
		fts_close(fts);
	}
	EXPECT("fts_open of an empty name: ENOENT",
	    fts_open(none, FTS_PHYSICAL, NULL) == NULL && errno == ENOENT);
}

static void
rusage_checks(void)
{
	struct rusage ru;

	EXPECT_RET("getrusage(RUSAGE_SELF)", getrusage(RUSAGE_SELF, &ru), 0);
	EXPECT_RET("getrusage(RUSAGE_CHILDREN)",
	    getrusage(RUSAGE_CHILDREN, &ru), 0);
	EXPECT_ERR("getrusage(99): EINVAL", getrusage(99, &ru), EINVAL);
	EXPECT_ERR("getrusage to a bad pointer: EFAULT",
	    getrusage(RUSAGE_SELF, (struct rusage *)16), EFAULT);
}

int
main(void)
{
	EXPECT_RET("mkdir pl", mkdir("pl", 0755), 0);
	big_write();
	fts_checks();
	rusage_checks();
	return ptest_done();
}
