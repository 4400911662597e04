/*
 * fuzz_http.c: libFuzzer over Cheetah's request parser (cheetah/http.c)
 * and the byte range a request selects.  The input: a file size and
 * mtime (16 bytes), then the request bytes.  Checked: the parser never
 * reads or claims past the buffer, a decoded path is NUL-terminated,
 * relative and climbs nowhere, and a selected range lies inside the
 * file (first <= last < size) and was asked for.  Not part of `make
 * test`: make fuzz-http [FUZZ_SECONDS=60] [FUZZ_ARGS=...].  (Another
 * method's target is not decoded nor checked: the answer is 405.)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct http_req r;
	uint64_t size, mtime, a, b;
	char *buf;
	long len;
	int k;

	if (n < 16)
		return 0;
	memcpy(&size, d, 8);
	memcpy(&mtime, d + 8, 8);
	d += 16;
	n -= 16;
	if (size & 1)
		size &= 0xfffff;        /* small sizes often, any size too */
	/* an exact copy, so ASan sees a read past the request */
	if ((buf = malloc(n ? n : 1)) == NULL)
		return 0;
	memcpy(buf, d, n);
	len = http_parse(buf, n, &r);
	if (len > (long)n)
		abort();
	if (len > 0) {
		/* (another method's path is not looked at: 405) */
		if (r.method != M_OTHER && (r.pathlen >= HTTP_PATH_MAX ||
		    r.path[r.pathlen] != 0 || strlen(r.path) != r.pathlen ||
		    r.path[0] == '/' || strcmp(r.path, "..") == 0 ||
		    strncmp(r.path, "../", 3) == 0 ||
		    strstr(r.path, "/../") != NULL ||
		    (r.pathlen >= 3 && strcmp(r.path + r.pathlen - 3, "/..")
		    == 0)))
			abort();
		k = http_range(&r, size, mtime, &a, &b);
		if (k == 1 && (!r.range || a > b || b >= size))
			abort();
		if (k == 1 && b - a + 1 == 0)
			abort();
		if (k >= 0 && !r.range)
			abort();
	}
	free(buf);
	return 0;
}
