/*
 * cffstest.c: C-FFS inside a Xok environment, over XN's kernel calls
 * (libexos/xnclient.c) on a virtio disk.  Booted twice on one 32 MiB
 * image by cffstest.sh:
 *   phase 1: cffs_mkfs over XN, then mkdir, small and large files,
 *            readdir, rename across directories, link, symlink, unlink,
 *            truncate, fsync, sync, unmount (and a second mount in the
 *            same boot); then power off;
 *   phase 2: mount what phase 1 left and check all of it, contents
 *            included; add a file and remove a directory; unmount.
 * Then cffstest.sh checks the image with the host's fsck.cffs and cffs.
 * Runs as init: slot 0 holds the root capability (DISK_RAW reads).
 */
#include <exos/exos.h>
#include <exos/heap.h>
#include <exos/cffsdev.h>
#include <stdlib.h>
#include "check.h"

#define NBLOCKS   8192          /* 32 MiB */
#define SMALL     "small file, written in the guest over XN\n"
#define P2        "written by phase 2\n"
#define BIG_LEN   307200u       /* 75 blocks: direct and indirect */
#define BIG_TRUNC 100000u       /* 25 blocks after truncate */
/* More than XN's registry held before (512 entries) committed and cached
 * at once: 700 data blocks + 1 indirect block.  (The host suite writes a
 * file larger than C-FFS's whole cache, t_file_larger_than_cache; here it
 * would take minutes under nested KVM.) */
#define HUGE_BLOCKS 700u
#define HUGE_CHUNK  65536u
/* Free blocks after phase 1: 8192 - data_start (39) - the superblock's
 * block - 3 directory blocks (/, /a, /b; the empty /a/sub has none) -
 * /b/moved (1) - /a/big (25 + its indirect block) - the inode file's
 * first block (the link) - /a/sym (1). */
#define FREE_P1   (8192u - 39 - 1 - 3 - 1 - 26 - 1 - 1)

static struct cffs_bdev dev;
static struct cffs_fs *fs;
static uint8_t buf[BIG_LEN];

/* The big file is text the host can make too: "big %06d\n" lines. */
static uint8_t
big_byte(uint32_t i)
{
	static const char digits[] = "0123456789";
	uint32_t line = i / 11, col = i % 11, k;

	if (col < 4)
		return (uint8_t)"big "[col];
	if (col == 10)
		return '\n';
	for (k = 9; k > col; k--)
		line /= 10;
	return (uint8_t)digits[line % 10];
}

static int
big_ok(const uint8_t *p, uint32_t len)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		if (p[i] != big_byte(i))
			return 0;
	return 1;
}

/* Sorted, comma-separated names of a directory. */
struct names {
	char n[16][32];
	int count;
};

static int
name_fn(void *arg, const char *name, const struct cffs_stat *st)
{
	struct names *v = arg;

	(void)st;
	if (v->count < 16)
		strncpy(v->n[v->count++], name, 31);
	return 0;
}

static int
cmpname(const void *a, const void *b)
{
	return strcmp(a, b);
}

static const char *
listing(const char *path)
{
	static struct names v;
	static char out[16 * 33];
	size_t o = 0;
	int i, r;

	memset(&v, 0, sizeof(v));
	if ((r = cffs_readdir(fs, path, name_fn, &v)) < 0) {
		snprintf(out, sizeof(out), "error %d", r);
		return out;
	}
	qsort(v.n, (size_t)v.count, sizeof(v.n[0]), cmpname);
	out[0] = 0;
	for (i = 0; i < v.count; i++)
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%s",
		    i ? "," : "", v.n[i]);
	return out;
}

#define EXPECT_STR(name, got, want) do { \
	const char *g_ = (got); \
	if (strcmp(g_, want) == 0) printf("PASS: %s\n", name); \
	else { printf("FAIL: %s: got \"%s\", want \"%s\" (line %d)\n", \
	    name, g_, want, __LINE__); failures++; } \
} while (0)

static uint64_t
bfree(void)
{
	struct cffs_statfs sf;

	return cffs_statfs(fs, &sf) == 0 ? sf.bfree : 0;
}

