/*
 * xn/fuzz/alloc_driver.c: the fuzz_alloc harness (see alloc_driver.h).
 *
 * The input is a sequence of 8-byte calls (alloc, free, move, write,
 * write_many, write-back single and batched, registry inserts single and batched,
 * evictions, roots) with fuzzed arguments, run on a small formatted
 * memory disk (odd-length inputs with its write_many and read_many
 * attached).  Properties:
 *
 *  - no call crashes (the fuzzer adds the sanitizers);
 *  - after each call, XN's per-block state agrees with what the cached
 *    directory blocks point to;
 *  - at every flush, every disk a crash could leave (what the previous
 *    flush made durable, plus any subset of the writes since, which may
 *    reach the disk in any order) mounts, and walking it from the roots
 *    without XN, every pointer leads to a block that XN wrote during the
 *    block's current allocation (not a block never written since it was
 *    allocated, nor one reused since), of the type the pointer names,
 *    from a block that has been its parent during that allocation; no
 *    block is reached twice; recovery keeps exactly the reached blocks.
 *
 * That is XN's write-ordering promise (docs/XN.md, "Write ordering").
 * What the libFS put into a block (this test's directory magic, say) is
 * not part of it: XN writes the cached page as it is, zeros if the libFS
 * never wrote into a fresh block, and a libFS may overwrite its own magic
 * with xn_write at any time.
 */
#include "alloc_driver.h"
#include <xn/xn.h>
#include <xn/host.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NB      128
#define SLOTS   32
#define DIR     16
#define DIRMAG  0x31524944u
#define NENT    32
#define ROOTBLK 40
#define NOPAR   0xffffffffu
#define BS      XN_BLOCK_SIZE

static const struct xn_insn owns[] = {
	XN_I(LDI, 5, 0, 0, 1),
	XN_I(LOOP, 1, XN_UDF_NOREG, 5, NENT),
	XN_I(SHLI, 2, 1, 0, 3),
	XN_I(LD32, 3, 2, 0, 16),
	XN_I(JEQI, 3, 0, 2, 0),
	XN_I(LD32, 4, 2, 0, 20),
	XN_I(EMIT, 3, 5, 4, 0),
	XN_I(RET, 0, 0, 0, 0),
};
static const struct xn_insn acl[] = {
	XN_I(LDI, 8, 0, 0, 0),
	XN_I(LD32, 7, 8, 0, 4),
	XN_I(JEQI, 7, 0, 2, 0),
	XN_I(JEQ, 7, 0, 1, 0),
	XN_I(RET, 8, 0, 0, 0),
	XN_I(LDI, 9, 0, 0, 1),
	XN_I(RET, 9, 0, 0, 0),
};

static xnfz_fail_fn *failfn;
static struct xn_memdisk md, cmd;       /* the disk; a crash image */
static struct xn_disk cdisk;            /* cmd, its writes recorded */
static uint32_t cwrote[NB], ncwrote;
static uint8_t *image;                  /* the disk after setup */
static void *arena, *carena;            /* for x; for the crash mount */
static size_t alen;
static struct xn x, cx;
static uint8_t pages[NB][BS];

/*
 * The test's view of each block, kept without asking XN.  An allocation
 * (a successful xn_alloc claim or root install) starts a new life: life[b]
 * counts them, ltype[b] is the type of the current one and par[b] the
 * set of blocks that have been b's parent in it (xn_move adds to it).
 * base is the disk as of the last flush and blife[b] the life in which
 * base's copy of b was written; pend lists the blocks written since the
 * last flush, with plife the life each was written in.
 */
static uint32_t life[NB], blife[NB], ilife[NB];
static uint16_t ltype[NB];
static uint8_t par[NB][NB / 8];
static uint8_t *base;
static uint32_t pend[NB], plife[NB], npend;
static int tracking;

static void
fail(const char *fmt, uint32_t a, uint32_t b)
{
	static char msg[160];

	snprintf(msg, sizeof msg, fmt, a, b);
	if (failfn)
		failfn(msg);
	abort();
}

static uint32_t
g32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void
p32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

/* ---- the test's view ---- */

