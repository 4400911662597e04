/*
 * http.c: request parsing, dates and content types for Cheetah
 * (http.h).  Strict where it is cheap to be: a request line is
 * METHOD SP /path SP HTTP/1.x CRLF, every header line has a token name
 * and a colon, HTTP/1.1 requires Host; anything else is 400.
 */
#include <exos/exos.h>
#include <string.h>
#include "http.h"

static const char *const wday[] = { "Thu", "Fri", "Sat", "Sun", "Mon",
    "Tue", "Wed" };
static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May",
    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* 9999-12-31 23:59:59 UTC: an IMF-fixdate has four digits of year */
#define HTTP_DATE_MAX 253402300799ULL

void
http_date(uint64_t t, char out[30])
{
	int64_t z, era, y;
	unsigned doe, yoe, doy, mp, d, m, s;

	if (t > HTTP_DATE_MAX)
		t = HTTP_DATE_MAX;
	z = (int64_t)(t / 86400) + 719468;
	s = (unsigned)(t % 86400);
	era = z / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	/* every field in its range (the % only tells the compiler so) */
	snprintf(out, 30, "%s, %02u %s %04u %02u:%02u:%02u GMT",
	    wday[(t / 86400) % 7], d % 100, mon[(m - 1) % 12],
	    (unsigned)y % 10000, s / 3600 % 100, s / 60 % 60, s % 60);
}

static int
num(const char *s, unsigned n, unsigned *v)
{
	unsigned i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (unsigned)(s[i] - '0');
	}
	return 0;
}

int
http_parse_date(const char *s, size_t n, uint64_t *t)
{
	unsigned d, y, hh, mm, ss, m;

	/* "Sun, 06 Nov 1994 08:49:37 GMT" */
	if (n != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' ||
	    s[11] != ' ' || s[16] != ' ' || s[19] != ':' || s[22] != ':' ||
	    memcmp(s + 25, " GMT", 4) != 0)
		return -1;
	if (num(s + 5, 2, &d) < 0 || num(s + 12, 4, &y) < 0 ||
	    num(s + 17, 2, &hh) < 0 || num(s + 20, 2, &mm) < 0 ||
	    num(s + 23, 2, &ss) < 0)
		return -1;
	for (m = 0; m < 12 && memcmp(s + 8, mon[m], 3) != 0; m++)
		;
	if (m == 12 || d < 1 || d > 31 || y < 1970 || hh > 23 || mm > 59 ||
	    ss > 60)
		return -1;
	*t = (uint64_t)days_from_civil(y, m + 1, d) * 86400 + hh * 3600 +
	    mm * 60 + ss;
	return 0;
}

static const struct {
	const char *ext, *type;
} types[] = {
	{ "html", "text/html; charset=utf-8" },
	{ "htm", "text/html; charset=utf-8" },
	{ "txt", "text/plain; charset=utf-8" },
	{ "css", "text/css" },
	{ "js", "text/javascript" },
	{ "json", "application/json" },
	{ "xml", "application/xml" },
	{ "png", "image/png" },
	{ "jpg", "image/jpeg" },
	{ "jpeg", "image/jpeg" },
	{ "gif", "image/gif" },
	{ "svg", "image/svg+xml" },
	{ "ico", "image/x-icon" },
	{ "pdf", "application/pdf" },
	{ "wasm", "application/wasm" },
};

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* name[0, n) equals the lower-case word w, ignoring case. */
static int
eqi(const char *name, size_t n, const char *w)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (w[i] == 0 || lower(name[i]) != w[i])
			return 0;
	return w[n] == 0;
}

