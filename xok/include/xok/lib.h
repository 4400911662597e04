/*
 * xok/lib.h: the small freestanding library compiled into both the kernel
 * and libexos (string functions and printf-style formatting).
 */
#ifndef XOK_LIB_H
#define XOK_LIB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
#ifdef XOK_KERNEL
/* memcpy and memset use rep movsq / rep stosq (string.c); set at boot
 * under KVM. */
extern int xok_rep_strings;
#endif
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strncpy(char *dst, const char *src, size_t n);

/*
 * Format like printf into a sink: %d %i %u %x %p %s %c %%, with the
 * l/ll/z length modifiers, '-', '0' and a width.  Returns characters
 * produced.
 */
typedef void (*fmt_putc_fn)(int c, void *arg);
int vformat(fmt_putc_fn putc, void *arg, const char *fmt, va_list ap);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
