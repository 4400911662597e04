/*
 * mkfs.c - mkfs.cffs [-d DIR] IMAGE SIZE: make a C-FFS file system in
 * IMAGE (created or resized to SIZE bytes; K, M, G suffixes) in the
 * default layout (over XN: docs/CFFS.md), optionally filled from host
 * directory DIR as mke2fs -d does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hostdev.h"
#include "tree.h"

static void
usage(void)
{
	fprintf(stderr, "usage: mkfs.cffs [-d DIR] IMAGE SIZE\n");
	exit(8);
}

static uint64_t
parse_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	}
	if (*end != '\0' || end == s)
		return 0;
	return v;
}

int
main(int argc, char **argv)
{
	const char *dir = NULL, *where = "";
	struct hostdev hd;
	struct cffs_fs *fs;
	uint64_t size;
	int c, r;

	while ((c = getopt(argc, argv, "d:")) != -1) {
		if (c == 'd')
			dir = optarg;
		else
			usage();
	}
	if (argc - optind != 2)
		usage();
	size = parse_size(argv[optind + 1]);
	if (size < 256 * 1024) {
		fprintf(stderr, "mkfs.cffs: bad size %s (at least 256K)\n",
		        argv[optind + 1]);
		return 8;
	}
	size -= size % CFFS_BSIZE;
	r = hostdev_open(&hd, argv[optind], size, 0);
	if (r < 0) {
		fprintf(stderr, "mkfs.cffs: %s: %s\n", argv[optind], strerror(-r));
		return 8;
	}
	r = cffs_mkfs(&hd.dev, hd.dev.nblocks);
	if (r < 0) {
		fprintf(stderr, "mkfs.cffs: %s\n", cffs_strerror(r));
		hostdev_close(&hd);
		return 8;
	}
	if (dir != NULL) {
		r = cffs_mount(&hd.dev, 0, &fs);
		if (r == 0) {
			r = tree_import(fs, dir, "/", &where);
			c = cffs_unmount(fs);
			if (r == 0)
				r = c;
		}
		if (r < 0) {
			fprintf(stderr, "mkfs.cffs: -d %s: %s: %s\n", dir, where,
			        r == -28 ? "no space left on image"
			                 : cffs_strerror(r));
			hostdev_close(&hd);
			return 8;
		}
	}
	hostdev_close(&hd);
	return 0;
}
