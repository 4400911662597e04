/*
 * inotify.h: what the file calls tell inotify (inotify.c).
 *
 * A call that changed (or opened, read, closed) a C-FFS object calls a
 * hook with the object's absolute normalized name after its C-FFS
 * bracket: the hook appends a record to the family's event log (in the
 * shared region) when some process of the family watches something,
 * and costs a load and a compare when nobody does.  The inotify
 * descriptors turn the log into struct inotify_event records for their
 * watches (docs/ARCHITECTURE.md, "inotify").
 */
#ifndef EXOS_POSIX_INOTIFY_H
#define EXOS_POSIX_INOTIFY_H

#include <stdint.h>
#include <sys/inotify.h>

/* Something happened to the object at path (isdir: a directory):
 * mask is one of IN_ACCESS, IN_MODIFY, IN_ATTRIB, IN_CLOSE_WRITE,
 * IN_CLOSE_NOWRITE, IN_OPEN, IN_CREATE (path was made) or IN_DELETE
 * (path was removed). */
void px_in_note(const char *path, uint32_t mask, int isdir);
/* rename(from, to) succeeded. */
void px_in_move(const char *from, const char *to, int isdir);

#endif
