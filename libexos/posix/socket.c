/*
 * socket.c: socket(2) of the POSIX layer, which has no sockets (the
 * network is libexos-net's lwIP, which a program that wants it links
 * and calls itself).  Every family is "not supported": EAFNOSUPPORT,
 * the answer POSIX gives for a family the system lacks.  That answer
 * matters: musl asks nscd over an AF_UNIX socket before it reads
 * /etc/group (getgrouplist, hence toybox's `id USER`, `id -G USER`),
 * and takes EAFNOSUPPORT alone as "no nscd here, read the files"; any
 * other error (ENOSYS) fails the lookup.
 */
#include "posix.h"

long
px_socket(PX_ARGS)
{
	PX_UNUSED;
	return -EAFNOSUPPORT;
}