const char *
http_type(const char *name, size_t n)
{
	size_t i = n, k;

	while (i > 0 && name[i - 1] != '.' && name[i - 1] != '/')
		i--;
	if (i > 0 && name[i - 1] == '.')
		for (k = 0; k < sizeof(types) / sizeof(types[0]); k++)
			if (eqi(name + i, n - i, types[k].ext))
				return types[k].type;
	return "application/octet-stream";
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int
tchar(int c)
{
	const char *x;

	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	for (x = "!#$%&'*+-.^_`|~"; *x; x++)
		if (c == *x)
			return 1;
	return 0;
}

/* Decode the target t[0, n) into r->path: 0 or -status. */
static int
set_path(struct http_req *r, const char *t, size_t n)
{
	size_t i, o = 0, seg = 0;

	if (n == 0 || t[0] != '/')
		return -400;
	for (i = 1; i < n && t[i] != '?' && t[i] != '#'; i++) {
		int c = (unsigned char)t[i];

		if (c <= ' ' || c >= 0x7f)
			return -400;
		if (c == '%') {
			int h, l;

			if (i + 2 >= n || (h = hexval(t[i + 1])) < 0 ||
			    (l = hexval(t[i + 2])) < 0)
				return -400;
			c = h << 4 | l;
			i += 2;
			if (c == 0)
				return -404;
		}
		if (o + 1 >= sizeof(r->path))
			return -404;
		if (c == '/') {
			/* "", "." and ".." segments never name a file */
			if (o == seg || (o - seg == 1 && r->path[seg] == '.') ||
			    (o - seg == 2 && r->path[seg] == '.' &&
			    r->path[seg + 1] == '.'))
				return -404;
			r->path[o++] = '/';
			seg = o;
			continue;
		}
		r->path[o++] = (char)c;
	}
	if ((o - seg == 1 && r->path[seg] == '.') || (o - seg == 2 &&
	    r->path[seg] == '.' && r->path[seg + 1] == '.'))
		return -404;
	/* a directory: its index.html */
	if (o == seg) {
		if (o + 11 >= sizeof(r->path))
			return -404;
		memcpy(r->path + o, "index.html", 10);
		o += 10;
	}
	r->path[o] = 0;
	r->pathlen = o;
	return 0;
}

/* The first CRLF in b[0, n) at or after from, or -1. */
static long
find_crlf(const char *b, size_t n, size_t from)
{
	size_t i;

	for (i = from; i + 1 < n; i++)
		if (b[i] == '\r' && b[i + 1] == '\n')
			return (long)i;
	return -1;
}

/* Decimal digits at s[*i, n) into *v (saturating at HTTP_RANGE_END):
 * 0, or -1 if there is none. */
static int
range_num(const char *s, size_t n, size_t *i, uint64_t *v)
{
	size_t i0 = *i;

	*v = 0;
	for (; *i < n && s[*i] >= '0' && s[*i] <= '9'; (*i)++) {
		unsigned d = (unsigned)(s[*i] - '0');

		*v = *v > (HTTP_RANGE_END - d) / 10 ? HTTP_RANGE_END :
		    *v * 10 + d;
	}
	return *i > i0 ? 0 : -1;
}

/* A Range value: "bytes=" (the unit case-insensitive) and one range,
 * first-last, first- or -suffix, nothing else; anything else leaves r
 * without a range. */
static void
parse_range(const char *s, size_t n, struct http_req *r)
{
	size_t i = 6;
	uint64_t a = 0, b = HTTP_RANGE_END;
	int suffix = 0;

	r->range = 0;
	if (n < 7 || !eqi(s, 5, "bytes") || s[5] != '=')
		return;
	if (s[i] == '-') {
		i++;
		suffix = 1;
		if (range_num(s, n, &i, &b) < 0)
			return;
	} else {
		if (range_num(s, n, &i, &a) < 0 || i >= n || s[i++] != '-')
			return;
		if (i < n && range_num(s, n, &i, &b) < 0)
			return;
		if (b < a)
			return;         /* invalid: ignored (14.1.2) */
	}
	if (i != n)
		return;                 /* several ranges, or junk */
	r->range = 1;
	r->rsuffix = suffix;
	r->rfirst = a;
	r->rlast = b;
}

int
http_range(const struct http_req *r, uint64_t size, uint64_t mtime,
    uint64_t *first, uint64_t *last)
{
	if (!r->range || (r->has_ifrange && (!r->ifrange_ok ||
	    r->ifrange != mtime)))
		return -1;
	/* an empty file has no byte to send: a suffix of some length is
	 * still satisfiable there (RFC 9110, 14.1.1) but no 206 can say
	 * so, so it gets the whole (empty) file; any other range, 416 */
	if (size == 0)
		return r->rsuffix && r->rlast > 0 ? -1 : 0;
	if (r->rsuffix) {
		/* the last rlast bytes, or all of a shorter file */
		if (r->rlast == 0)
			return 0;
		*first = r->rlast >= size ? 0 : size - r->rlast;
		*last = size - 1;
		return 1;
	}
	if (r->rfirst >= size)
		return 0;
	*first = r->rfirst;
	*last = r->rlast >= size ? size - 1 : r->rlast;
	return 1;
}

long
http_parse(const char *b, size_t n, struct http_req *r)
{
	long eol = find_crlf(b, n < HTTP_LINE_MAX + 2 ? n : HTTP_LINE_MAX + 2,
	    0), e, sp1, sp2, i;
	size_t pos, lim = n < HTTP_HDR_MAX ? n : HTTP_HDR_MAX;
	int host = 0, conn_close = 0, conn_keep = 0, nrange = 0, st;

	if (eol < 0)
		return n > HTTP_LINE_MAX ? -414 : 0;
	/* the end of the headers */
	for (pos = (size_t)eol + 2;; pos = (size_t)e + 2) {
		e = find_crlf(b, lim, pos);
		if (e < 0)
			return n >= HTTP_HDR_MAX ? -431 : 0;
		if ((size_t)e == pos)
			break;
	}
	memset(r, 0, sizeof(*r));
	/* the request line */
	for (sp1 = 0; sp1 < eol && b[sp1] != ' '; sp1++)
		if (!tchar(b[sp1]))
			return -400;
	if (sp1 == 0 || sp1 == eol)
		return -400;
	for (sp2 = sp1 + 1; sp2 < eol && b[sp2] != ' '; sp2++)
		;
	if (sp2 == eol || eol - sp2 != 9 || memcmp(b + sp2 + 1, "HTTP/", 5) !=
	    0 || b[sp2 + 7] != '.' || b[sp2 + 6] < '0' || b[sp2 + 6] > '9' ||
	    b[sp2 + 8] < '0' || b[sp2 + 8] > '9')
		return -400;
	if (b[sp2 + 6] != '1')
		return -505;
	r->minor = b[sp2 + 8] - '0';
	if (sp1 == 3 && memcmp(b, "GET", 3) == 0)
		r->method = M_GET;
	else if (sp1 == 4 && memcmp(b, "HEAD", 4) == 0)
		r->method = M_HEAD;
	else
		r->method = M_OTHER;
	/* the headers */
	for (pos = (size_t)eol + 2;; pos = (size_t)e + 2) {
		long colon, v, ve;

		e = find_crlf(b, lim, pos);
		if ((size_t)e == pos)
			break;
		for (colon = (long)pos; colon < e && b[colon] != ':'; colon++)
			if (!tchar(b[colon]))
				return -400;
		if (colon == (long)pos || colon == e)
			return -400;
		for (v = colon + 1; v < e && (b[v] == ' ' || b[v] == '\t'); v++)
			;
		for (ve = e; ve > v && (b[ve - 1] == ' ' || b[ve - 1] == '\t');
		    ve--)
			;
		if (eqi(b + pos, (size_t)(colon - (long)pos), "host"))
			host++;
		else if (eqi(b + pos, (size_t)(colon - (long)pos),
		    "connection")) {
			/* a list of tokens */
			for (i = v; i < ve;) {
				long j = i;

				while (j < ve && b[j] != ',')
					j++;
				while (i < j && b[i] == ' ')
					i++;
				long k = j;
				while (k > i && b[k - 1] == ' ')
					k--;
				if (eqi(b + i, (size_t)(k - i), "close"))
					conn_close = 1;
				if (eqi(b + i, (size_t)(k - i), "keep-alive"))
					conn_keep = 1;
				i = j + 1;
			}
		} else if (eqi(b + pos, (size_t)(colon - (long)pos),
		    "if-modified-since")) {
			if (http_parse_date(b + v, (size_t)(ve - v), &r->ims)
			    == 0)
				r->has_ims = 1;
		} else if (eqi(b + pos, (size_t)(colon - (long)pos),
		    "range")) {
			nrange++;
			parse_range(b + v, (size_t)(ve - v), r);
		} else if (eqi(b + pos, (size_t)(colon - (long)pos),
		    "if-range")) {
			r->has_ifrange++;
			r->ifrange_ok = http_parse_date(b + v, (size_t)(ve - v),
			    &r->ifrange) == 0;
		}
	}
	/* given twice: ignored (which one would be meant?) */
	if (nrange > 1)
		r->range = 0;
	if (r->has_ifrange > 1)
		r->ifrange_ok = 0;
	if (r->minor >= 1 && host != 1)
		return -400;
	r->keepalive = r->minor >= 1 ? !conn_close : conn_keep && !conn_close;
	st = set_path(r, b + sp1 + 1, (size_t)(sp2 - sp1 - 1));
	if (st < 0 && r->method != M_OTHER)
		return st;
	return e + 2;
}
