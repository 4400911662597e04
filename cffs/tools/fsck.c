/*
 * fsck.c - fsck.cffs [-n] [-x] IMAGE: check a C-FFS image and repair what
 * can be repaired safely (-n: report only; -x: also walk the image with
 * the XN templates and compare with the free map).  Exit status as
 * fsck(8): 0 clean, 1 errors corrected, 4 errors left uncorrected,
 * 8 operational error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hostdev.h"
#ifdef CFFS_HAVE_XN
#include "cffs/cffs_xn.h"
#endif

#define USAGE "usage: fsck.cffs [-n] [-x] IMAGE\n"

static void
report(void *arg, const char *msg)
{
	printf("%s: %s\n", (const char *)arg, msg);
}

int
main(int argc, char **argv)
{
	struct hostdev hd;
	int c, r, flags = 0, xn = 0;

	while ((c = getopt(argc, argv, "nxyfp")) != -1) {
		if (c == 'n')
			flags |= CFFS_FSCK_NOREPAIR;
		else if (c == 'x')
			xn = 1;
		else if (c != 'y' && c != 'f' && c != 'p') {
			fprintf(stderr, USAGE);
			return 8;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, USAGE);
		return 8;
	}
	r = hostdev_open(&hd, argv[optind], 0, flags & CFFS_FSCK_NOREPAIR);
	if (r < 0) {
		fprintf(stderr, "fsck.cffs: %s: %s\n", argv[optind], strerror(-r));
		return 8;
	}
	r = cffs_fsck(&hd.dev, flags, report, argv[optind]);
	if (xn && r >= 0 && r < 4) {
#ifdef CFFS_HAVE_XN
		int d = cffs_xn_scan(&hd.dev, report, argv[optind]);

		if (d != 0) {
			printf("%s: XN's view differs from the free map\n",
			       argv[optind]);
			r = d < 0 ? d : 4;
		}
#else
		fprintf(stderr, "fsck.cffs: built without XN, -x ignored\n");
#endif
	}
	hostdev_close(&hd);
	if (r < 0) {
		fprintf(stderr, "fsck.cffs: %s: %s\n", argv[optind],
		        cffs_strerror(r));
		return 8;
	}
	if (r == 0)
		printf("%s: clean\n", argv[optind]);
	else if (r == 1)
		printf("%s: errors corrected\n", argv[optind]);
	else
		printf("%s: errors left uncorrected\n", argv[optind]);
	return r;
}
