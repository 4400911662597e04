/*
 * jclient.h - the XN client backend of fuzz_journal (jclient.c): XN's
 * host library with a kill switch, the host's stand-in for a library
 * process killed between two XN calls (exos_xn_die_after in ExOS).
 */
#ifndef CFFS_FUZZ_JCLIENT_H
#define CFFS_FUZZ_JCLIENT_H

#include <stdint.h>

/* The process "dies" right after its n-th change (alloc, free, move,
 * write, write_many) from now: death() is called (it should not return:
 * the harness longjmps out of the library, so none of the process's
 * code runs after its death), and every later call of any kind is
 * refused (XN_EIO) and changes nothing.  0: never. */
void jc_die_after(uint32_t n, void (*death)(void));
/* Has it died?  (jc_die_after revives it.) */
int  jc_dead(void);
/* Changes made since the last jc_die_after. */
uint32_t jc_changes(void);

#endif
