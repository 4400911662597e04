/*
 * block.h: how the POSIX layer waits.  Every wait in the libOS (a pipe
 * read, a tty read, wait4, nanosleep, poll, a lock) sleeps on a Xok
 * wake-up predicate through px_block, never by polling, so that a
 * signal posted to the process wakes it too: the predicate also watches
 * the process's pending-signal word.
 */
#ifndef EXOS_POSIX_BLOCK_H
#define EXOS_POSIX_BLOCK_H

#include <stdint.h>

#define PX_BLOCK_MAXW   5               /* the predicate has 32 steps */

/* Sleep until one of the n words differs from its seen value (0), the
 * clock reaches deadline_ns (boot-time nanoseconds, as XOK_INFO's clock;
 * UINT64_MAX: never) (-ETIMEDOUT), or a signal the process does not
 * ignore or block is pending (-EINTR; the caller returns it, or
 * restarts if the signal's handler has SA_RESTART).  Returns at once if
 * a condition already holds.  n <= PX_BLOCK_MAXW. */
long px_block(const volatile uint64_t *const *words, const uint64_t *seen,
    int n, uint64_t deadline_ns);

/* px_block, naming who should run while we sleep: env (a Xok id; 0:
 * the scheduler picks) gets the processor at once if it can run (Xok's
 * SLEEP_TO): the process most likely to change a watched word, such as
 * a pipe's other end.  Only a hint: a dead env is forgotten. */
long px_block_to(const volatile uint64_t *const *words, const uint64_t *seen,
    int n, uint64_t deadline_ns, uint64_t env);

#endif
