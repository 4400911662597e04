/*
 * xntmpl.c - C-FFS's XN templates, written in XN's UDF bytecode
 * (xn/udf.h), and a scan of a C-FFS image that uses nothing but them.
 *
 * C-FFS keeps every block pointer at a fixed place so that these UDFs
 * stay small (docs/CFFS.md, "C-FFS and XN"):
 *   slot blocks   8 slots of 512 bytes; a slot of type 1 (embedded inode)
 *                 or 3 (external inode) holds an inode at byte 16 whose
 *                 direct[12] (byte 80), indirect (128) and double
 *                 indirect (132) are owned.  The inode's mode (byte 16)
 *                 and flags (byte 140) give the child types: directories
 *                 and the inode file (flag IFL_SLOTS) own slot blocks,
 *                 files and symbolic links own data.
 *   indirect      1024 little-endian block numbers, 0 = hole.
 */
#include <xn/client.h>

/* XN, through the client backend this program is linked with
 * (xn/client.h: XN's host library, or libexos/xnclient.c). */
#define XC xn_client

#include "cffs_int.h"
#include "cffs/cffs_xn.h"

#define I XN_I
#define NR XN_UDF_NOREG

/* Slot-block owns-udf.  r0 = block; r1 slot, r2 slot base, r3 type,
 * r4 mode, r5 flags, r6..r8 child types, r9 pointer index, r11 pointer,
 * r12 = 1. */
static const struct xn_insn owns_slots[] = {
	/*  0 */ I(LDI, 12, 0, 0, 1),
	/*  1 */ I(LOOP, 1, NR, 28, SLOTS_PER_BLOCK),
	/*  2 */ I(MULI, 2, 1, 0, SLOT_SIZE),
	/*  3 */ I(LD8, 3, 2, 0, 0),
	/*  4 */ I(JEQI, 3, 0, 1, SLOT_INODE),          /* -> 6 */
	/*  5 */ I(JNEI, 3, 0, 24, SLOT_EXT),           /* -> 30: next slot */
	/*  6 */ I(LD32, 4, 2, 0, 16),
	/*  7 */ I(ANDI, 4, 4, 0, CFFS_S_IFMT),
	/*  8 */ I(LD32, 5, 2, 0, 140),
	/*  9 */ I(ANDI, 5, 5, 0, IFL_SLOTS),
	/* 10 */ I(LDI, 6, 0, 0, XN_TYPE_DATA),
	/* 11 */ I(LDI, 7, 0, 0, CFFS_XN_IND_DATA),
	/* 12 */ I(LDI, 8, 0, 0, CFFS_XN_DIND_DATA),
	/* 13 */ I(JEQI, 4, 0, 1, CFFS_S_IFDIR),        /* -> 15 */
	/* 14 */ I(JEQI, 5, 0, 3, 0),                   /* -> 18 */
	/* 15 */ I(LDI, 6, 0, 0, CFFS_XN_SLOTS),
	/* 16 */ I(LDI, 7, 0, 0, CFFS_XN_IND_SLOTS),
	/* 17 */ I(LDI, 8, 0, 0, CFFS_XN_DIND_SLOTS),
	/* 18 */ I(LOOP, 9, NR, 5, NDIRECT),
	/* 19 */ I(SHLI, 10, 9, 0, 2),
	/* 20 */ I(ADD, 10, 10, 2, 0),
	/* 21 */ I(LD32, 11, 10, 0, 80),
	/* 22 */ I(JEQI, 11, 0, 1, 0),                  /* -> 24 */
	/* 23 */ I(EMIT, 11, 12, 6, 0),
	/* 24 */ I(LD32, 11, 2, 0, 128),
	/* 25 */ I(JEQI, 11, 0, 1, 0),                  /* -> 27 */
	/* 26 */ I(EMIT, 11, 12, 7, 0),
	/* 27 */ I(LD32, 11, 2, 0, 132),
	/* 28 */ I(JEQI, 11, 0, 1, 0),                  /* -> 30 */
	/* 29 */ I(EMIT, 11, 12, 8, 0),
	/* 30 */ I(LDI, 13, 0, 0, 0),
	/* 31 */ I(RET, 13, 0, 0, 0),
};

/*
 * Indirect-block owns-udf: 1024 pointers, 0 = hole; EMITV emits each run
 * of consecutive blocks as one extent (session 16: the same set as the
 * loop of eight instructions a pointer it replaces, in one native loop
 * of XN's).  r2 = 0 (the first pointer's byte), r6 child type.
 */
#define OWNS_IND(child) {                                               \
	/*  0 */ I(LDI, 2, 0, 0, 0),                                    \
	/*  1 */ I(LDI, 6, 0, 0, (child)),                              \
	/*  2 */ I(EMITV, 2, NR, 6, NPTR),                              \
	/*  3 */ I(LDI, 8, 0, 0, 0),                                    \
	/*  4 */ I(RET, 8, 0, 0, 0),                                    \
}

static const struct xn_insn owns_ind_data[] = OWNS_IND(XN_TYPE_DATA);
static const struct xn_insn owns_ind_slots[] = OWNS_IND(CFFS_XN_SLOTS);
static const struct xn_insn owns_dind_data[] = OWNS_IND(CFFS_XN_IND_DATA);
static const struct xn_insn owns_dind_slots[] = OWNS_IND(CFFS_XN_IND_SLOTS);

