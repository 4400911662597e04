/*
 * shebang.h: the "#!" line of an interpreter script (shebang.c), for
 * execve (exec.c).
 */
#ifndef EXOS_POSIX_SHEBANG_H
#define EXOS_POSIX_SHEBANG_H

#include <stdint.h>

#define PX_SHEBANG_MAX  256     /* bytes read: Linux's BINPRM_BUF_SIZE */
#define PX_SHEBANG_DEPTH 5      /* scripts in a chain: Linux's too */

struct px_shebang {
	char line[PX_SHEBANG_MAX];      /* the first bytes, cut into words */
	char *name;                     /* the interpreter, in line */
	char *arg;                      /* its one argument, or NULL */
};

/* Parse the first bytes of a file (img, size) starting "#!": 0 and
 * sb->name (and sb->arg) set, or -ENOEXEC (not "#!", no interpreter
 * named, or its name longer than the line's bytes). */
long px_shebang(const uint8_t *img, uint64_t size, struct px_shebang *sb);

#endif
