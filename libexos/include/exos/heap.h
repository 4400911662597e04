/*
 * exos/heap.h: what the heap (libexos/malloc.c) tells the rest of the
 * libOS about its pages.
 */
#ifndef EXOS_HEAP_H
#define EXOS_HEAP_H

#include <stdint.h>

/* The physical page behind p, if p is a page of a block of more than
 * 2048 bytes (page-aligned, whole pages); -1 otherwise. */
int64_t exos_heap_ppn(const void *p);
/* How many freed one-page blocks the heap keeps (mapped, writable) for
 * reuse instead of giving them back to the kernel: a file system's cache
 * of 4096 buffers can be freed and allocated again without a kernel
 * call per page. */
#define EXOS_HEAP_KEEP 4096u
/* Pages free() could not give back to the kernel (still in XN's cache:
 * a libFS freed a registered page without evicting it).  0 normally. */
uint64_t exos_heap_stuck(void);
/* p, a page of a large block, is mapped writable now (on: the kernel
 * gave it back so, XN_BC_EVICT_MANY) or may not be (off: it went to
 * XN's cache, which maps it read-only in place): free() keeps a page
 * it knows is writable without mapping it again.  malloc hands pages
 * out known writable (mapped so); whoever gives one to XN must say
 * off, or free() would keep a read-only page. */
void exos_heap_writable(void *p, int on);
/* Forget every block, giving nothing back (a forked child whose copy of
 * the tables names its parent's pages). */
void exos_heap_forget(void);

#endif
