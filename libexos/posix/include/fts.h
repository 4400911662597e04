/*
 * fts.h: the BSD file-tree walk (fts_open, fts_read, fts_children,
 * fts_set, fts_close), which musl leaves out and ports use (MirBSD
 * pax).  libexos/posix/fts.c implements it; this header is installed
 * into the sysroot beside musl's.  The names and values are BSD's and
 * glibc's, so programs written for either compile unchanged.
 */
#ifndef _FTS_H
#define _FTS_H

#include <sys/types.h>
#include <sys/stat.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _ftsent {
	struct _ftsent *fts_cycle;      /* the ancestor a cycle (FTS_DC) is to */
	struct _ftsent *fts_parent;     /* the directory this entry is in */
	struct _ftsent *fts_link;       /* the next entry of the same directory */
	long fts_number;                /* for the program's own use */
	void *fts_pointer;              /* for the program's own use */
	char *fts_accpath;              /* the path to open it by */
	char *fts_path;                 /* its path from the root given */
	int fts_errno;                  /* errno for FTS_DNR, FTS_ERR, FTS_NS */
	int fts_symfd;                  /* (unused: fts never changes directory) */
	size_t fts_pathlen;             /* strlen(fts_path) */
	size_t fts_namelen;             /* strlen(fts_name) */
	ino_t fts_ino;
	dev_t fts_dev;
	nlink_t fts_nlink;
	short fts_level;                /* depth: FTS_ROOTLEVEL for a root */
	unsigned short fts_info;        /* FTS_D, FTS_F, ... below */
	unsigned short fts_flags;
	unsigned short fts_instr;       /* what fts_set asked */
	struct stat *fts_statp;         /* its stat (unless FTS_NS, FTS_NSOK) */
	char fts_name[];                /* its name in its directory */
} FTSENT;

typedef struct _fts FTS;

/* fts_open's options */
#define FTS_COMFOLLOW   0x0001  /* follow symbolic links given as roots */
#define FTS_LOGICAL     0x0002  /* follow every symbolic link */
#define FTS_NOCHDIR     0x0004  /* never change directory (always so here) */
#define FTS_NOSTAT      0x0008  /* no stat of entries known not directories */
#define FTS_PHYSICAL    0x0010  /* never follow symbolic links */
#define FTS_SEEDOT      0x0020  /* return "." and ".." too */
#define FTS_XDEV        0x0040  /* do not descend into other devices */
#define FTS_WHITEOUT    0x0080  /* (no whiteouts here) */
#define FTS_OPTIONMASK  0x00ff

/* fts_level */
#define FTS_ROOTPARENTLEVEL     (-1)
#define FTS_ROOTLEVEL           0

/* fts_info */
#define FTS_D           1       /* a directory, before its entries */
#define FTS_DC          2       /* a directory that is its own ancestor */
#define FTS_DEFAULT     3       /* none of the others */
#define FTS_DNR         4       /* a directory that cannot be read */
#define FTS_DOT         5       /* "." or ".." (FTS_SEEDOT) */
#define FTS_DP          6       /* a directory, after its entries */
#define FTS_ERR         7       /* an error: fts_errno */
#define FTS_F           8       /* a regular file */
#define FTS_INIT        9
#define FTS_NS          10      /* stat failed: fts_errno */
#define FTS_NSOK        11      /* no stat asked (FTS_NOSTAT) */
#define FTS_SL          12      /* a symbolic link */
#define FTS_SLNONE      13      /* a symbolic link to nothing */
#define FTS_W           14      /* a whiteout (never) */

/* fts_flags */
#define FTS_DONTCHDIR   0x01
#define FTS_SYMFOLLOW   0x02

/* fts_set's instructions (fts_instr) */
#define FTS_AGAIN       1       /* return this entry again */
#define FTS_FOLLOW      2       /* follow this symbolic link */
#define FTS_NOINSTR     3       /* none */
#define FTS_SKIP        4       /* do not descend into this directory */

/* fts_children's option */
#define FTS_NAMEONLY    0x0100  /* only the names are needed */

FTS *fts_open(char *const *, int,
    int (*)(const FTSENT **, const FTSENT **));
FTSENT *fts_read(FTS *);
FTSENT *fts_children(FTS *, int);
int fts_set(FTS *, FTSENT *, int);
int fts_close(FTS *);

#ifdef __cplusplus
}
#endif

#endif
