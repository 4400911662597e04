/*
 * xn/fuzz/fuzz_alloc.c: libFuzzer target for the XN calls.  The input is
 * a sequence of calls (alloc, free, write, write-back single and batched,
 * registry inserts single and batched, evictions, roots) with fuzzed
 * arguments, run on a small formatted memory disk (odd-length inputs
 * with its write_many and read_many attached).  Properties:
 * no call crashes; afterwards XN's per-block state agrees with what the
 * cached directory blocks point to; and the disk as it stands (a crash at
 * that instant) mounts and every reachable pointer leads to a block that
 * was initialised with the type the pointer names.
 */
#include <xn/xn.h>
#include <xn/host.h>
#include <stdlib.h>

#define NB      128
#define SLOTS   32
#define DIR     16
#define DIRMAG  0x31524944u
#define NENT    32

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

static struct xn_memdisk md, cmd;
static uint8_t *image;
static void *arena;
static size_t alen;
static struct xn x, cx;
static uint8_t pages[NB][XN_BLOCK_SIZE];
static uint8_t wrote[NB];      /* type last written into block (test's view) */

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

static void
setup(void)
{
	struct xn_template t;
	uint8_t buf[XN_BLOCK_SIZE];

	if (xn_memdisk_init(&md, NB) || xn_memdisk_init(&cmd, NB))
		abort();
	memset(md.data, 0xde, (size_t)NB * XN_BLOCK_SIZE);
	alen = xn_arena_size(NB, SLOTS);
	arena = malloc(alen);
	image = malloc((size_t)NB * XN_BLOCK_SIZE);
	if (xn_format(&md.disk, NB, buf) ||
	    xn_mount(&x, &md.disk, arena, alen, SLOTS, NULL))
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
	if (xn_root_install(&x, 1, "fs", DIR, 40, buf))
		abort();
	if (xn_unmount(&x))
		abort();
	memcpy(image, md.data, (size_t)NB * XN_BLOCK_SIZE);
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
				abort();
			n++;
		}
		if (n != bi.nchild)
			abort();
	}
}

/* Mount the disk as left (crash now) and walk it. */
static void
check_crash(void)
{
	uint32_t stack[NB], sp = 0, b, c, t, i, rb;
	uint8_t seen[NB] = { 0 };
	const uint8_t *p;

	memcpy(cmd.data, md.data, (size_t)NB * XN_BLOCK_SIZE);
	if (xn_mount(&cx, &cmd.disk, arena, alen, SLOTS, NULL))
		abort();
	if (xn_root_lookup(&cx, "fs", &rb, NULL) == 0)
		stack[sp++] = rb;
	while (sp) {
		b = stack[--sp];
		p = cmd.data + (size_t)b * XN_BLOCK_SIZE;
		if (g32(p) != DIRMAG && b != 40)
			abort();
		for (i = 0; i < NENT; i++) {
			c = g32(p + 16 + 8 * i);
			t = g32(p + 20 + 8 * i);
			if (c == 0)
				continue;
			if (c >= NB || seen[c])
				abort();
			seen[c] = 1;
			/* initialised as the type the pointer names */
			if (t == DIR) {
				if (g32(cmd.data + (size_t)c * XN_BLOCK_SIZE) != DIRMAG)
					abort();
				stack[sp++] = c;
			} else if (g32(cmd.data + (size_t)c * XN_BLOCK_SIZE) ==
			           0xdededede) {
				abort();
			}
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t size)
{
	static int ready;
	struct xn_claim cl[3];
	uint8_t bytes[64];
	uint32_t blk, par, off, len, i, n;
	size_t pos = 0;

	if (!ready) {
		setup();
		ready = 1;
	}
	memcpy(md.data, image, (size_t)NB * XN_BLOCK_SIZE);
	memset(wrote, 0, sizeof wrote);
	/* Fuzzer's arena is shared with the crash mount: remount first. */
	if (xn_mount(&x, &md.disk, arena, alen, SLOTS, NULL))
		abort();
	/* odd-length inputs write back through the batched path */
	if (size % 2 && xn_set_batch(&x, &xn_memdisk_batch))
		abort();
	while (pos + 8 <= size) {
		const uint8_t *a = d + pos;
		pos += 8;
		blk = a[1] % (NB + 4);
		par = a[2] < 128 ? 40 + a[2] % 24 : a[2] - 128u;
		off = a[3] % 2 ? 16 + 8 * (a[4] % NENT) : (uint32_t)a[4] * 16;
		len = 1 + a[5] % 16;
		n = 1 + a[6] % 3;
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
			xn_alloc(&x, a[6] % 4 ? 1 : 2, par, off, len, bytes, cl, n);
			break;
		case 2:
			xn_free(&x, 1, par, off, len, bytes, cl, n);
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
			xn_write(&x, a[6] % 4 ? 1 : 2, blk, 0, 8, bytes);
			break;
		case 5:
			if (a[3] % 2) {
				uint32_t l[4] = { blk, par, blk + 1, blk };
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
				uint32_t l[3] = { blk, par, blk + 1 };

				xn_writeback_many(&x, l, 3, NULL);
			} else {
				xn_writeback(&x, blk);
			}
			break;
		case 7:
			xn_bc_evict(&x, a[6] % 2, blk);
			break;
		case 8:
			if (a[6] % 2)
				xn_root_install(&x, 1, "r2", DIR, blk, NULL);
			else
				xn_root_remove(&x, a[3] % 2, "r2");
			break;
		}
		check_state();
	}
	check_crash();
	return 0;
}
