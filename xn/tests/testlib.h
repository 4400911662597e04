/*
 * xn/tests/testlib.h: fixtures shared by the XN Check tests: a memory disk
 * formatted and mounted, and a small test directory format ("test.dir")
 * described by a template.
 *
 * test.dir block: u32 magic "DIR1" at 0, u32 owner principal at 4 (0 =
 * anyone), u32 count at 8, then 32 entries of {u32 block, u32 type} at 16;
 * block 0 marks an empty entry.
 */
#ifndef XN_TESTLIB_H
#define XN_TESTLIB_H

#include <check.h>
#include <stdlib.h>
#include <xn/xn.h>
#include <xn/host.h>

#define T_NBLOCKS   512
#define T_DIR       16            /* template type of test.dir */
#define T_DIRMAGIC  0x31524944u   /* "DIR1" */
#define T_DATMAGIC  0x30544144u   /* "DAT0" */
#define T_NENT      32
#define T_BCSLOTS   64
#define T_NPAGES    1024
#define P_ALICE     7
#define P_BOB       9

struct fx {
	struct xn_memdisk md;
	struct xn x;
	void *arena;
	size_t arena_len;
	uint8_t (*pages)[XN_BLOCK_SIZE];
	int npage;
	int batch;          /* fx_mount attaches xn_memdisk_batch */
};

extern const struct xn_insn t_dir_owns[];
extern const uint32_t t_dir_owns_len;
extern const struct xn_insn t_dir_acl[];
extern const uint32_t t_dir_acl_len;
extern const struct xn_insn t_dir_size[];
extern const uint32_t t_dir_size_len;

void fx_init(struct fx *f, uint32_t nblocks);   /* format only */
int fx_mount(struct fx *f);
void fx_setup(struct fx *f);  /* format, mount, register test.dir */
void fx_done(struct fx *f);
void *fx_page(struct fx *f);
struct xn_template t_dir_template(void);

/* Put u32 v at off in buf. */
void t_put32(uint8_t *buf, uint32_t off, uint32_t v);
uint32_t t_get32(const uint8_t *buf, uint32_t off);

/* An 8-byte directory entry change: slot i := {block, type}. */
int t_link(struct xn *x, uint32_t pr, uint32_t dir, int slot,
           uint32_t block, uint16_t type);
int t_unlink(struct xn *x, uint32_t pr, uint32_t dir, int slot,
             uint32_t block, uint16_t type);
/* Move entry fslot of dir `from' ({block, type}) to entry tslot of `to'. */
int t_move(struct xn *x, uint32_t pr, uint32_t from, int fslot,
           uint32_t to, int tslot, uint32_t block, uint16_t type);
/* Make a fresh root directory "name" at block, owner field owner. */
int t_mkroot(struct fx *f, const char *name, uint32_t block, uint32_t owner);
/* Cache a block in a fresh page. */
int t_cache(struct fx *f, uint32_t pr, uint32_t block);
/* Write a directory header / data content. */
int t_initdir(struct xn *x, uint32_t pr, uint32_t block, uint32_t owner);
int t_initdata(struct xn *x, uint32_t pr, uint32_t block);

Suite *udf_suite(void);
Suite *alloc_suite(void);
Suite *persist_suite(void);
Suite *crash_suite(void);
Suite *move_suite(void);
Suite *wbmany_suite(void);
Suite *wait_suite(void);
Suite *bcmany_suite(void);
Suite *principal_suite(void);
Suite *fmap_suite(void);
Suite *fuzzregress_suite(void);
Suite *order_suite(void);
Suite *layout_suite(void);

#endif
