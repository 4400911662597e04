/*
 * http.h: the HTTP/1.1 pieces of Cheetah that do not touch the network:
 * parsing one request from a buffer, dates (RFC 9110's IMF-fixdate),
 * content types.  cheetah/http.c; docs/CHEETAH.md.
 */
#ifndef CHEETAH_HTTP_H
#define CHEETAH_HTTP_H

#include <stddef.h>
#include <stdint.h>

#define HTTP_LINE_MAX   4096    /* request line; longer: 414 */
#define HTTP_HDR_MAX    8192    /* request line and headers; more: 431 */
#define HTTP_PATH_MAX   512     /* decoded path */

enum { M_GET = 1, M_HEAD, M_OTHER };

struct http_req {
	int method;
	int minor;              /* HTTP/1.minor */
	int keepalive;          /* after this request */
	int has_ims;
	uint64_t ims;           /* If-Modified-Since, seconds */
	/* Range: one byte range (RFC 9110, 14.1.2): bytes=first-last
	   (rlast HTTP_RANGE_END: to the end) or, rsuffix, bytes=-last (the
	   last rlast bytes).  A Range of another unit, of several ranges,
	   malformed or given twice is ignored: the whole file is sent. */
	int range, rsuffix;
	uint64_t rfirst, rlast;
	/* If-Range: the range only if the file's Last-Modified is exactly
	   this date; an entity tag or a malformed date: never */
	int has_ifrange, ifrange_ok;
	uint64_t ifrange;
	char path[HTTP_PATH_MAX];       /* decoded, no leading '/' */
	size_t pathlen;
};

#define HTTP_RANGE_END  UINT64_MAX

/*
 * The bytes [*first, *last] of a file of size bytes that r's Range
 * asks for: 1, 0 if it asks for none (the 416 case), -1 if r has no
 * Range to honour (none, If-Range does not match mtime, or a suffix of
 * an empty file: send the whole file).
 */
int http_range(const struct http_req *r, uint64_t size, uint64_t mtime,
    uint64_t *first, uint64_t *last);

/*
 * Look for one request at the start of buf[0, n).  Returns its length
 * (through the blank line) and fills r, 0 if more bytes are needed, or
 * minus an HTTP status (-400, -404 for a path that cannot name a file,
 * -414, -431, -505) if the request is refused.
 */
long http_parse(const char *buf, size_t n, struct http_req *r);
/* "Sun, 06 Nov 1994 08:49:37 GMT" (29 bytes and a NUL) for t. */
void http_date(uint64_t t, char out[30]);
/* Parse an IMF-fixdate: 0 and *t, or -1. */
int http_parse_date(const char *s, size_t n, uint64_t *t);
/* The Content-Type for a file name. */
const char *http_type(const char *name, size_t n);

#endif
