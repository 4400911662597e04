/*
 * string.h: the string and memory functions of xok/lib/string.c (shared
 * with the kernel).  A stand-in: musl replaces it in a later issue.
 */
#ifndef EXOS_STRING_H
#define EXOS_STRING_H

#include <xok/lib.h>

#endif
