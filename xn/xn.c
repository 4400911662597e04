/*
 * xn/xn.c: XN setup: format, mount (with the recovery scan), sync,
 * unmount, and helpers shared by the core (disk I/O, names, checksums).
 *
 * Mount never trusts the disk: the superblock, every template (its UDFs
 * are verified again), the root table and the principal table
 * (principal.c) are checked, then the metadata
 * tree is walked from the roots with the templates' owns-udfs to rebuild
 * the per-block state.  The free map on disk is compared with the walk and
 * repaired; blocks it marks used that nothing reaches (leaks after a crash)
 * are freed.
 */
#include "xn_int.h"

#define ALIGN16(n) (((n) + 15) & ~(size_t)15)

/*
 * FNV-1a over p[0..n).  Eight bytes a loop turn: the same hash, without
 * the loop's compare and branch after every byte (a table block's
 * checksum is about 4 KiB, and the kernel computes it in XN_WRITE_MANY
 * and XN_ALLOC, where under KVM each instruction costs about a
 * microsecond: scripts/kcount).
 */
#define FNV_STEP(h, c) ((h) = ((h) ^ (c)) * 16777619u)
uint32_t
xn_csum(const uint8_t *p, uint32_t n)
{
	const uint8_t *end = p + n;
	uint32_t h = 2166136261u;

	for (; end - p >= 8; p += 8) {
		FNV_STEP(h, p[0]);
		FNV_STEP(h, p[1]);
		FNV_STEP(h, p[2]);
		FNV_STEP(h, p[3]);
		FNV_STEP(h, p[4]);
		FNV_STEP(h, p[5]);
		FNV_STEP(h, p[6]);
		FNV_STEP(h, p[7]);
	}
	for (; p < end; p++)
		FNV_STEP(h, *p);
	return h;
}

int
xn_dread(struct xn *x, uint32_t b, void *buf)
{
	if (b >= x->disk.nblocks)
		return XN_ERANGE;
	return x->disk.ops->read(x->disk.ctx, b, buf) < 0 ? XN_EIO : 0;
}

int
xn_dwrite(struct xn *x, uint32_t b, const void *buf)
{
	if (b >= x->disk.nblocks)
		return XN_ERANGE;
	if (x->disk.ops->write(x->disk.ctx, b, buf) < 0)
		return XN_EIO;
	return x->disk.ops->flush(x->disk.ctx) < 0 ? XN_EIO : 0;
}

struct xn_tmpl *
xn_tmpl_get(struct xn *x, uint16_t type)
{
	int i;

	if (type < XN_TYPE_TMPL_MIN || type > XN_TYPE_TMPL_MAX)
		return NULL;
	for (i = 0; i < XN_MAX_TEMPLATES; i++)
		if (x->tmpl[i].type == type)
			return &x->tmpl[i];
	return NULL;
}

/* A name is 1..XN_NAME_MAX-1 printable bytes, NUL-terminated. */
int
xn_name_ok(const char *name)
{
	int i;

	if (name == NULL)
		return 0;
	for (i = 0; i < XN_NAME_MAX; i++) {
		if (name[i] == '\0')
			return i > 0;
		if ((unsigned char)name[i] < 0x21 || (unsigned char)name[i] > 0x7e)
			return 0;
	}
	return 0;
}

int
xn_name_eq(const char *a, const char *b)
{
	int i;

	for (i = 0; i < XN_NAME_MAX; i++) {
		if (a[i] != b[i])
			return 0;
		if (a[i] == '\0')
			return 1;
	}
	return 1;
}

void
xn_name_copy(char *dst, const char *src)
{
	int i;

	for (i = 0; i < XN_NAME_MAX - 1 && src[i]; i++)
		dst[i] = src[i];
	for (; i < XN_NAME_MAX; i++)
		dst[i] = '\0';
}