static int
cmpu32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* libexos's malloc and qsort (stand-ins until musl), which C-FFS uses. */
static void
heap_checks(void)
{
	static uint8_t *p[64];
	static size_t len[64];
	static uint32_t v[1000];
	uint32_t seed = 12345, i, k, bad = 0;
	uint8_t *q;

	for (i = 0; i < 2000; i++) {
		seed = seed * 1103515245u + 12345u;
		k = (seed >> 16) % 64;
		if (p[k] != NULL) {
			for (size_t j = 0; j < len[k]; j++)
				if (p[k][j] != (uint8_t)(k + j))
					bad++;
			free(p[k]);
			p[k] = NULL;
			continue;
		}
		len[k] = 1 + (seed >> 8) % (i % 3 ? 3000 : 20000);
		if ((p[k] = malloc(len[k])) == NULL) {
			bad++;
			continue;
		}
		for (size_t j = 0; j < len[k]; j++)
			p[k][j] = (uint8_t)(k + j);
	}
	for (k = 0; k < 64; k++)
		free(p[k]);
	EXPECT_EQ("malloc: 2000 allocations and frees keep their bytes",
	    bad, 0);
	q = malloc(4096);
	EXPECT("malloc(4096) is one page-aligned page",
	    q != NULL && (uint64_t)q % 4096 == 0 && exos_heap_ppn(q) >= 0);
	free(q);
	q = calloc(300, 10);
	for (i = 0, bad = 0; q != NULL && i < 3000; i++)
		bad += q[i] != 0;
	EXPECT("calloc zeroes", q != NULL && bad == 0);
	for (i = 0; q != NULL && i < 3000; i++)
		q[i] = (uint8_t)i;
	q = realloc(q, 9000);
	for (i = 0, bad = 0; q != NULL && i < 3000; i++)
		bad += q[i] != (uint8_t)i;
	EXPECT("realloc keeps the bytes", q != NULL && bad == 0);
	free(q);
	EXPECT("calloc overflow refused", calloc((size_t)1 << 40,
	    (size_t)1 << 40) == NULL);
	for (i = 0; i < 1000; i++)
		v[i] = (i * 2654435761u) % 977;
	qsort(v, 1000, sizeof(v[0]), cmpu32);
	for (i = 1, bad = 0; i < 1000; i++)
		bad += v[i - 1] > v[i];
	EXPECT_EQ("qsort of 1000 numbers", bad, 0);
}

/*
 * A large file written in one go through XN's kernel calls: more than
 * 512 blocks committed and cached at once, then read back, unlinked, and
 * every block free again.
 */
static void
huge_file(void)
{
	static uint8_t chunk[HUGE_CHUNK];
	uint64_t before = bfree(), len = (uint64_t)HUGE_BLOCKS * 4096, off;
	struct cffs_stat st;
	long n = 0, r;
	uint32_t bad = 0, i;

	EXPECT_EQ("create /a/huge", cffs_create(fs, "/a/huge", 0644, 0, 0), 0);
	for (off = 0; off < len && n == 0; off += HUGE_CHUNK) {
		uint32_t k = (uint32_t)(len - off < HUGE_CHUNK ? len - off :
		    HUGE_CHUNK);

		memset(chunk, (int)(off / HUGE_CHUNK * 7 + 1), k);
		if ((r = cffs_write(fs, "/a/huge", off, chunk, k)) != (long)k)
			n = r < 0 ? r : -1;
	}
	EXPECT_EQ("write a 700-block file", n, 0);
	EXPECT_EQ("sync it", cffs_sync(fs), 0);
	EXPECT_EQ("stat /a/huge", cffs_stat(fs, "/a/huge", &st), 0);
	EXPECT("huge: 700 blocks + 1 indirect, all taken from the free map",
	    st.size == len && st.blocks == HUGE_BLOCKS + 1 &&
	    bfree() == before - st.blocks);
	for (off = 0; off < len; off += HUGE_CHUNK) {
		uint32_t k = (uint32_t)(len - off < HUGE_CHUNK ? len - off :
		    HUGE_CHUNK);

		if (cffs_read(fs, "/a/huge", off, chunk, k) != (long)k) {
			bad++;
			continue;
		}
		for (i = 0; i < k; i++)
			bad += chunk[i] != (uint8_t)(off / HUGE_CHUNK * 7 + 1);
	}
	EXPECT_EQ("huge file contents", bad, 0);
	EXPECT_EQ("unlink /a/huge", cffs_unlink(fs, "/a/huge"), 0);
	EXPECT_EQ("sync after unlink", cffs_sync(fs), 0);
	EXPECT_EQ("all its blocks free again", bfree(), before);
}

