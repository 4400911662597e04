/*
 * constest.c: console input (CONS_READ, xok/consin.c), driven by
 * tests/guest/constest.sh, which watches the console output and types
 * into the serial console's input:
 *
 *   1. With no input yet: the capability check (an empty slot, a name
 *      that does not dominate the console guard, the guard without R, a
 *      child holding only its own name, then granted the console name),
 *      len 0, a huge len, and a read with nothing waiting (returns 0 at
 *      once, never blocks in the kernel).
 *   2. "constest: type a line": the script types LINE one key at a time.
 *      A child granted the console name is already asleep in
 *      exos_cons_read (the counter predicate) and must wake with the
 *      first key.  With the rest waiting, reads into bad buffers (kernel half,
 *      non-canonical, unmapped, read-only, straddling into an unmapped
 *      page) fail with -XE_FAULT and take nothing; then the rest of the
 *      line reads back exactly.
 *   3. "constest: paste": the script sends "<size> <cksum>\n" and <size>
 *      random bytes at full speed, far more than the kernel's ring.  We
 *      let the ring fill (flow control must hold the rest back), wait,
 *      then read it all in odd-sized pieces: the POSIX cksum and the
 *      count must match, with no overrun.
 *
 * Prints "PASS: name" or "FAIL: name ..." per check, then ALL-DONE.
 */
#include "check.h"
#include "role.h"

#define LINE "hello, xok: typed one key at a time"
#define SHARED_VA   0x0000000500000000UL
#define SHARED      ((volatile uint64_t *)SHARED_VA)
#define BUF_VA      0x0000000600000000UL   /* one page; the next unmapped */
#define UNMAPPED_VA 0x0000000700000000UL
#define CONSOLE_SLOT 3                      /* ours: [0xfd] with R */

enum role { R_DRIVER = 0, R_CHILD, R_READER };
enum { C_NOCAP, C_OWN, C_GRANTED, C_DONE };     /* the child's answers */
enum { RD_RESULT, RD_BYTE, RD_DONE };           /* the reader's */

static uint8_t big[2 * XOK_CONS_RING];

static uint64_t
waiting(void)
{
	return XOK_INFO->cons_rx - XOK_INFO->cons_rd;
}

/* Sleep until at least `need` bytes wait or `ms` pass: 1 if they wait. */
static int
wait_bytes(uint64_t need, uint64_t ms)
{
	uint64_t deadline = xok_ticks() + ms * XOK_INFO->hz / 1000;
	struct xok_pred_insn p[10] = {
		{ .op = XP_LDK, .a = 0,
		  .imm = __builtin_offsetof(struct xok_info, cons_rx) },
		{ .op = XP_LDK, .a = 1,
		  .imm = __builtin_offsetof(struct xok_info, cons_rd) },
		{ .op = XP_SUB, .a = 0, .b = 1 },
		{ .op = XP_LDI, .a = 1, .imm = need },
		{ .op = XP_GEU, .a = 0, .b = 1 },
		{ .op = XP_LDK, .a = 2,
		  .imm = __builtin_offsetof(struct xok_info, ticks) },
		{ .op = XP_LDI, .a = 3, .imm = deadline },
		{ .op = XP_GEU, .a = 2, .b = 3 },
		{ .op = XP_OR, .a = 0, .b = 2 },
		{ .op = XP_RET, .a = 0 },
	};

	if (sys_sleep(p, 10) < 0)
		return 0;
	return waiting() >= need;
}

static struct xok_cap
console_cap(unsigned rights)
{
	struct xok_cap c = { .valid = 1, .len = 1, .rights = (uint8_t)rights,
	    .name = { XOK_CAPNAME_CONSOLE } };

	return c;
}

/* ---- 1. the capability, edge values, nothing waiting ----------------- */