static void
born(uint32_t b, uint16_t type, uint32_t parent)
{
	life[b]++;
	ltype[b] = type;
	memset(par[b], 0, sizeof par[b]);
	if (parent < NB)
		par[b][parent / 8] |= (uint8_t)(1u << parent % 8);
}

static int
was_parent(uint32_t c, uint32_t b)
{
	return (par[c][b / 8] >> b % 8) & 1;
}

/* ---- crash images ---- */

/* Mount the disk a crash would leave if exactly the pending writes
   with sel[k] set survived, and walk it. */
static void
check_image(const uint8_t *sel)
{
	static const char *const names[] = { "fs", "r2" };
	uint32_t stack[NB], sp = 0, b, c, t, i, k, rb;
	struct xn_block_info bi;
	uint8_t seen[NB] = { 0 };
	const uint8_t *p;
	uint16_t rt;

	/* cmd.data equals base here (see restore below) */
	memcpy(ilife, blife, sizeof ilife);
	for (k = 0; k < npend; k++) {
		if (!sel[k])
			continue;
		b = pend[k];
		memcpy(cmd.data + (size_t)b * BS, md.data + (size_t)b * BS, BS);
		ilife[b] = plife[k];
	}
	ncwrote = 0;
	if (xn_mount(&cx, &cdisk, carena, alen, SLOTS, NULL))
		fail("crash image does not mount (%u pending writes)", npend, 0);
	for (i = 0; i < 2; i++) {
		if (xn_root_lookup(&cx, names[i], &rb, &rt) != 0)
			continue;
		if (rb >= NB || seen[rb])
			fail("root %u out of range or reached twice", rb, 0);
		if (ilife[rb] != life[rb] || ltype[rb] != rt)
			fail("root block %u not written since installed "
			     "(type %u)", rb, rt);
		seen[rb] = 1;
		stack[sp++] = rb;
	}
	while (sp) {
		b = stack[--sp];
		p = cmd.data + (size_t)b * BS;
		for (i = 0; i < NENT; i++) {
			c = g32(p + 16 + 8 * i);
			t = g32(p + 20 + 8 * i);
			if (c == 0)
				continue;
			if (c >= NB || seen[c])
				fail("pointer in %u to %u: out of range or "
				     "reached twice", b, c);
			seen[c] = 1;
			/* initialised in its current life, as the type the
			   pointer names, and pointed to by a parent of that
			   life */
			if (ilife[c] != life[c])
				fail("pointer in %u to %u, a block not written "
				     "since it was allocated", b, c);
			if (t != ltype[c])
				fail("pointer to %u names type %u, not the "
				     "type it was allocated with", c, t);
			if (!was_parent(c, b))
				fail("pointer in %u to %u, which it never "
				     "owned in this allocation", b, c);
			if (t == DIR)
				stack[sp++] = c;
		}
	}
	/* recovery keeps exactly what is reachable */
	for (b = 0; b < NB; b++) {
		if (xn_block_info(&cx, b, &bi))
			fail("block_info %u after recovery", b, 0);
		if (bi.type != XN_TYPE_XN && (bi.flags != 0) != (seen[b] != 0))
			fail("block %u: recovery keeps it = %u, reachable "
			     "differs", b, bi.flags != 0);
	}
	/* back to base: the blocks taken from md, and those the crash
	   mount wrote (the free map and superblock) */
	for (k = 0; k < npend; k++)
		if (sel[k])
			memcpy(cmd.data + (size_t)pend[k] * BS,
			       base + (size_t)pend[k] * BS, BS);
	for (k = 0; k < ncwrote; k++)
		memcpy(cmd.data + (size_t)cwrote[k] * BS,
		       base + (size_t)cwrote[k] * BS, BS);
}

/* A flush: check every disk a crash before it could leave (subsets of
   the pending writes; the empty one was the previous flush's full one),
   then make the pending writes durable. */
static void
cut(void)
{
	uint8_t sel[NB];
	uint32_t k, m, j;

	if (npend <= 4) {
		for (m = 1; m < (1u << npend); m++) {
			for (k = 0; k < npend; k++)
				sel[k] = (m >> k) & 1;
			check_image(sel);
		}
	} else {
		/* each write alone, each left out, and all */
		for (j = 0; j <= 2 * npend; j++) {
			for (k = 0; k < npend; k++)
				sel[k] = j == 2 * npend ? 1 :
				         j < npend ? k == j : k != j - npend;
			check_image(sel);
		}
	}
	for (k = 0; k < npend; k++) {
		memcpy(base + (size_t)pend[k] * BS,
		       md.data + (size_t)pend[k] * BS, BS);
		memcpy(cmd.data + (size_t)pend[k] * BS,
		       md.data + (size_t)pend[k] * BS, BS);
		blife[pend[k]] = plife[k];
	}
	npend = 0;
}