size_t
xn_arena_size(uint32_t nblocks, uint32_t bc_slots)
{
	size_t n = 0;

	if (nblocks > XN_MAX_NBLOCKS || bc_slots > XN_MAX_BC_SLOTS)
		return 0;
	n += ALIGN16(sizeof(struct xn_bstate) * (size_t)nblocks);
	n += ALIGN16(sizeof(struct xn_bc_entry) * (size_t)bc_slots);
	n += ALIGN16(sizeof(struct xn_tmpl) * XN_MAX_TEMPLATES);
	n += 2 * XN_BLOCK_SIZE;
	n += ALIGN16(sizeof(struct xn_udf_out));
	n += 2 * ALIGN16(sizeof(struct xn_owned) * XN_OWNS_MAX);
	n += ALIGN16(sizeof(struct xn_ownc) * XN_OWNC_SLOTS);
	n += ALIGN16(sizeof(uint32_t) * (size_t)nblocks);
	n += ALIGN16(sizeof(uint32_t) * XN_WRITE_MANY_MAX);
	n += ALIGN16(sizeof(void *) * XN_WRITE_MANY_MAX);
	n += ALIGN16(sizeof(int) * XN_READ_MANY_MAX);
	n += ALIGN16((size_t)XN_PT_ESIZE * XN_MAX_PRINCIPALS);
	n += ALIGN16(sizeof(uint16_t) * XN_PT_HASH);
	n += (size_t)fmap_blocks_for(nblocks) * XN_BLOCK_SIZE;
	n += ALIGN16(fmap_blocks_for(nblocks));
	return n + 16;
}

static void *
carve(uint8_t **p, size_t n)
{
	void *r = *p;

	*p += ALIGN16(n);
	return r;
}

static void
layout(struct xn *x, uint32_t nblocks)
{
	x->nblocks = nblocks;
	x->fmap_start = XN_FMAP_START;
	x->fmap_blocks = fmap_blocks_for(nblocks);
	x->data_start = XN_FMAP_START + x->fmap_blocks;
}

static void
build_sb(const struct xn *x, uint8_t *b, uint32_t clean)
{
	memset(b, 0, XN_BLOCK_SIZE);
	put32(b + SB_MAGIC, XN_SB_MAGIC);
	put32(b + SB_VERSION, XN_VERSION);
	put32(b + SB_BSIZE, XN_BLOCK_SIZE);
	put32(b + SB_NBLOCKS, x->nblocks);
	put32(b + SB_TSTART, XN_TMPL_START);
	put32(b + SB_TCOUNT, XN_MAX_TEMPLATES);
	put32(b + SB_ROOT, XN_ROOT_BLOCK);
	put32(b + SB_FSTART, x->fmap_start);
	put32(b + SB_FBLOCKS, x->fmap_blocks);
	put32(b + SB_DSTART, x->data_start);
	put32(b + SB_CLEAN, clean);
	put32(b + SB_GEN, x->gen);
	put32(b + SB_PSTART, XN_PT_START);
	put32(b + SB_PCOUNT, XN_PT_BLOCKS);
	put32(b + SB_CSUM, xn_csum(b, SB_CSUM));
}

/* Free-map block i from the per-block state (bit set = in use). */
static void
build_fmap(const struct xn *x, uint32_t i, uint8_t *b)
{
	uint32_t j, blk;

	memset(b, 0, XN_BLOCK_SIZE);
	for (j = 0; j < XN_BITS_PER_BLK; j++) {
		blk = i * XN_BITS_PER_BLK + j;
		if (blk >= x->nblocks)
			break;
		if (x->bs == NULL ? blk < x->data_start
		                  : (x->bs[blk].flags & XN_BS_ALLOC) != 0)
			b[j / 8] |= (uint8_t)(1u << (j % 8));
	}
}

int
xn_format(const struct xn_disk *d, uint32_t nblocks, void *blockbuf)
{
	struct xn x;
	uint32_t i;
	int r;

	if (d == NULL || d->ops == NULL || d->ops->read == NULL ||
	    d->ops->write == NULL || d->ops->flush == NULL || blockbuf == NULL)
		return XN_EINVAL;
	if (nblocks > d->nblocks || nblocks > XN_MAX_NBLOCKS ||
	    nblocks < XN_FMAP_START + 2)
		return XN_ERANGE;
	memset(&x, 0, sizeof x);
	x.disk = *d;
	layout(&x, nblocks);
	if (x.data_start >= nblocks)
		return XN_ERANGE;
	memset(blockbuf, 0, XN_BLOCK_SIZE);
	for (i = 0; i < XN_MAX_TEMPLATES; i++)
		if ((r = xn_dwrite(&x, XN_TMPL_START + i, blockbuf)))
			return r;
	xn_build_roots(&x, blockbuf);
	if ((r = xn_dwrite(&x, XN_ROOT_BLOCK, blockbuf)))
		return r;
	for (i = 0; i < XN_PT_BLOCKS; i++) {
		xn_build_principals(&x, i, blockbuf);
		if ((r = xn_dwrite(&x, XN_PT_START + i, blockbuf)))
			return r;
	}
	for (i = 0; i < x.fmap_blocks; i++) {
		build_fmap(&x, i, blockbuf);
		if ((r = xn_dwrite(&x, x.fmap_start + i, blockbuf)))
			return r;
	}
	/* The superblock last: a half-formatted disk does not mount. */
	build_sb(&x, blockbuf, 1);
	return xn_dwrite(&x, XN_SB_BLOCK, blockbuf);
}