/*
 * acl-uf: the C-FFS library is the only writer of its blocks, so every
 * principal that holds the file system may change them (docs/CFFS.md
 * lists per-uid checks as not done yet).
 */
static const struct xn_insn acl_any[] = {
	I(LDI, 7, 0, 0, 1),
	I(RET, 7, 0, 0, 0),
};

#define N(a) (uint32_t)(sizeof(a) / sizeof((a)[0]))
#define TMPL(nm, ty, owns) \
	{ nm, ty, owns, N(owns), acl_any, N(acl_any), NULL, 0 }

static const struct xn_template templates[CFFS_XN_NTEMPLATES] = {
	TMPL("cffs-slots", CFFS_XN_SLOTS, owns_slots),
	TMPL("cffs-ind-data", CFFS_XN_IND_DATA, owns_ind_data),
	TMPL("cffs-ind-slots", CFFS_XN_IND_SLOTS, owns_ind_slots),
	TMPL("cffs-dind-data", CFFS_XN_DIND_DATA, owns_dind_data),
	TMPL("cffs-dind-slots", CFFS_XN_DIND_SLOTS, owns_dind_slots),
};

const struct xn_template *
cffs_xn_templates(void)
{
	return templates;
}

int
cffs_xn_register(struct xn *x, uint32_t principal)
{
	int i, r;

	for (i = 0; i < CFFS_XN_NTEMPLATES; i++) {
		r = XC.template_register(x, principal, &templates[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

static const struct xn_template *
tmpl_of(uint16_t type)
{
	int i;

	for (i = 0; i < CFFS_XN_NTEMPLATES; i++)
		if (templates[i].type == type)
			return &templates[i];
	return NULL;
}

static void
note(cffs_report_fn report, void *arg, const char *what, uint32_t blk)
{
	char m[96], t[12];
	size_t n = 0, k = 0;

	if (report == NULL)
		return;
	while (*what != '\0' && n < 70)
		m[n++] = *what++;
	m[n++] = ' ';
	do
		t[k++] = (char)('0' + blk % 10);
	while ((blk /= 10) != 0);
	while (k > 0)
		m[n++] = t[--k];
	m[n] = '\0';
	report(arg, m);
}

struct item {
	uint32_t blk;
	uint16_t type;
};

int
cffs_xn_scan(struct cffs_bdev *dev, cffs_report_fn report, void *arg)
{
	struct cffs_fs *fs;
	struct xn_udf_out *out;
	struct item *stack;
	uint8_t *seen;
	uint32_t sp = 0, i, k, blk, args[1];
	int r, diffs = 0;

	r = fs_open(dev, CFFS_RDONLY | FS_RAW, &fs);
	if (r < 0)
		return r;
	out = malloc(sizeof(*out));
	stack = malloc(sizeof(*stack) * (size_t)fs->sb.nblocks);
	seen = calloc(fs->sb.nblocks / 8 + 1, 1);
	if (out == NULL || stack == NULL || seen == NULL) {
		r = -CFFS_ENOMEM;
		goto done;
	}
	stack[sp].blk = fs->sbblk;
	stack[sp++].type = CFFS_XN_SLOTS;
	if (fs->sbblk != 0)     /* XN layout: the root block is in use */
		seen[fs->sbblk / 8] |= (uint8_t)(1u << (fs->sbblk % 8));
	while (sp > 0) {
		struct item it = stack[--sp];
		const struct xn_template *t = tmpl_of(it.type);
		struct buf *b;

		r = bget(fs, it.blk, 0, &b);
		if (r < 0)
			goto done;
		args[0] = it.blk;
		r = xn_udf_run(t->owns, t->owns_len, b->data, CFFS_BSIZE, args,
		               1, XN_OWNS_MAX, out);
		bput(b);
		if (r < 0) {
			note(report, arg, "owns-udf fails on block", it.blk);
			diffs++;
			continue;
		}
		for (i = 0; i < out->nextents; i++) {
			for (k = 0; k < out->ext[i].count; k++) {
				blk = out->ext[i].start + k;
				if (!blk_valid(fs, blk)) {
					note(report, arg, "owned block out of range",
					     blk);
					diffs++;
					continue;
				}
				if ((seen[blk / 8] >> (blk % 8)) & 1) {
					note(report, arg, "block owned twice", blk);
					diffs++;
					continue;
				}
				seen[blk / 8] |= (uint8_t)(1u << (blk % 8));
				if (out->ext[i].type != XN_TYPE_DATA) {
					stack[sp].blk = blk;
					stack[sp++].type = out->ext[i].type;
				}
			}
		}
	}
	/* What XN reaches must be exactly what C-FFS's bitmap holds. */
	for (blk = fs->sb.data_start; blk < fs->sb.nblocks; blk++) {
		uint32_t bb = fs->sb.bitmap_start + blk / (CFFS_BSIZE * 8);
		uint32_t j = blk % (CFFS_BSIZE * 8);
		int used, owned = (seen[blk / 8] >> (blk % 8)) & 1;
		struct buf *b;

		r = bget(fs, bb, 0, &b);
		if (r < 0)
			goto done;
		used = (b->data[j / 8] >> (j % 8)) & 1;
		bput(b);
		if (used != owned) {
			note(report, arg, used ? "in use but not reached by XN"
			                       : "reached by XN but free", blk);
			diffs++;
		}
	}
	r = diffs;
done:
	free(out);
	free(stack);
	free(seen);
	fs_close(fs);
	return r;
}
