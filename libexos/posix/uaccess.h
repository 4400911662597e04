/*
 * uaccess.h: reading and writing the program's memory from the POSIX
 * layer.  A pointer a program passes to a call (a buffer, an iovec, a
 * timespec, a path, a status word) may be bad; Linux answers EFAULT and
 * the program lives on.  Every handler therefore reaches the program's
 * memory only through these functions, which return -EFAULT instead of
 * letting a bad address kill the process (the fault handler resumes
 * them at their recovery point).
 */
#ifndef EXOS_POSIX_UACCESS_H
#define EXOS_POSIX_UACCESS_H

#include <stddef.h>

/* Copy n bytes from the program's usrc to dst: 0 or -EFAULT. */
long px_copyin(void *dst, const void *usrc, size_t n);
/* Copy n bytes from src to the program's udst: 0 or -EFAULT. */
long px_copyout(void *udst, const void *src, size_t n);
/* Copy the program's string usrc into dst (size max, NUL included): its
 * length, -EFAULT, or -ENAMETOOLONG if it does not fit. */
long px_strin(char *dst, const char *usrc, size_t max);

/* (vmem) Zero n bytes of the program's udst: 0 or -EFAULT. */
long px_clearout(void *udst, size_t n);
/* (vmem) The fault handler's part: if f is a fault inside one of the
 * copies above, make it resume at their recovery point (the copy then
 * returns -EFAULT) and return 1; else 0. */
/* (vmem) The length of the program's string usrc (max if it is longer)
 * or -EFAULT. */
long px_strlen_user(const char *usrc, size_t max);
struct xok_frame;
int px_uaccess_fixup(struct xok_frame *f);

#endif