static int
all_zero(const uint8_t *b, uint32_t n)
{
	return n == 0 || (b[0] == 0 && memcmp(b, b + 1, n - 1) == 0);
}

static int
load_sb(struct xn *x, int *clean)
{
	uint8_t *b = x->blk;
	uint32_t n;
	int r;

	if ((r = xn_dread(x, XN_SB_BLOCK, b)))
		return r;
	if (get32(b + SB_MAGIC) != XN_SB_MAGIC ||
	    get32(b + SB_CSUM) != xn_csum(b, SB_CSUM) ||
	    get32(b + SB_VERSION) != XN_VERSION ||
	    get32(b + SB_BSIZE) != XN_BLOCK_SIZE)
		return XN_ECORRUPT;
	n = get32(b + SB_NBLOCKS);
	if (n > x->disk.nblocks || n > XN_MAX_NBLOCKS || n < XN_FMAP_START + 2)
		return XN_ECORRUPT;
	layout(x, n);
	if (x->data_start >= n ||
	    get32(b + SB_TSTART) != XN_TMPL_START ||
	    get32(b + SB_TCOUNT) != XN_MAX_TEMPLATES ||
	    get32(b + SB_ROOT) != XN_ROOT_BLOCK ||
	    get32(b + SB_PSTART) != XN_PT_START ||
	    get32(b + SB_PCOUNT) != XN_PT_BLOCKS ||
	    get32(b + SB_FSTART) != x->fmap_start ||
	    get32(b + SB_FBLOCKS) != x->fmap_blocks ||
	    get32(b + SB_DSTART) != x->data_start ||
	    get32(b + SB_CLEAN) > 1)
		return XN_ECORRUPT;
	*clean = (int)get32(b + SB_CLEAN);
	x->gen = get32(b + SB_GEN);
	return 0;
}

/* Decode and check template slot i from its on-disk block. */
static int
load_tmpl(struct xn *x, int i)
{
	struct xn_tmpl *t = &x->tmpl[i];
	uint8_t *b = x->blk;
	uint32_t k, j, off;
	int r;

	memset(t, 0, sizeof *t);
	if ((r = xn_dread(x, XN_TMPL_START + i, b)))
		return r;
	if (all_zero(b, XN_BLOCK_SIZE))
		return 0;
	if (get32(b + TP_MAGIC) != XN_TP_MAGIC ||
	    get32(b + XN_CSUM_OFF) != xn_csum(b, XN_CSUM_OFF))
		return XN_ECORRUPT;
	k = get32(b + TP_TYPE);
	if (k < XN_TYPE_TMPL_MIN || k > XN_TYPE_TMPL_MAX)
		return XN_ECORRUPT;
	memcpy(t->name, b + TP_NAME, XN_NAME_MAX);
	if (!xn_name_ok(t->name))
		return XN_ECORRUPT;
	t->owner = get32(b + TP_OWNER);
	off = TP_CODE;
	for (k = 0; k < 3; k++) {
		t->len[k] = get32(b + TP_LEN + 4 * k);
		if (t->len[k] > XN_UDF_MAX_INSNS || (k < 2 && t->len[k] == 0))
			return XN_ECORRUPT;
		for (j = 0; j < t->len[k]; j++, off += 8)
			xn_insn_decode(b + off, &t->code[k][j]);
		if (t->len[k] && xn_udf_verify(t->code[k], t->len[k],
		    &t->steps[k]))
			return XN_ECORRUPT;
	}
	t->type = (uint16_t)get32(b + TP_TYPE);
	return 0;
}