static int
child_main(void)
{
	char b[16];

	SHARED[C_NOCAP] = (uint64_t)sys_cons_read(b, sizeof(b), 9);
	SHARED[C_OWN] = (uint64_t)sys_cons_read(b, sizeof(b), 0);
	SHARED[C_GRANTED] = (uint64_t)sys_cons_read(b, sizeof(b), 1);
	SHARED[C_DONE] = 1;
	return 0;
}

/* The blocking reader: exos_cons_read sleeps on the counter predicate. */
static int
reader_main(void)
{
	uint8_t c = 0;

	SHARED[RD_RESULT] = (uint64_t)exos_cons_read(1, &c, 1);
	SHARED[RD_BYTE] = c;
	SHARED[RD_DONE] = 1;
	return 0;
}

/* A copy of us in `role`, granted the console name (R) in slot 1, started. */
static int64_t
spawn_child(enum role role, volatile uint64_t **sh)
{
	static const void *image;
	static uint64_t size;
	struct xok_cap c = console_cap(XOK_CAP_R);
	int64_t child;

	if (image == NULL)
		image = exos_module("constest.elf", &size);
	if (image == NULL)
		return -XE_NOENT;
	struct exos_spawn sp = { .image = image, .size = size, .arg = role,
	    .slices = 1, .start = 0 };
	if ((child = role_spawn(&sp, SHARED_VA, sh, NULL)) < 0)
		return child;
	if (sys_cap_grant((uint64_t)child, 0, 0, 1, &c) < 0 ||
	    sys_env_set_status((uint64_t)child, 0, XOK_ENV_RUNNABLE) < 0)
		return -XE_INVAL;
	return child;
}

static void
test_child(void)
{
	volatile uint64_t *sh;
	int64_t child;
	uint64_t end;

	child = spawn_child(R_CHILD, &sh);
	EXPECT("child: spawned, granted the console name in slot 1, started",
	    child > 0);
	if (child <= 0)
		return;
	end = xok_ticks() + 5 * XOK_INFO->hz;
	while (!sh[C_DONE] && xok_ticks() < end)
		sys_yield(XOK_SELF);
	EXPECT("child: ran", sh[C_DONE] == 1);
	EXPECT_EQ("child: an empty slot is -XE_NOCAP", (int64_t)sh[C_NOCAP],
	    -XE_NOCAP);
	EXPECT_EQ("child: its own name (not the console's) is -XE_PERM",
	    (int64_t)sh[C_OWN], -XE_PERM);
	EXPECT_EQ("child: the granted console name reads (nothing waits)",
	    (int64_t)sh[C_GRANTED], 0);
}