/* ---- the disk XN sees: the memory disk, its writes recorded ---- */

static void
noted(uint32_t b)
{
	uint32_t k;

	if (!tracking || b >= NB)
		return;
	for (k = 0; k < npend && pend[k] != b; k++)
		;
	if (k == npend)
		pend[npend++] = b;
	plife[k] = life[b];
}

static int
rec_read(void *ctx, uint32_t b, void *buf)
{
	return md.disk.ops->read(ctx, b, buf);
}

static int
rec_write(void *ctx, uint32_t b, const void *buf)
{
	if (md.disk.ops->write(ctx, b, buf) < 0)
		return -1;
	noted(b);
	return 0;
}

static int
rec_flush(void *ctx)
{
	if (md.disk.ops->flush(ctx) < 0)
		return -1;
	if (tracking)
		cut();
	return 0;
}

static int
rec_write_many(void *ctx, const uint32_t *blocks, const void *const *pp,
               uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (rec_write(ctx, blocks[i], pp[i]) < 0)
			return -1;
	return 0;
}

static const struct xn_disk_ops rec_ops = { rec_read, rec_write, rec_flush };

/* The crash image's disk: the blocks the crash mount writes are noted,
   so that check_image can put them back. */
static int
c_write(void *ctx, uint32_t b, const void *buf)
{
	if (cmd.disk.ops->write(ctx, b, buf) < 0)
		return -1;
	if (ncwrote < NB)
		cwrote[ncwrote++] = b;
	return 0;
}

static int
c_flush(void *ctx)
{
	return cmd.disk.ops->flush(ctx);
}

static const struct xn_disk_ops c_ops = { rec_read, c_write, c_flush };
static struct xn_disk_batch rec_batch;
static struct xn_disk rdisk;

/* ---- setup and the per-call check ---- */

static void
setup(void)
{
	struct xn_template t;
	uint8_t buf[BS];

	if (xn_memdisk_init(&md, NB) || xn_memdisk_init(&cmd, NB))
		abort();
	memset(md.data, 0xde, (size_t)NB * BS);
	alen = xn_arena_size(NB, SLOTS);
	arena = malloc(alen);
	carena = malloc(alen);
	image = malloc((size_t)NB * BS);
	base = malloc((size_t)NB * BS);
	if (arena == NULL || carena == NULL || image == NULL || base == NULL)
		abort();
	rdisk.ops = &rec_ops;
	rdisk.ctx = &md;
	rdisk.nblocks = NB;
	cdisk.ops = &c_ops;
	cdisk.ctx = &cmd;
	cdisk.nblocks = NB;
	rec_batch.write_many = rec_write_many;
	rec_batch.read_many = xn_memdisk_batch.read_many;
	if (xn_format(&rdisk, NB, buf) ||
	    xn_mount(&x, &rdisk, arena, alen, SLOTS, NULL))
		abort();
	memset(&t, 0, sizeof t);
	strcpy(t.name, "fuzz.dir");
	t.type = DIR;
	t.owns = owns; t.owns_len = sizeof owns / sizeof owns[0];
	t.acl = acl; t.acl_len = sizeof acl / sizeof acl[0];
	if (xn_template_register(&x, 1, &t))
		abort();
	memset(buf, 0, sizeof buf);
	p32(buf, DIRMAG);
	if (xn_root_install(&x, 1, "fs", DIR, ROOTBLK, buf))
		abort();
	if (xn_unmount(&x))
		abort();
	memcpy(image, md.data, (size_t)NB * BS);
}

