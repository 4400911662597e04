/*
 * devfull.c: /dev/full (libexos/posix/dev.c); in the POSIX suite (no
 * disk), run on ExOS and on Linux.  Checked: open O_RDWR; a write is
 * ENOSPC (also of a bad buffer or of 0 bytes: Linux looks at nothing); a read gives zeros (into a bad buffer: EFAULT);
 * lseek is 0; stat and fstat say a character device 1,7; /dev lists
 * "full"; /proc/self/fd names it; stdio's fflush to it fails ENOSPC
 * (what `cat > /dev/full` sees).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define PTEST_SUITE "devfull"
#include "ptest.h"

static void *volatile bad = (void *)8;

int
main(void)
{
	char buf[300], link[64];
	struct stat st;
	struct dirent *de;
	DIR *d;
	FILE *fp;
	int fd, i, zero = 1, found = 0;

	fd = open("/dev/full", O_RDWR);
	EXPECT("open /dev/full O_RDWR", fd >= 0);
	EXPECT_ERR("write: ENOSPC", write(fd, "x", 1), ENOSPC);
	EXPECT_ERR("write of a bad buffer: ENOSPC", write(fd, bad, 10),
	    ENOSPC);
	EXPECT_ERR("write of 0 bytes: ENOSPC too", write(fd, "x", 0), ENOSPC);
	memset(buf, 'a', sizeof(buf));
	EXPECT_RET("read", read(fd, buf, sizeof(buf)), (long)sizeof(buf));
	for (i = 0; i < (int)sizeof(buf); i++)
		zero &= buf[i] == 0;
	EXPECT("read gives zeros", zero);
	EXPECT_ERR("read into a bad buffer: EFAULT", read(fd, bad, 10),
	    EFAULT);
	EXPECT_RET("lseek: 0", lseek(fd, 100, SEEK_SET), 0);
	EXPECT("fstat: character device 1,7", fstat(fd, &st) == 0 &&
	    S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 &&
	    minor(st.st_rdev) == 7);
	EXPECT("stat: character device 1,7", stat("/dev/full", &st) == 0 &&
	    S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 7));
	snprintf(buf, sizeof(buf), "/proc/self/fd/%d", fd);
	memset(link, 0, sizeof(link));
	EXPECT("/proc/self/fd names it", readlink(buf, link,
	    sizeof(link) - 1) == 9 && strcmp(link, "/dev/full") == 0);
	close(fd);
	if ((d = opendir("/dev")) != NULL) {
		while ((de = readdir(d)) != NULL)
			found |= strcmp(de->d_name, "full") == 0;
		closedir(d);
	}
	EXPECT("/dev lists full", found);
	fp = fopen("/dev/full", "w");
	EXPECT("fopen /dev/full", fp != NULL);
	if (fp) {
		fputs("hello\n", fp);
		errno = 0;
		EXPECT("fflush fails with ENOSPC", fflush(fp) == EOF &&
		    errno == ENOSPC);
		fclose(fp);
	}
	return ptest_done();
}
