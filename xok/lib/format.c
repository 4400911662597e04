/*
 * format.c: printf-style formatting for the kernel console and libexos.
 */
#include <xok/lib.h>

static int
putnum(fmt_putc_fn putc, void *arg, uint64_t v, int base, int neg,
    int width, char pad, int left)
{
	char buf[24];
	int n = 0, len, out = 0;

	do {
		buf[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	len = n + neg;
	if (neg && pad == '0') {
		putc('-', arg), out++;
		neg = 0;
	}
	for (; !left && width > len; width--)
		putc(pad, arg), out++;
	if (neg)
		putc('-', arg), out++;
	while (n)
		putc(buf[--n], arg), out++;
	for (; left && width > len; width--)
		putc(' ', arg), out++;
	return out;
}

int
vformat(fmt_putc_fn putc, void *arg, const char *fmt, va_list ap)
{
	int out = 0;

	for (; *fmt; fmt++) {
		int lng = 0, width = 0, left = 0;
		char pad = ' ';

		if (*fmt != '%') {
			putc(*fmt, arg), out++;
			continue;
		}
		fmt++;
		if (*fmt == '-')
			left = 1, fmt++;
		if (*fmt == '0')
			pad = '0', fmt++;
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l' || *fmt == 'z')
			lng++, fmt++;
		switch (*fmt) {
		case 'd':
		case 'i': {
			int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
			out += putnum(putc, arg, v < 0 ? -(uint64_t)v : (uint64_t)v,
			    10, v < 0, width, pad, left);
			break;
		}
		case 'u':
		case 'x': {
			uint64_t v = lng ? va_arg(ap, uint64_t) :
			    va_arg(ap, unsigned int);
			out += putnum(putc, arg, v, *fmt == 'u' ? 10 : 16, 0,
			    width, pad, left);
			break;
		}
		case 'p':
			putc('0', arg), putc('x', arg), out += 2;
			out += putnum(putc, arg, (uintptr_t)va_arg(ap, void *),
			    16, 0, width, pad, left);
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			int len;

			if (!s)
				s = "(null)";
			len = (int)strlen(s);
			for (; !left && width > len; width--)
				putc(' ', arg), out++;
			for (; *s; s++)
				putc(*s, arg), out++;
			for (; left && width > len; width--)
				putc(' ', arg), out++;
			break;
		}
		case 'c':
			putc(va_arg(ap, int), arg), out++;
			break;
		case '%':
			putc('%', arg), out++;
			break;
		case 0:
			return out;
		default:
			putc('%', arg), putc(*fmt, arg), out += 2;
		}
	}
	return out;
}

struct sbuf {
	char *p;
	size_t left;
};

static void
sbuf_putc(int c, void *arg)
{
	struct sbuf *b = arg;

	if (b->left > 1) {
		*b->p++ = (char)c;
		b->left--;
	}
}

int
vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sbuf b = { buf, size };
	int n = vformat(sbuf_putc, &b, fmt, ap);

	if (size)
		*b.p = 0;
	return n;
}

int
snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
