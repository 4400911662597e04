/*
 * ldisk.c: the Linux side of `make bench-disk`: the same raw disk
 * measurements as benchmarks/disk/diskbench.c, on /dev/vda opened with
 * O_DIRECT (DMA straight to the program's buffers): 4 KiB random reads
 * one at a time and 32 in flight (Linux native AIO), 1 MiB sequential
 * reads and writes (one pread/pwrite of 1 MiB; the kernel splits it).
 * A write counts as done when the device has completed it (O_DIRECT
 * returns then), as on Xok; neither side flushes the device's cache in
 * the timed region (Xok's DISK_RAW has no flush).  Prints
 * "BENCH|name|value|unit" lines.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/fs.h>

#define RUNS 301

static uint64_t samples[RUNS];
static uint64_t rnd = 88172645463325252ULL;

static uint64_t
next_rand(void)
{
	rnd ^= rnd << 13, rnd ^= rnd >> 7, rnd ^= rnd << 17;
	return rnd;
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int
cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t
median(int n)
{
	qsort(samples, (size_t)n, sizeof(samples[0]), cmp);
	return samples[n / 2];
}

int
main(void)
{
	int fd = open("/dev/vda", O_RDWR | O_DIRECT);
	uint64_t size = 0, blocks, i, r;
	aio_context_t ctx = 0;
	struct iocb cbs[32], *cbp[32];
	struct io_event ev[32];
	char *buf;

	if (fd < 0 || ioctl(fd, BLKGETSIZE64, &size) < 0) {
		printf("BENCH-ERROR no /dev/vda\n");
		goto out;
	}
	if (posix_memalign((void **)&buf, 4096, 1 << 20) != 0)
		goto out;
	memset(buf, 0x5a, 1 << 20);
	blocks = size / 4096;
	printf("BENCH-START disk %lu MiB, linux O_DIRECT\n",
	    (unsigned long)(size >> 20));

	for (r = 0; r < RUNS; r++) {
		uint64_t t = now_ns();

		if (pread(fd, buf, 4096, (off_t)((next_rand() % blocks) * 4096))
		    != 4096)
			printf("BENCH-ERROR read\n");
		samples[r] = now_ns() - t;
	}
	printf("BENCH|raw 4 KiB random read, 1 in flight (latency)|%lu|ns\n",
	    (unsigned long)median(RUNS));

	if (syscall(SYS_io_setup, 32, &ctx) < 0) {
		printf("BENCH-ERROR io_setup\n");
		goto out;
	}
	for (r = 0; r < 9; r++) {
		uint64_t t = now_ns(), doneq = 0, submitted = 0;

		while (doneq < 256) {
			int n = 0, got;

			while (submitted - doneq < 32 && submitted < 256) {
				struct iocb *cb = &cbs[submitted % 32];

				memset(cb, 0, sizeof(*cb));
				cb->aio_fildes = (uint32_t)fd;
				cb->aio_lio_opcode = IOCB_CMD_PREAD;
				cb->aio_buf = (uint64_t)(buf + (submitted % 32) * 4096);
				cb->aio_nbytes = 4096;
				cb->aio_offset = (int64_t)((next_rand() % blocks) * 4096);
				cbp[n++] = cb;
				submitted++;
			}
			if (n && syscall(SYS_io_submit, ctx, n, cbp) != n) {
				printf("BENCH-ERROR io_submit\n");
				goto out;
			}
			got = (int)syscall(SYS_io_getevents, ctx, 1, 32, ev, NULL);
			if (got < 0)
				goto out;
			doneq += (uint64_t)got;
		}
		samples[r] = 256ULL * 1000000000ULL / (now_ns() - t);
	}
	printf("BENCH|raw 4 KiB random read, 32 in flight|%lu|IOPS\n",
	    (unsigned long)median(9));

	for (int write = 0; write <= 1; write++) {
		for (r = 0; r < 9; r++) {
			uint64_t t = now_ns();
			off_t off = (off_t)(((r * 256) % (blocks - 256)) * 4096);
			ssize_t k = write ? pwrite(fd, buf, 1 << 20, off) :
			    pread(fd, buf, 1 << 20, off);

			if (k != 1 << 20)
				printf("BENCH-ERROR sequential\n");
			samples[r] = (1ULL << 20) * 1000ULL / (now_ns() - t);
		}
		printf("BENCH|raw 1 MiB sequential %s|%lu|MB/s\n",
		    write ? "write" : "read",
		    (unsigned long)median(9));
	}
	(void)i;
out:
	printf("BENCH-END\n");
	fflush(stdout);
	sync();                 /* /init powers off */
	return 0;
}