static void
test_no_input(void)
{
	struct xok_cap mine = { .valid = 1, .len = 1, .rights = XOK_CAP_ALL,
	    .name = { 0x20 } }, wonly = console_cap(XOK_CAP_W),
	    con = console_cap(XOK_CAP_R);
	char b[64];
	uint64_t t0, t1;
	int64_t r;

	EXPECT_EQ("nocap: slot 16 is -XE_NOCAP", sys_cons_read(b, 1, 16),
	    -XE_NOCAP);
	EXPECT_EQ("nocap: slot ~0 is -XE_NOCAP", sys_cons_read(b, 1, ~0u),
	    -XE_NOCAP);
	EXPECT_EQ("nocap: an empty slot is -XE_NOCAP", sys_cons_read(b, 1, 7),
	    -XE_NOCAP);
	EXPECT_EQ("grant [0x20] to slot 1", sys_cap_grant(XOK_SELF, 0, 0, 1,
	    &mine), 0);
	EXPECT_EQ("perm: a name not dominating the console is -XE_PERM",
	    sys_cons_read(b, 1, 1), -XE_PERM);
	EXPECT_EQ("grant [0xfd] W-only to slot 2",
	    sys_cap_grant(XOK_SELF, 0, 0, 2, &wonly), 0);
	EXPECT_EQ("perm: the console name without R is -XE_PERM",
	    sys_cons_read(b, 1, 2), -XE_PERM);
	EXPECT_EQ("perm: bad pointer and no capability: -XE_PERM first",
	    sys_cons_read((void *)0xffff800000000000UL, 1, 1), -XE_PERM);
	EXPECT_EQ("grant [0xfd] R to slot 3",
	    sys_cap_grant(XOK_SELF, 0, 0, CONSOLE_SLOT, &con), 0);
	EXPECT_EQ("root: the root capability reads", sys_cons_read(b, 1, 0),
	    0);
	EXPECT_EQ("console cap: nothing waits, returns 0",
	    sys_cons_read(b, sizeof(b), CONSOLE_SLOT), 0);
	EXPECT_EQ("len 0: 0", sys_cons_read(b, 0, CONSOLE_SLOT), 0);
	EXPECT_EQ("len 0: 0 whatever the pointer",
	    sys_cons_read((void *)0xffff800000000000UL, 0, CONSOLE_SLOT), 0);
	EXPECT_EQ("huge len, nothing waits: 0",
	    sys_cons_read(big, ~0UL, CONSOLE_SLOT), 0);
	EXPECT_EQ("huge len from the kernel half: -XE_FAULT",
	    sys_cons_read((void *)0xffff800000000000UL, ~0UL, CONSOLE_SLOT),
	    -XE_FAULT);
	EXPECT_EQ("len wrapping the address space: -XE_FAULT",
	    sys_cons_read((void *)(XOK_UVA_END - 16), 4096, CONSOLE_SLOT),
	    -XE_FAULT);
	t0 = rdtsc();
	r = 0;
	for (int i = 0; i < 1000 && r == 0; i++)
		r = sys_cons_read(b, sizeof(b), CONSOLE_SLOT);
	t1 = rdtsc();
	EXPECT_EQ("nothing waits: 1000 reads return 0", r, 0);
	printf("constest: 1000 empty reads took %lu us\n",
	    (t1 - t0) / (XOK_INFO->tsc_hz / 1000000));
	EXPECT("nothing waits: the reads never block (under 1 s for 1000)",
	    t1 - t0 < XOK_INFO->tsc_hz);
	EXPECT_EQ("no input counted yet", XOK_INFO->cons_rx, 0);
}

/* ---- 2. a typed line; bad buffers while it waits ----------------------- */