static int
load_roots(struct xn *x)
{
	uint8_t *b = x->blk, *e;
	struct xn_root *r;
	uint32_t i, j, type;
	int err;

	if ((err = xn_dread(x, XN_ROOT_BLOCK, b)))
		return err;
	if (get32(b) != XN_RT_MAGIC ||
	    get32(b + XN_CSUM_OFF) != xn_csum(b, XN_CSUM_OFF))
		return XN_ECORRUPT;
	for (i = 0; i < XN_MAX_ROOTS; i++) {
		e = b + RT_ENTRIES + i * RT_ESIZE;
		r = &x->roots[i];
		memset(r, 0, sizeof *r);
		type = get32(e + RE_TYPE);
		if (type == 0)
			continue;
		memcpy(r->name, e + RE_NAME, XN_NAME_MAX);
		r->block = get32(e + RE_BLOCK);
		r->owner = get32(e + RE_OWNER);
		if (type > 0xffff || xn_tmpl_get(x, (uint16_t)type) == NULL ||
		    !xn_name_ok(r->name) || r->block < x->data_start ||
		    r->block >= x->nblocks)
			return XN_ECORRUPT;
		r->type = (uint16_t)type;
		for (j = 0; j < i; j++)
			if (x->roots[j].type && (x->roots[j].block == r->block ||
			    xn_name_eq(x->roots[j].name, r->name)))
				return XN_ECORRUPT;
	}
	return 0;
}

/* Walk the metadata tree from the roots; rebuild x->bs.  Nothing waits
   for a write-back after mount, so every waiter list starts empty. */
static int
scan(struct xn *x, uint32_t *reached)
{
	struct xn_bstate *bs = x->bs;
	const struct xn_tmpl *t;
	uint32_t sp = 0, i, n, b, c;
	uint16_t ct;
	int r;

	for (i = 0; i < x->nblocks; i++) {
		memset(&bs[i], 0, sizeof bs[i]);
		bs[i].parent = XN_NOBLOCK;
		if (i < x->data_start) {
			bs[i].flags = XN_BS_ALLOC;
			bs[i].type = XN_TYPE_XN;
		}
	}
	*reached = 0;
	for (i = 0; i < XN_MAX_ROOTS; i++) {
		if (x->roots[i].type == 0)
			continue;
		b = x->roots[i].block;
		bs[b].flags = XN_BS_ALLOC;
		bs[b].type = x->roots[i].type;
		bs[b].parent = XN_PARENT_ROOT;
		x->stack[sp++] = b;
		(*reached)++;
	}
	while (sp > 0) {
		b = x->stack[--sp];
		t = xn_tmpl_get(x, bs[b].type);
		if (t == NULL)
			return XN_ECORRUPT;
		if ((r = xn_dread(x, b, x->blk)))
			return r;
		if (xn_owns_set(x, t, x->blk, b, x->set_a, &n))
			return XN_ECORRUPT;
		for (i = 0; i < n; i++) {
			c = x->set_a[i].block;
			ct = x->set_a[i].type;
			/* Shared blocks and cycles are corruption. */
			if (bs[c].flags != 0)
				return XN_ECORRUPT;
			if (ct != XN_TYPE_DATA && xn_tmpl_get(x, ct) == NULL)
				return XN_ECORRUPT;
			bs[c].flags = XN_BS_ALLOC;
			bs[c].type = ct;
			bs[c].parent = b;
			bs[b].nchild++;
			(*reached)++;
			if (ct != XN_TYPE_DATA)
				x->stack[sp++] = c;
		}
	}
	return 0;
}

/* Compare the on-disk free map with the scan; keep a copy of it
 * (x->fmap_disk) for write_fmap. */
static int
check_fmap(struct xn *x, struct xn_mount_report *rep)
{
	uint32_t i, j, k, blk;
	uint8_t v;
	int r, used, alloc;

	for (i = 0; i < x->fmap_blocks; i++) {
		if ((r = xn_dread(x, x->fmap_start + i, x->blk)))
			return r;
		memcpy(x->fmap_disk + (size_t)i * XN_BLOCK_SIZE, x->blk,
		    XN_BLOCK_SIZE);
		for (j = 0; j < XN_BITS_PER_BLK; j++) {
			blk = i * XN_BITS_PER_BLK + j;
			if (blk >= x->nblocks)
				break;
			used = (x->blk[j / 8] >> (j % 8)) & 1;
			alloc = (x->bs[blk].flags & XN_BS_ALLOC) != 0;
			if (used && !alloc)
				rep->leaked++;
			else if (!used && alloc)
				rep->map_fixed++;
		}
		/* Bits past the end of the disk must be clear. */
		for (; j < XN_BITS_PER_BLK && j % 8; j++)
			rep->map_fixed += (x->blk[j / 8] >> (j % 8)) & 1;
		for (k = j / 8; k < XN_BLOCK_SIZE; k++)
			for (v = x->blk[k]; v; v &= (uint8_t)(v - 1))
				rep->map_fixed++;
	}
	return 0;
}

