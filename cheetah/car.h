/*
 * car.h: Cheetah's document tree: the archive scripts/cheetah-pack
 * builds from a host directory, given as a boot module and served from
 * its pages (the "file cache" of this first cut: a read-only memory
 * image, never copied).  For each file the server may precompute its
 * HTTP response header and a table of partial checksums.
 * docs/CHEETAH.md.
 */
#ifndef CHEETAH_CAR_H
#define CHEETAH_CAR_H

#include <stddef.h>
#include <stdint.h>

#define CAR_MAGIC       "XOKCAR1"
#define CAR_CKBLK       64      /* bytes per precomputed partial sum */

struct car_file {
	const char *name;       /* not NUL-terminated: namelen bytes */
	unsigned namelen;
	const uint8_t *data;    /* in the module's pages */
	uint64_t size, mtime;
	char *hdr;              /* precomputed 200 header (without Date,
				   Connection and the blank line); NULL */
	unsigned hdrlen;
	/* ck[k]: one's-complement sum of data[0, k*CAR_CKBLK) as
	 * little-endian 16-bit words paired from data[0]; NULL if not
	 * precomputed. */
	uint16_t *ck;
};

struct car {
	const uint8_t *base;
	uint64_t size;
	unsigned nfiles;
	struct car_file *files; /* sorted by name, and so by data address */
};

/* Parse the archive at base (size bytes): 0, or -1 if it is malformed
 * (any offset, length or name out of bounds or out of order). */
int car_open(struct car *c, const void *base, uint64_t size);
/* The file named name[0, n) (no leading '/'), or NULL. */
struct car_file *car_find(struct car *c, const char *name, size_t n);
/* The file whose data holds address p (and p + len - 1), or NULL. */
struct car_file *car_holding(struct car *c, const void *p, size_t len);
/* Precompute f->ck: 0, or -1 without memory. */
int car_precompute_sums(struct car_file *f);
/* The sum lwIP's checksum routine would give for data[off, off + len),
 * from f->ck and at most 2 * CAR_CKBLK bytes. */
uint16_t car_sum(const struct car_file *f, uint64_t off, uint64_t len);

#endif