/* Check cached directories against XN's per-block state. */
static void
check_state(void)
{
	struct xn_block_info bi, ci;
	struct xn_bc_info pi;
	uint32_t b, i, c, n;

	for (b = 0; b < NB; b++) {
		if (xn_block_info(&x, b, &bi) || bi.type != DIR ||
		    (bi.flags & XN_BS_FREEING) || xn_bc_lookup(&x, b, &pi))
			continue;
		n = 0;
		for (i = 0; i < NENT; i++) {
			c = g32((uint8_t *)pi.page + 16 + 8 * i);
			if (c == 0)
				continue;
			if (xn_block_info(&x, c, &ci) ||
			    !(ci.flags & XN_BS_ALLOC) ||
			    (ci.flags & XN_BS_FREEING) || ci.parent != b ||
			    ci.type != g32((uint8_t *)pi.page + 20 + 8 * i))
				fail("cached dir %u entry to %u disagrees with "
				     "XN's state", b, c);
			n++;
		}
		if (n != bi.nchild)
			fail("cached dir %u has %u entries, XN counts other",
			     b, n);
	}
}

/* Install root "r2" at blk: its life starts before XN writes it. */
static void
root2(uint32_t blk)
{
	uint32_t ol;
	uint16_t ot;
	uint8_t op[NB / 8];

	if (blk >= NB) {
		xn_root_install(&x, 1, "r2", DIR, blk, NULL);
		return;
	}
	ol = life[blk];
	ot = ltype[blk];
	memcpy(op, par[blk], sizeof op);
	born(blk, DIR, NOPAR);
	if (xn_root_install(&x, 1, "r2", DIR, blk, NULL) != 0) {
		life[blk] = ol;
		ltype[blk] = ot;
		memcpy(par[blk], op, sizeof op);
	}
}

/*
 * xn_write_many of up to three writes: data magic into blk, a directory
 * header into blk + 1, and bytes at off into pa (an entry: XN refuses it
 * unless it leaves pa's pointers as they are).  The promise checked: it
 * stops at the first refused entry, *done is how many went in, and the
 * refused entry (which changed nothing) is refused again, with the same
 * error, by xn_write alone.
 */
static void
write_many(const uint8_t *a, uint32_t blk, uint32_t pa, uint32_t off,
           uint32_t len, uint32_t pr, uint32_t n, const uint8_t *bytes)
{
	struct xn_wr w[3];
	uint8_t h[8];
	uint32_t done = 99;
	int r, r2;

	p32(h, DIRMAG);
	p32(h + 4, a[6] % 8 == 0 ? 1 : 0);
	w[0] = (struct xn_wr){ blk, 0, 8, bytes };
	w[1] = (struct xn_wr){ blk + 1, 0, a[3] % 2 ? 8 : 4, h };
	w[2] = (struct xn_wr){ pa, off, len, bytes + 8 };
	if (a[7] & 8) {                 /* the entry first */
		w[0] = w[2];
		w[2] = (struct xn_wr){ blk, 0, 8, bytes };
	}
	r = xn_write_many(&x, pr, w, n, a[7] & 16 ? NULL : &done);
	if (a[7] & 16)
		return;
	if (done > n || (r == 0) != (done == n))
		fail("xn_write_many: result %u but done %u", (uint32_t)r, done);
	if (r != 0 && (r2 = xn_write(&x, pr, w[done].block, w[done].off,
	    w[done].len, w[done].bytes)) != r)
		fail("xn_write_many refused with %u, its entry alone %u",
		     (uint32_t)r, (uint32_t)r2);
}