/*
 * Write the free-map blocks that differ from what the disk holds
 * (x->fmap_disk, read at mount): a sync after one allocation writes one
 * block, not the whole map.  Only blocks marked by xn_fmap_touch (every
 * change of XN_BS_ALLOC) are rebuilt and compared; mount and unmount
 * mark them all.  The copy and the mark change only after a write that
 * succeeded, so a failed write is tried again by the next sync.
 */
static int
write_fmap(struct xn *x)
{
	uint8_t *old;
	uint32_t i;
	int r;

	for (i = 0; i < x->fmap_blocks; i++) {
		if (!x->fmap_dirty[i])
			continue;
		old = x->fmap_disk + (size_t)i * XN_BLOCK_SIZE;
		build_fmap(x, i, x->blk2);
		if (memcmp(old, x->blk2, XN_BLOCK_SIZE) != 0) {
			if ((r = xn_dwrite(x, x->fmap_start + i, x->blk2)))
				return r;
			memcpy(old, x->blk2, XN_BLOCK_SIZE);
		}
		x->fmap_dirty[i] = 0;
	}
	return 0;
}

int
xn_mount(struct xn *x, const struct xn_disk *d, void *arena,
         size_t arena_len, uint32_t bc_slots, struct xn_mount_report *rep)
{
	struct xn_mount_report dummy;
	uint8_t *p;
	size_t need;
	int i, r, clean = 0;

	if (rep == NULL)
		rep = &dummy;
	memset(rep, 0, sizeof *rep);
	if (x == NULL || d == NULL || d->ops == NULL || d->ops->read == NULL ||
	    d->ops->write == NULL || d->ops->flush == NULL || arena == NULL ||
	    bc_slots == 0 || bc_slots > XN_MAX_BC_SLOTS)
		return XN_EINVAL;
	need = xn_arena_size(d->nblocks, bc_slots);
	if (need == 0 || arena_len < need)
		return XN_ENOMEM;
	memset(x, 0, sizeof *x);
	x->disk = *d;
	p = (uint8_t *)(((uintptr_t)arena + 15) & ~(uintptr_t)15);
	x->bs = carve(&p, sizeof(struct xn_bstate) * (size_t)d->nblocks);
	x->bc = carve(&p, sizeof(struct xn_bc_entry) * (size_t)bc_slots);
	x->bc_slots = bc_slots;
	x->tmpl = carve(&p, sizeof(struct xn_tmpl) * XN_MAX_TEMPLATES);
	x->blk = carve(&p, XN_BLOCK_SIZE);
	x->blk2 = carve(&p, XN_BLOCK_SIZE);
	x->uout = carve(&p, sizeof(struct xn_udf_out));
	x->set_a = carve(&p, sizeof(struct xn_owned) * XN_OWNS_MAX);
	x->set_b = carve(&p, sizeof(struct xn_owned) * XN_OWNS_MAX);
	x->ownc = carve(&p, sizeof(struct xn_ownc) * XN_OWNC_SLOTS);
	for (i = 0; i < XN_OWNC_SLOTS; i++)
		x->ownc[i].block = 0;   /* (block 0 is never data) */
	x->stack = carve(&p, sizeof(uint32_t) * (size_t)d->nblocks);
	x->wave = carve(&p, sizeof(uint32_t) * XN_WRITE_MANY_MAX);
	x->wpages = carve(&p, sizeof(void *) * XN_WRITE_MANY_MAX);
	x->rerr = carve(&p, sizeof(int) * XN_READ_MANY_MAX);
	x->pt = carve(&p, (size_t)XN_PT_ESIZE * XN_MAX_PRINCIPALS);
	x->pthash = carve(&p, sizeof(uint16_t) * XN_PT_HASH);
	x->fmap_disk = carve(&p, (size_t)fmap_blocks_for(d->nblocks) *
	    XN_BLOCK_SIZE);
	x->fmap_dirty = carve(&p, fmap_blocks_for(d->nblocks));
	xn_bc_init(x);

	if ((r = load_sb(x, &clean)))
		goto fail;
	rep->was_clean = clean;
	for (i = 0; i < XN_MAX_TEMPLATES; i++) {
		if ((r = load_tmpl(x, i)))
			goto fail;
		if (x->tmpl[i].type == 0)
			continue;
		for (int j = 0; j < i; j++)
			if (x->tmpl[j].type == x->tmpl[i].type ||
			    (x->tmpl[j].type &&
			     xn_name_eq(x->tmpl[j].name, x->tmpl[i].name))) {
				r = XN_ECORRUPT;
				goto fail;
			}
		rep->templates++;
	}
	if ((r = load_roots(x)))
		goto fail;
	if ((r = xn_load_principals(x)))
		goto fail;
	for (i = 0; i < XN_MAX_ROOTS; i++)
		rep->roots += x->roots[i].type != 0;
	if ((r = scan(x, &rep->reachable)))
		goto fail;
	if ((r = check_fmap(x, rep)))
		goto fail;
	/* Repair the map, then mark the disk in use. */
	x->gen++;
	memset(x->fmap_dirty, 1, x->fmap_blocks);
	if ((r = write_fmap(x)))
		goto fail;
	build_sb(x, x->blk2, 0);
	if ((r = xn_dwrite(x, XN_SB_BLOCK, x->blk2)))
		goto fail;
	x->mounted = 1;
	return 0;
fail:
	x->mounted = 0;
	return r;
}

