/*
 * stdlib.h: the few C library allocation and sorting functions libexos
 * provides today (malloc.c, qsort.c), enough for C-FFS in the guest.
 * A stand-in: musl replaces it in a later issue.
 */
#ifndef EXOS_STDLIB_H
#define EXOS_STDLIB_H

#include <stddef.h>

void *malloc(size_t n);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t n);
void free(void *p);
void qsort(void *base, size_t n, size_t size,
    int (*cmp)(const void *, const void *));
void exit(int code) __attribute__((noreturn));

#endif