static void
test_typed_line(void)
{
	uint64_t t0, rd0, end, n = sizeof(LINE) - 1;    /* after the 'h' */
	volatile uint64_t *sh;
	int64_t r, reader;
	char *buf = (char *)BUF_VA;

	EXPECT_EQ("map a buffer page", exos_map_new(BUF_VA, 1, XOK_PTE_W), 0);
	reader = spawn_child(R_READER, &sh);
	EXPECT("typed: a reader child started", reader > 0);
	end = xok_ticks() + 5 * XOK_INFO->hz;
	while (reader > 0 && xok_ticks() < end &&
	    xok_env_info((uint64_t)reader)->state != XOK_ENV_SLEEPING)
		sys_yield(XOK_SELF);
	EXPECT("typed: the reader sleeps in exos_cons_read (no input yet)",
	    reader > 0 &&
	    xok_env_info((uint64_t)reader)->state == XOK_ENV_SLEEPING);
	printf("constest: type a line\n");
	t0 = xok_ticks();
	end = t0 + 20 * XOK_INFO->hz;
	while (!sh[RD_DONE] && xok_ticks() < end)
		exos_sleep_until_tick(xok_ticks() + 1);
	printf("constest: the reader woke after %lu ticks\n",
	    xok_ticks() - t0);
	EXPECT("typed: the reader woke when input came",
	    sh[RD_DONE] == 1 && xok_ticks() - t0 >= XOK_INFO->hz / 5);
	EXPECT_EQ("typed: it read one byte", (int64_t)sh[RD_RESULT], 1);
	EXPECT_EQ("typed: the first key", sh[RD_BYTE], LINE[0]);
	if (reader > 0 && !sh[RD_DONE])
		sys_env_destroy((uint64_t)reader, 0, 1);
	t0 = xok_ticks();
	EXPECT("typed: the rest of the line arrives (sleeping on the counters)",
	    wait_bytes(n, 20000));
	EXPECT("typed: that sleep woke on input, not its deadline",
	    xok_ticks() - t0 < 19 * XOK_INFO->hz);
	EXPECT_EQ("typed: exactly the rest of the line waits", waiting(), n);

	rd0 = XOK_INFO->cons_rd;
	EXPECT_EQ("fault: kernel-half buffer",
	    sys_cons_read((void *)0xffff800000001000UL, n, CONSOLE_SLOT),
	    -XE_FAULT);
	EXPECT_EQ("fault: kernel image",
	    sys_cons_read((void *)0xffffffff80100000UL, 1, CONSOLE_SLOT),
	    -XE_FAULT);
	EXPECT_EQ("fault: non-canonical buffer",
	    sys_cons_read((void *)0x0000800000000000UL, n, CONSOLE_SLOT),
	    -XE_FAULT);
	EXPECT_EQ("fault: the exported state (read-only)",
	    sys_cons_read((void *)XOK_INFO_VA, n, CONSOLE_SLOT), -XE_FAULT);
	EXPECT_EQ("fault: unmapped buffer",
	    sys_cons_read((void *)UNMAPPED_VA, n, CONSOLE_SLOT), -XE_FAULT);
	EXPECT_EQ("fault: NULL", sys_cons_read(NULL, n, CONSOLE_SLOT),
	    -XE_FAULT);
	EXPECT_EQ("fault: our own code (read-only)",
	    sys_cons_read((void *)(uint64_t)main, n, CONSOLE_SLOT), -XE_FAULT);
	EXPECT_EQ("fault: a buffer running into an unmapped page",
	    sys_cons_read(buf + XOK_PGSIZE - n / 2, n, CONSOLE_SLOT),
	    -XE_FAULT);
	EXPECT_EQ("fault: nothing was taken by the faults",
	    XOK_INFO->cons_rd, rd0);
	EXPECT_EQ("fault: the line still waits", waiting(), n);

	r = sys_cons_read(buf, 5, CONSOLE_SLOT);
	EXPECT_EQ("typed: a read of 5 takes 5", r, 5);
	r = sys_cons_read(buf + 5, ~0UL, CONSOLE_SLOT);
	EXPECT_EQ("typed: a huge len takes the rest", r, (int64_t)n - 5);
	EXPECT_EQ("typed: counters agree", XOK_INFO->cons_rd, XOK_INFO->cons_rx);
	{
		char show[sizeof(LINE)];

		memcpy(show, buf, n - 1);
		show[n - 1] = 0;
		printf("constest: read back \"%c%s\"\n", (char)sh[RD_BYTE],
		    show);
	}
	EXPECT("typed: the line reads back exactly (with its newline)",
	    memcmp(buf, &(LINE "\n")[1], n) == 0);
	EXPECT_EQ("typed: nothing more waits",
	    sys_cons_read(buf, XOK_PGSIZE, CONSOLE_SLOT), 0);
}

/* ---- 3. a full-speed paste larger than the ring ------------------------ */

/* POSIX cksum: CRC-32 (polynomial 0x04c11db7, MSB first) of the data and
 * then of its length, least significant byte first, inverted. */
static uint32_t
crc_step(uint32_t crc, uint8_t b)
{
	crc ^= (uint32_t)b << 24;
	for (int i = 0; i < 8; i++)
		crc = crc & 0x80000000u ? crc << 1 ^ 0x04c11db7u : crc << 1;
	return crc;
}

static uint32_t
crc_finish(uint32_t crc, uint64_t len)
{
	for (; len != 0; len >>= 8)
		crc = crc_step(crc, (uint8_t)len);
	return ~crc;
}

/* Read one byte of the header line (blocking, with a deadline). */
static int
header_byte(void)
{
	uint8_t c;

	if (!wait_bytes(1, 20000) || sys_cons_read(&c, 1, CONSOLE_SLOT) != 1)
		return -1;
	return c;
}