void
xnfz_alloc_run(const uint8_t *d, size_t size, xnfz_fail_fn *fn)
{
	static int ready;
	struct xn_claim cl[3];
	uint8_t bytes[64];
	uint32_t blk, pa, to, off, off2, len, i, n, pr;
	size_t pos = 0;

	failfn = fn;
	if (!ready) {
		setup();
		ready = 1;
	}
	tracking = 0;
	memcpy(md.data, image, (size_t)NB * BS);
	if (xn_mount(&x, &rdisk, arena, alen, SLOTS, NULL))
		fail("mount of the formatted disk", 0, 0);
	/* odd-length inputs write back through the batched path */
	if (size % 2 && xn_set_batch(&x, &rec_batch))
		abort();
	memcpy(base, md.data, (size_t)NB * BS);
	memcpy(cmd.data, md.data, (size_t)NB * BS);
	memset(life, 0, sizeof life);
	memset(blife, 0, sizeof blife);
	memset(ltype, 0, sizeof ltype);
	memset(par, 0, sizeof par);
	ltype[ROOTBLK] = DIR;
	npend = 0;
	tracking = 1;
	while (pos + 8 <= size) {
		const uint8_t *a = d + pos;
		pos += 8;
		blk = a[1] % (NB + 4);
		pa = a[2] < 128 ? 40u + a[2] % 24u : a[2] - 128u;
		off = a[3] % 2 ? 16u + 8u * (a[4] % NENT) : (uint32_t)a[4] * 16;
		len = 1 + a[5] % 16;
		n = 1 + a[6] % 3;
		pr = a[6] % 4 ? 1 : 2;
		memset(bytes, 0, sizeof bytes);
		if (a[7] & 1) {         /* a plausible entry */
			p32(bytes, blk);
			p32(bytes + 4, a[7] & 2 ? DIR : XN_TYPE_DATA);
			len = a[7] & 4 ? 8 : len;
		} else if (pos + len <= size) {
			memcpy(bytes, d + pos, len);
			pos += len;
		}
		for (i = 0; i < n; i++) {
			cl[i].block = blk + i;
			cl[i].type = (a[7] & 2) ? DIR : XN_TYPE_DATA;
		}
		switch (a[0] % 9) {
		case 0: case 1:
			if (xn_alloc(&x, pr, pa, off, len, bytes, cl, n) == 0)
				for (i = 0; i < n; i++)
					born(cl[i].block, cl[i].type, pa);
			break;
		case 2:
			if (a[7] & 1)   /* plausible: empty the entry */
				memset(bytes, 0, sizeof bytes);
			xn_free(&x, 1, pa, off, len, bytes, cl, n);
			break;
		case 3: {
			uint8_t h[8];
			p32(h, DIRMAG);
			p32(h + 4, a[6] % 4 == 0 ? 1 : 0);
			xn_write(&x, 1, blk, 0, a[3] % 2 ? 8 : 4, h);
			break;
		}
		case 4:
			memset(bytes, 0x5a, sizeof bytes);
			p32(bytes, 0x30544144u);
			if (a[5] & 0x10)
				write_many(a, blk, pa, off, len, pr, n, bytes);
			else
				xn_write(&x, pr, blk, 0, 8, bytes);
			break;
		case 5:
			if (a[3] % 2) {
				uint32_t l[4] = { blk, pa, blk + 1, blk };
				void *pp[4];
				int res[4];

				for (i = 0; i < 4; i++)
					pp[i] = l[i] < NB ? pages[l[i]] : NULL;
				xn_bc_insert_many(&x, a[6] % 2, l, pp, 4, res);
			} else if (blk < NB)
				xn_bc_insert(&x, a[6] % 2, blk, pages[blk]);
			else
				xn_bc_insert(&x, 1, blk, NULL);
			break;
		case 6:
			if (a[3] % 2) {
				uint32_t l[3] = { blk, pa, blk + 1 };

				xn_writeback_many(&x, l, 3, NULL);
			} else {
				xn_writeback(&x, blk);
			}
			break;
		case 8:
			if (a[6] % 2)
				root2(blk);
			else
				xn_root_remove(&x, a[3] % 2, "r2");
			break;
		case 7: {
			/* even a[3]: evict; odd: move the claimed blocks from
			   pa (the change: bytes at off) to `to' (entry slot
			   from a[6] := {blk, type}) */
			uint8_t e[8];

			if (a[3] % 2 == 0) {
				xn_bc_evict(&x, a[6] % 2, blk);
				break;
			}
			to = a[5] < 128 ? 40u + a[5] % 24u : a[5] - 128u;
			off2 = 16 + 8 * (a[6] / 3 % NENT);
			if (a[7] & 1)
				memset(bytes, 0, 8);
			p32(e, blk);
			p32(e + 4, cl[0].type);
			if (xn_move(&x, pr, pa, off, len, bytes, to, off2, 8,
			            e, cl, n) == 0)
				for (i = 0; i < n; i++)
					par[cl[i].block][to / 8] |=
					    (uint8_t)(1u << to % 8);
			break;
		}
		}
		check_state();
	}
	if (npend)
		cut();
	tracking = 0;
}
