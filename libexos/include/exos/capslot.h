/*
 * capslot.h: which capability slot holds what, in every ExOS process
 * (docs/ARCHITECTURE.md, "The trust model").  Only the first process
 * (init, or the program scripts/exos-run starts) holds the root; it
 * keeps it in EXOS_SLOT_ROOT and puts the family's user name in slot 0
 * before it allocates anything (exos_caps_first), so every page and
 * environment the libOS makes is guarded by the user name, not the
 * root.  fork grants a child slots 0..EXOS_SLOT_NFORK-1 only: a child
 * never holds the root, so it cannot SHUTDOWN, DISK_RAW, XN_FORMAT,
 * install an overriding packet filter or control init (whose guard is
 * the kernel's [1]).
 */
#ifndef EXOS_CAPSLOT_H
#define EXOS_CAPSLOT_H

#include <stdint.h>

#define EXOS_SLOT_SELF  0       /* the user name [0x75], R and W: page and
				 * environment guards, the XN principal */
#define EXOS_SLOT_CONS  1       /* the console guard [0xfd], R: CONS_READ */
#define EXOS_SLOT_NET   2       /* the network guard [0xfe 0x01], W: own
				 * packet filters and frames, no override */
#define EXOS_SLOT_NFORK 3       /* fork grants slots [0, 3) */
#define EXOS_SLOT_ROOT  15      /* the root: only the first process */

#define EXOS_CAPNAME_USER 0x75  /* 'u': the one user's name */

/* The first process: move the root to EXOS_SLOT_ROOT and fill slots
 * 0..2 with names derived from it.  Does nothing if slot 0 is not the
 * root (already done, or not the first process).  0 or -XE_*. */
int64_t exos_caps_first(void);
/* Grant child the slots a child gets (0..EXOS_SLOT_NFORK-1, those
 * we hold).  0 or -XE_*. */
int64_t exos_caps_fork(uint64_t child);
/* The slot to use for a root-only call (SHUTDOWN, DISK_RAW, XN_FORMAT):
 * EXOS_SLOT_ROOT if we hold the root there, else 0 (a program that
 * never ran exos_caps_first: the kernel's convention; a child: the
 * call is refused). */
unsigned exos_root_slot(void);

#endif
