/*
 * carcheck.c: in test mode, hostile archives against car_open (car.c):
 * a small valid archive built here, each field made wrong in turn, then
 * random byte flips; car_open must refuse, or accept only files that
 * lie inside the archive, in order.  docs/CHEETAH.md, "Tests".
 */
#include <exos/exos.h>
#include <stdlib.h>
#include <string.h>
#include "../tests/guest/check.h"
#include "car.h"

#define SZ      (3 * 4096)

static uint8_t img[SZ], orig[SZ];

static void
put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

/* Two files, "a.txt" (10 bytes at 4096) and "b/c.html" (100 at 8192). */
static void
build(void)
{
	memset(img, 0, sizeof(img));
	memcpy(img, CAR_MAGIC, 8);
	put64(img + 8, 2);
	put64(img + 16, 64);
	put64(img + 24, 72);
	put64(img + 32, SZ);
	put64(img + 64, 4096), put64(img + 72, 10), put64(img + 80, 1);
	img[88] = 5;
	memcpy(img + 90, "a.txt", 5);
	put64(img + 96, 8192), put64(img + 104, 100), put64(img + 112, 2);
	img[120] = 8;
	memcpy(img + 122, "b/c.html", 8);
	memset(img + 4096, 'a', 10);
	memset(img + 8192, 'c', 100);
}

/* 1 if car_open refuses img, or accepts only sane files. */
static int
sane(void)
{
	struct car c;
	unsigned i;

	if (car_open(&c, img, SZ) < 0)
		return 1;
	for (i = 0; i < c.nfiles; i++) {
		const struct car_file *f = &c.files[i];

		if (f->data < img + 64 || f->data + f->size > img + SZ ||
		    (const uint8_t *)f->name < img + 64 ||
		    (const uint8_t *)f->name + f->namelen > img + SZ ||
		    (i > 0 && f->data < c.files[i - 1].data +
		    c.files[i - 1].size))
			return 0;
	}
	free(c.files);
	return 1;
}

static int
refused(void)
{
	struct car c;

	return car_open(&c, img, SZ) < 0;
}

/* Returns the number of failed checks (check.h's count is per file). */
int
car_check(void)
{
	struct car c;
	uint64_t seed = rdtsc() | 1;
	int ok = 1, k;

	build();
	EXPECT("a valid archive opens", car_open(&c, img, SZ) == 0 &&
	    c.nfiles == 2 && car_find(&c, "b/c.html", 8) == &c.files[1] &&
	    car_find(&c, "b/c.htm", 7) == NULL &&
	    car_holding(&c, img + 8192 + 99, 1) == &c.files[1] &&
	    car_holding(&c, img + 8192 + 99, 2) == NULL);
	memcpy(orig, img, SZ);
	img[0] = 'Y';
	ok &= refused();
	build(), put64(img + 8, 1UL << 40);             /* nfiles */
	ok &= refused();
	build(), put64(img + 24, SZ);                   /* index length */
	ok &= refused();
	build(), put64(img + 16, ~0UL);                 /* index offset */
	ok &= refused();
	build(), put64(img + 96, SZ - 50);              /* data past end */
	ok &= refused();
	build(), put64(img + 104, ~0UL - 100);          /* size wraps */
	ok &= refused();
	build(), put64(img + 96, 4096 + 5);             /* overlaps a.txt */
	ok &= refused();
	build(), put64(img + 64, 70);                   /* data in index */
	ok &= refused();
	build(), memcpy(img + 90, "z.txt", 5);          /* unsorted */
	ok &= refused();
	build(), memcpy(img + 122, "a.txt", 5), img[120] = 5;   /* twice */
	ok &= refused();
	build(), img[88] = 0;                           /* empty name */
	ok &= refused();
	build(), img[120] = 200;                        /* name past index */
	ok &= refused();
	EXPECT("each malformed field is refused", ok);
	for (k = 0, ok = 1; k < 3000; k++) {
		int j, flips = 1 + k % 4;

		memcpy(img, orig, 4096);
		for (j = 0; j < flips; j++) {
			seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
			img[seed % 128] ^= (uint8_t)(1 << ((seed >> 8) % 8));
		}
		ok &= sane();
	}
	EXPECT("3000 archives with flipped bits: refused or sane", ok);
	return failures;
}