int
xn_sync(struct xn *x)
{
	if (x == NULL || !x->mounted)
		return XN_ENOTMOUNTED;
	return write_fmap(x);
}

int
xn_set_batch(struct xn *x, const struct xn_disk_batch *b)
{
	if (x == NULL || !x->mounted)
		return XN_ENOTMOUNTED;
	if (b == NULL)
		memset(&x->batch, 0, sizeof x->batch);
	else
		x->batch = *b;
	return 0;
}

int
xn_unmount(struct xn *x)
{
	uint32_t i, exact = 1;
	int r;

	if (x == NULL || !x->mounted)
		return XN_ENOTMOUNTED;
	for (i = 0; i < x->bc_slots; i++)
		if (x->bc[i].state == XN_BC_DIRTY ||
		    x->bc[i].state == XN_BC_INFLIGHT)
			exact = 0;
	for (i = 0; i < x->nblocks; i++)
		if (x->bs[i].flags &
		    (XN_BS_FRESH | XN_BS_FREEING | XN_BS_MOVING))
			exact = 0;
	memset(x->fmap_dirty, 1, x->fmap_blocks);       /* every block */
	if ((r = write_fmap(x)))
		return r;
	build_sb(x, x->blk2, exact);
	if ((r = xn_dwrite(x, XN_SB_BLOCK, x->blk2)))
		return r;
	x->mounted = 0;
	return 0;
}

/* What a client may know of the layout (xn/layout.c has the rest). */
int
xn_layout_get(struct xn *x, struct xn_layout *out)
{
	if (x == NULL || out == NULL)
		return XN_EINVAL;
	if (!x->mounted)
		return XN_ENOTMOUNTED;
	out->nblocks = x->nblocks;
	out->fmap_start = x->fmap_start;
	out->fmap_blocks = x->fmap_blocks;
	out->data_start = x->data_start;
	out->tmpl_start = XN_TMPL_START;
	out->tmpl_count = XN_MAX_TEMPLATES;
	out->root_block = XN_ROOT_BLOCK;
	return 0;
}

int
xn_block_info(struct xn *x, uint32_t block, struct xn_block_info *out)
{
	if (x == NULL || !x->mounted)
		return XN_ENOTMOUNTED;
	if (out == NULL)
		return XN_EINVAL;
	if (block >= x->nblocks)
		return XN_ERANGE;
	out->type = x->bs[block].type;
	out->flags = x->bs[block].flags;
	out->parent = x->bs[block].parent;
	out->nchild = x->bs[block].nchild;
	return 0;
}