static void
test_paste(void)
{
	static const uint64_t pieces[] = { 1, 7, 100, 4096, 3000, 13, 2048,
	    4095, 512, 65536 };
	uint64_t size = 0, sum = 0, got = 0, stalls0, i, ov0, rx, slow;
	uint32_t crc = 0;
	int c, field = 0;
	int64_t r;

	ov0 = XOK_INFO->cons_overruns;
	stalls0 = XOK_INFO->cons_stalls;
	printf("constest: paste\n");
	/* "<size> <cksum>\n" */
	while ((c = header_byte()) >= 0 && c != '\n') {
		if (c == ' ')
			field = 1;
		else if (c >= '0' && c <= '9' && !field)
			size = size * 10 + (uint64_t)(c - '0');
		else if (c >= '0' && c <= '9')
			sum = sum * 10 + (uint64_t)(c - '0');
		else
			break;
	}
	printf("constest: paste of %lu bytes, cksum %lu\n", size, sum);
	EXPECT("paste: header read", c == '\n' && size > 2 * XOK_CONS_RING);
	if (c != '\n')
		return;
	/* Let the ring fill; the rest must wait in the UART and in QEMU. */
	EXPECT("paste: the ring fills", wait_bytes(XOK_CONS_RING, 20000));
	rx = XOK_INFO->cons_rx;
	exos_sleep_until_tick(xok_ticks() + XOK_INFO->hz / 5);
	EXPECT_EQ("paste: a full ring takes no more", XOK_INFO->cons_rx, rx);
	EXPECT("paste: flow control held input back",
	    XOK_INFO->cons_stalls > stalls0);
	for (i = 0, slow = 16384; got < size; i++) {
		uint64_t want = pieces[i % (sizeof(pieces) / sizeof(pieces[0]))];

		if (want > size - got)
			want = size - got;
		/* Every 16 KiB a slow reader: the ring fills up again and
		 * the rest must be held back. */
		if (got >= slow && size - got >= 2 * XOK_CONS_RING) {
			wait_bytes(XOK_CONS_RING, 20000);
			slow += 16384;
		}
		if (!wait_bytes(1, 20000)) {
			printf("constest: paste stops after %lu bytes\n", got);
			break;
		}
		r = sys_cons_read(big, want, CONSOLE_SLOT);
		if (r <= 0 || (uint64_t)r > want) {
			printf("constest: read returned %ld\n", r);
			break;
		}
		for (int64_t j = 0; j < r; j++)
			crc = crc_step(crc, big[j]);
		got += (uint64_t)r;
	}
	crc = crc_finish(crc, got);
	printf("constest: got %lu bytes in %lu reads, cksum %u, %lu stalls, "
	    "%lu overruns\n", got, i, crc, XOK_INFO->cons_stalls - stalls0,
	    XOK_INFO->cons_overruns - ov0);
	EXPECT_EQ("paste: every byte arrived", got, size);
	EXPECT_EQ("paste: cksum matches", crc, sum);
	EXPECT_EQ("paste: no overruns", XOK_INFO->cons_overruns, ov0);
	EXPECT("paste: the ring filled and was held several times",
	    XOK_INFO->cons_stalls - stalls0 >= 5);
	exos_sleep_until_tick(xok_ticks() + XOK_INFO->hz / 10);
	EXPECT_EQ("paste: nothing more arrives",
	    sys_cons_read(big, sizeof(big), CONSOLE_SLOT), 0);
	EXPECT_EQ("paste: received = read",
	    XOK_INFO->cons_rx, XOK_INFO->cons_rd);
}

int
main(uint64_t arg)
{
	if (arg == R_CHILD)
		return child_main();
	if (arg == R_READER)
		return reader_main();
	printf("constest: console input, env %lx\n", xok_self());
	test_no_input();
	test_child();
	test_typed_line();
	test_paste();
	printf("ALL-DONE\n");
	sys_shutdown(0, failures ? 1 : 0);
	return 0;
}
