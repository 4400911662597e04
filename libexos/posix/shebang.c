/*
 * shebang.c: the "#!" line of an interpreter script, for execve
 * (exec.c), read the way Linux's binfmt_script reads it, so that a
 * script runs the same on both systems:
 * - only the first PX_SHEBANG_MAX bytes count (Linux's BINPRM_BUF_SIZE,
 *   256), of which the last is never part of the line;
 * - the line ends at the first newline, or at the first NUL; without a
 *   newline in those bytes the line is cut at byte 255, unless the
 *   interpreter's name is not ended (a blank or NUL) within them: then
 *   the name would be truncated and the file is not executable
 *   (ENOEXEC);
 * - blanks (spaces, tabs) at the line's end go, the interpreter's name
 *   is the first blank-separated word after "#!" (none: ENOEXEC), and
 *   the rest of the line, from its next non-blank, is ONE optional
 *   argument, blanks inside kept (up to a NUL, where the C string
 *   ends).
 */
#include <string.h>
#include "posix.h"
#include "shebang.h"

static int
blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The first non-blank in [p, last], or NULL. */
static char *
nonblank(char *p, char *last)
{
	for (; p <= last; p++)
		if (!blank(*p))
			return p;
	return NULL;
}

/* The first blank or NUL in [p, last], or NULL. */
static char *
terminator(char *p, char *last)
{
	for (; p <= last; p++)
		if (blank(*p) || *p == '\0')
			return p;
	return NULL;
}

long
px_shebang(const uint8_t *img, uint64_t size, struct px_shebang *sb)
{
	char *buf = sb->line, *end = buf + PX_SHEBANG_MAX - 1, *e, *name, *sep;
	size_t n = size < PX_SHEBANG_MAX ? (size_t)size : PX_SHEBANG_MAX;
	size_t i;

	memset(sb->line, 0, sizeof(sb->line));
	memcpy(sb->line, img, n);
	sb->name = sb->arg = NULL;
	if (n < 2 || buf[0] != '#' || buf[1] != '!')
		return -ENOEXEC;
	for (e = NULL, i = 0; i < PX_SHEBANG_MAX && buf[i]; i++)
		if (buf[i] == '\n') {
			e = buf + i;
			break;
		}
	if (!e) {
		if (!(e = nonblank(buf + 2, end)))
			return -ENOEXEC;        /* nothing but blanks */
		if (!terminator(e, end))
			return -ENOEXEC;        /* the name would be cut */
		e = end;
	}
	while (blank(e[-1]))
		e--;
	*e = '\0';
	name = nonblank(buf + 2, e);
	if (!name || name == e)
		return -ENOEXEC;                /* no interpreter named */
	sep = terminator(name, e);
	if (sep && *sep != '\0')
		sb->arg = nonblank(sep, e);
	if (sep)
		*sep = '\0';
	sb->name = name;
	return 0;
}
