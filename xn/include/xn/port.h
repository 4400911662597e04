/*
 * xn/port.h: the few C library pieces the XN core uses.
 *
 * The core is compiled twice: into the host library (tests, tools) and into
 * the freestanding kernel.  In the kernel (XOK_KERNEL defined) only the
 * declarations are given; the kernel provides the functions.
 */
#ifndef XN_PORT_H
#define XN_PORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#if defined(XOK_KERNEL) || !__STDC_HOSTED__   /* kernel, guest programs */
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
#else
#include <string.h>
#endif

#endif /* XN_PORT_H */
