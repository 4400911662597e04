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
	char path[HTTP_PATH_MAX];       /* decoded, no leading '/' */
	size_t pathlen;
};

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