static void
phase1(void)
{
	struct xok_xn_stat st;
	struct cffs_stat s1, s2;
	uint64_t before;
	uint32_t i;
	long n;
	char lk[64];

	heap_checks();
	EXPECT_EQ("block device over DISK_RAW", exos_cffs_bdev(&dev), 0);
	EXPECT_EQ("disk size in blocks", dev.nblocks, NBLOCKS);
	sys_xn_stat(&st);
	EXPECT_EQ("fresh disk: XN not mounted", st.mounted, 0);
	EXPECT_EQ("cffs_mkfs over XN", cffs_mkfs(&dev, dev.nblocks), 0);
	sys_xn_stat(&st);
	EXPECT_EQ("XN mounted by the format", st.mounted, 1);
	EXPECT_EQ("cffs_mount", cffs_mount(&dev, 0, &fs), 0);
	EXPECT_EQ("runs over XN", cffs_on_xn(fs), 1);
	EXPECT_EQ("fresh file system: free blocks", bfree(), 8192 - 39 - 1);

	EXPECT_EQ("mkdir /a", cffs_mkdir(fs, "/a", 0755, 0, 0), 0);
	EXPECT_EQ("mkdir /b", cffs_mkdir(fs, "/b", 0755, 0, 0), 0);
	EXPECT_EQ("mkdir /a/sub", cffs_mkdir(fs, "/a/sub", 0700, 0, 0), 0);
	EXPECT_EQ("mkdir /a again", cffs_mkdir(fs, "/a", 0755, 0, 0),
	    -CFFS_EEXIST);

	EXPECT_EQ("create /a/small", cffs_create(fs, "/a/small", 0644, 0, 0),
	    0);
	EXPECT_EQ("write /a/small", cffs_write(fs, "/a/small", 0, SMALL,
	    sizeof(SMALL) - 1), sizeof(SMALL) - 1);
	memset(buf, 0, 100);
	EXPECT_EQ("read /a/small", cffs_read(fs, "/a/small", 0, buf, 100),
	    sizeof(SMALL) - 1);
	EXPECT("small file contents", memcmp(buf, SMALL, sizeof(SMALL) - 1)
	    == 0);

	EXPECT_EQ("create /a/big", cffs_create(fs, "/a/big", 0600, 0, 0), 0);
	for (i = 0; i < BIG_LEN; i++)
		buf[i] = big_byte(i);
	for (i = 0, n = 0; i < BIG_LEN; i += 10000) {
		uint32_t len = BIG_LEN - i < 10000 ? BIG_LEN - i : 10000;

		if (cffs_write(fs, "/a/big", i, buf + i, len) != (long)len)
			n = -1;
	}
	EXPECT_EQ("write /a/big in 10000-byte pieces", n, 0);
	memset(buf, 0, BIG_LEN);
	EXPECT_EQ("read /a/big", cffs_read(fs, "/a/big", 0, buf, BIG_LEN),
	    BIG_LEN);
	EXPECT("big file contents", big_ok(buf, BIG_LEN));
	EXPECT_EQ("stat /a/big", cffs_stat(fs, "/a/big", &s1), 0);
	EXPECT("big: 307200 bytes in 75 blocks + 1 indirect",
	    s1.size == BIG_LEN && s1.blocks == 76);
	EXPECT_STR("readdir /a", listing("/a"), "big,small,sub");
	EXPECT_STR("readdir /", listing("/"), "a,b");

	EXPECT_EQ("rename /a/small to /b/moved",
	    cffs_rename(fs, "/a/small", "/b/moved"), 0);
	EXPECT_EQ("old name gone", cffs_stat(fs, "/a/small", &s1),
	    -CFFS_ENOENT);
	memset(buf, 0, 100);
	EXPECT_EQ("read /b/moved", cffs_read(fs, "/b/moved", 0, buf, 100),
	    sizeof(SMALL) - 1);
	EXPECT("moved file contents", memcmp(buf, SMALL, sizeof(SMALL) - 1)
	    == 0);

	EXPECT_EQ("link /b/moved /a/hard", cffs_link(fs, "/b/moved",
	    "/a/hard"), 0);
	cffs_stat(fs, "/b/moved", &s1);
	cffs_stat(fs, "/a/hard", &s2);
	EXPECT("both names: one external inode, 2 links", s1.ino == s2.ino &&
	    s1.nlink == 2 && s2.nlink == 2 && !s1.embedded);

	EXPECT_EQ("symlink /a/sym -> /b/moved", cffs_symlink(fs, "/b/moved",
	    "/a/sym", 0, 0), 0);
	memset(lk, 0, sizeof(lk));
	EXPECT_EQ("readlink /a/sym", cffs_readlink(fs, "/a/sym", lk,
	    sizeof(lk)), 8);
	EXPECT_STR("symlink target", lk, "/b/moved");

	cffs_sync(fs);
	before = bfree();
	EXPECT_EQ("create /a/gone", cffs_create(fs, "/a/gone", 0644, 0, 0), 0);
	EXPECT_EQ("write /a/gone", cffs_write(fs, "/a/gone", 0, buf, 5000),
	    5000);
	EXPECT_EQ("fsync /a/gone", cffs_fsync(fs, "/a/gone"), 0);
	EXPECT_EQ("two blocks taken", bfree(), before - 2);
	EXPECT_EQ("unlink /a/gone", cffs_unlink(fs, "/a/gone"), 0);
	EXPECT_EQ("unlinked name gone", cffs_stat(fs, "/a/gone", &s1),
	    -CFFS_ENOENT);
	EXPECT_EQ("sync after unlink", cffs_sync(fs), 0);
	EXPECT_EQ("its blocks are free again", bfree(), before);
	huge_file();

	EXPECT_EQ("truncate /a/big to 100000", cffs_truncate(fs, "/a/big",
	    BIG_TRUNC), 0);
	cffs_stat(fs, "/a/big", &s1);
	EXPECT("big: 100000 bytes in 25 blocks + 1 indirect",
	    s1.size == BIG_TRUNC && s1.blocks == 26);
	EXPECT_EQ("fsync /a/big", cffs_fsync(fs, "/a/big"), 0);
	EXPECT_STR("readdir /a after all that", listing("/a"),
	    "big,hard,sub,sym");
	EXPECT_EQ("sync", cffs_sync(fs), 0);
	EXPECT_EQ("free blocks after phase 1", bfree(), FREE_P1);
	EXPECT_EQ("unmount", cffs_unmount(fs), 0);

	/* again in the same boot: unmount gave XN's cache entries back */
	EXPECT_EQ("mount again", cffs_mount(&dev, 0, &fs), 0);
	memset(buf, 0, 100);
	EXPECT_EQ("read /a/hard", cffs_read(fs, "/a/hard", 0, buf, 100),
	    sizeof(SMALL) - 1);
	EXPECT("hard link contents", memcmp(buf, SMALL, sizeof(SMALL) - 1)
	    == 0);
	EXPECT_EQ("free blocks recounted from XN", bfree(), FREE_P1);
	EXPECT_EQ("unmount again", cffs_unmount(fs), 0);

	EXPECT_EQ("no block written around XN", exos_cffs_raw_writes(), 0);
	EXPECT_EQ("every cache page came back from XN", exos_heap_stuck(), 0);
}

