/*
 * pipe.h: pipes (pipe.c), the console tty (tty.c) and poll/select
 * (poll.c): the file types PX_FT_PIPE and PX_FT_CONS and what the rest
 * of the POSIX layer calls of them.
 */
#ifndef EXOS_POSIX_PIPE_H
#define EXOS_POSIX_PIPE_H

#include <stdint.h>
#include "fd.h"
#include "layout.h"

#define PX_PIPE_SIZE    16384   /* a pipe's ring (Linux: 65536) */
#define PX_PIPE_BUF     4096    /* writes up to this are atomic */

/* A pipe, in the shared region; both ends' descriptions point to it
 * (obj[0]).  head and tail count bytes written and read since it was
 * made (head - tail are in the ring); a writer publishes head only
 * after its bytes are in, so a writer killed half way leaves a
 * consistent ring.  ev changes at every move and close (poll and
 * sleepers watch it). */
struct px_pipe {
	struct px_lock rlock;           /* one reader at a time */
	struct px_lock wlock;           /* one writer: PIPE_BUF atomicity */
	volatile uint64_t head, tail;
	volatile uint64_t ev;
	volatile uint64_t readers;      /* read-end descriptions */
	volatile uint64_t writers;      /* write-end descriptions */
	volatile uint64_t ends;         /* readers + writers, for the free */
	volatile uint64_t rwait, wwait; /* a sleeping reader/writer (env) */
	uint8_t *buf;                   /* PX_PIPE_SIZE bytes, shared */
	/* the environment that last read / wrote: whom a sleeper names
	 * to run next (px_block_to), the one likely to wake it */
	volatile uint64_t renv, wenv;
};

extern const struct px_fops px_fops_pipe;       /* pipe.c */
extern const struct px_fops px_fops_fifo;       /* (fifo) fifo.c */

/* (fifo) pipe.c for fifo.c: the ring's ends changed (ev moves, the
 * sleepers on both sides look again); one end of p is gone (acc: its
 * O_ACCMODE, O_RDWR is both): 1 if it was the last (the caller frees
 * p and its ring). */
void px_pipe_moved(struct px_pipe *p);
int px_pipe_drop(struct px_pipe *p, uint32_t acc);
/* (fifo) a FIFO end's stat (fifoname.c: its inode, read again) and poll
 * (fifo.c: px_fops_pipe's, with no POLLHUP before a writer has come). */
long px_fifo_fstat(struct px_ofile *f, struct stat *st);
short px_fifo_poll(struct px_ofile *f, short events,
    const volatile uint64_t **word, uint64_t *seen);
/* (fifo3, fifo4) ends.c: the ends of pipes and FIFOs (PX_FT_PIPE,
 * PX_FT_FIFO), whose references change only under one lock with a
 * journal (a kill at any point leaves the change to the lock's next
 * holder, never a phantom end).  end_close: fd.c's close of descriptor
 * fd of table t, whose slot s (non-zero) holds the end f: 1 done, 0
 * not (no list: the plain close).  ends_begin: take the lock (1), or 0
 * (no list: no end exists); ends_end drops it.  end_add (lock held):
 * f's new reference in t's empty slot fd, which becomes s.  settle:
 * take and drop the lock, finishing a dead holder's change (the sweep,
 * before it frees a dead process's table a journal may name).
 * end_release: the type's release (the last reference's put outside a
 * close). */
struct px_fdtab;
int px_end_close(struct px_fdtab *t, int fd, uint64_t s, struct px_ofile *f);
int px_ends_begin(void);
void px_ends_end(void);
void px_end_add(struct px_fdtab *t, int fd, uint64_t s, struct px_ofile *f);
void px_ends_settle(void);
void px_end_release(struct px_ofile *f);
/* The family's list of FIFOs and the ends' lock (fifo.c), made by the
 * first caller; NULL if the region is full. */
struct fifo_list *px_fifo_list(void);
extern const struct px_fops px_fops_tty;       /* tty.c */

/* The family-wide event word (poll.c): changed by every pipe and tty
 * move, so poll over more files than px_block watches sleeps on it. */
void px_poll_kick(void);
const volatile uint64_t *px_poll_word(void);

/* tty.c: the console tty: made by the first process (px_tty_init, 0 or
 * -errno; idempotent); a description of it (refs 1) for fds 0-2,
 * /dev/console and /dev/tty, or NULL; console output for the POSIX
 * layer's own messages. */
long px_tty_init(void);
struct px_ofile *px_tty_open(uint32_t flags);
/* block.c's hook: the word a sleeper also watches so that it pulls
 * console input (1), or 0; px_tty_pull when it changed. */
int px_tty_hook(const volatile uint64_t **word, uint64_t *seen);
void px_tty_pull(void);

/* (The tty and poll's event word are the shared region's named objects
 * PX_ROOT_TTY and PX_ROOT_POLL, shm.h.) */

#endif