static void
phase2(void)
{
	struct xok_xn_stat st;
	struct cffs_stat s1, s2;
	char lk[64];

	EXPECT_EQ("block device over DISK_RAW", exos_cffs_bdev(&dev), 0);
	sys_xn_stat(&st);
	EXPECT("XN mounted at boot: 5 templates, 1 root, nothing leaked",
	    st.mounted == 1 && st.templates == 5 && st.roots == 1 &&
	    st.leaked == 0 && st.map_fixed == 0);
	EXPECT_EQ("cffs_mount", cffs_mount(&dev, 0, &fs), 0);
	EXPECT_EQ("free blocks as phase 1 left them", bfree(), FREE_P1);
	EXPECT_STR("readdir /", listing("/"), "a,b");
	EXPECT_STR("readdir /a", listing("/a"), "big,hard,sub,sym");
	EXPECT_STR("readdir /b", listing("/b"), "moved");
	EXPECT_STR("readdir /a/sub", listing("/a/sub"), "");

	memset(buf, 0, 100);
	EXPECT_EQ("read /b/moved", cffs_read(fs, "/b/moved", 0, buf, 100),
	    sizeof(SMALL) - 1);
	EXPECT("moved file contents", memcmp(buf, SMALL, sizeof(SMALL) - 1)
	    == 0);
	EXPECT_EQ("old name still gone", cffs_stat(fs, "/a/small", &s1),
	    -CFFS_ENOENT);
	EXPECT_EQ("unlinked file still gone", cffs_stat(fs, "/a/gone", &s1),
	    -CFFS_ENOENT);
	cffs_stat(fs, "/b/moved", &s1);
	cffs_stat(fs, "/a/hard", &s2);
	EXPECT("link survived: one inode, 2 links", s1.ino == s2.ino &&
	    s1.nlink == 2 && s1.size == sizeof(SMALL) - 1);
	memset(lk, 0, sizeof(lk));
	EXPECT_EQ("readlink /a/sym", cffs_readlink(fs, "/a/sym", lk,
	    sizeof(lk)), 8);
	EXPECT_STR("symlink target", lk, "/b/moved");
	EXPECT_EQ("stat /a/big", cffs_stat(fs, "/a/big", &s1), 0);
	EXPECT("big: 100000 bytes in 26 blocks", s1.size == BIG_TRUNC &&
	    s1.blocks == 26);
	memset(buf, 0, BIG_LEN);
	EXPECT_EQ("read /a/big to the end", cffs_read(fs, "/a/big", 0, buf,
	    BIG_LEN), BIG_TRUNC);
	EXPECT("big file contents", big_ok(buf, BIG_TRUNC));
	EXPECT_EQ("stat /a/sub", cffs_stat(fs, "/a/sub", &s1), 0);
	EXPECT("sub: an empty directory, mode 0700, no blocks",
	    s1.mode == (CFFS_S_IFDIR | 0700) && s1.nlink == 2 &&
	    s1.blocks == 0);

	EXPECT_EQ("create /b/p2", cffs_create(fs, "/b/p2", 0644, 0, 0), 0);
	EXPECT_EQ("write /b/p2", cffs_write(fs, "/b/p2", 0, P2,
	    sizeof(P2) - 1), sizeof(P2) - 1);
	EXPECT_EQ("rmdir /a/sub", cffs_rmdir(fs, "/a/sub"), 0);
	EXPECT_EQ("unmount", cffs_unmount(fs), 0);
	EXPECT_EQ("no block written around XN", exos_cffs_raw_writes(), 0);
	EXPECT_EQ("every cache page came back from XN", exos_heap_stuck(), 0);
}

static const char *
phase_arg(void)
{
	const char *s = (const char *)XOK_INFO->modules[0].name;

	while (*s && *s != ' ')
		s++;
	while (*s == ' ')
		s++;
	return s;
}

int
main(uint64_t arg)
{
	const char *phase = phase_arg();
	uint64_t t0 = xok_ticks();

	(void)arg;
	printf("cffstest: phase %s\n", phase);
	if (phase[0] == '2')
		phase2();
	else
		phase1();
	printf("cffstest: phase %s took %lu ms\n", phase,
	    (xok_ticks() - t0) * 1000 / XOK_INFO->hz);
	printf("ALL-DONE\n");
	sys_shutdown(0, failures ? 1 : 0);
	return 0;
}
