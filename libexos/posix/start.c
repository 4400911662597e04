/*
 * start.c: the Linux start block musl expects (argc, argv, NULL, envp,
 * NULL, auxv) and the way into __libc_start_main.  A program begins
 * here in one of three ways:
 *  - started by execve (exec.c): the block is already built on the
 *    new stack and %rsi holds PX_EXEC_MAGIC; take it as it is;
 *  - the first process under scripts/exos-run: the arguments and the
 *    environment come from the "args" boot module ("EXOSARGS", u32
 *    argc, u32 envc, then argc + envc NUL-terminated strings); the
 *    line "EXOS-RUN-START <env id>" tells exos-run that the boot
 *    chatter is over and the program's output begins;
 *  - the first process booted by hand: the words of its boot module's
 *    command line, in env(1)'s style, PROGRAM [NAME=VALUE]... [ARG]...
 *    (47 bytes at most).
 * Any other program gets argv = { "a.out" } and no environment.  The
 * auxiliary vector gives the page size, the program headers (for the
 * TLS image), the entry and 16 bytes of AT_RANDOM from the TSC.
 */
#include <elf.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include "posix.h"
#include "sig.h"
#include "shm.h"
#include "proc.h"

#define MAXWORDS 24

int main(int, char **, char **);
int __libc_start_main(int (*)(int, char **, char **), int, char **,
    void (*)(void), void (*)(void), void (*)(void));
void __exos_start(uintptr_t *sp, uint64_t magic, const void *plan)
    __attribute__((noreturn));

extern const Elf64_Ehdr __ehdr_start __attribute__((weak));

static char line[sizeof(XOK_INFO->modules[0].name) + 1];

static int
split(char **words)
{
	const volatile char *src = XOK_INFO->modules[0].name;
	size_t i;
	int n = 0;
	char *p;

	for (i = 0; i + 1 < sizeof(line) && src[i]; i++)
		line[i] = src[i];
	line[i] = '\0';
	for (p = line; *p && n < MAXWORDS; ) {
		while (*p == ' ')
			*p++ = '\0';
		if (!*p)
			break;
		words[n++] = p;
		while (*p && *p != ' ')
			p++;
	}
	return n;
}

static int
is_assign(const char *w)
{
	if (*w == '=' || *w == '\0')
		return 0;
	for (; *w; w++)
		if (*w == '=')
			return 1;
	return 0;
}

#define NAUX 8          /* auxv entries px_start_block writes, AT_NULL too */

size_t
px_start_size(char *const *argv, long argc, char *const *envp, long envc)
{
	size_t n = 16 + 16 + (size_t)(1 + argc + 1 + envc + 1 + 2 * NAUX) * 8;
	/* (16 random bytes, 16 of alignment, the vectors, the strings) */
	long i;

	for (i = 0; i < argc; i++)
		n += strlen(argv[i]) + 1;
	for (i = 0; i < envc; i++)
		n += strlen(envp[i]) + 1;
	return (n + 15) & ~(size_t)15;
}

/* Lay the block out at the top of [area, area + size), which
 * px_start_size said is enough; the strings' addresses are where they
 * will be at run time, area + delta.  Returns the run-time sp. */
uintptr_t
px_start_block(char *area, size_t size, uintptr_t delta, char *const *argv,
    long argc, char *const *envp, long envc, const struct px_auxinfo *ai)
{
	char *top = area + size, *s = top;
	uintptr_t *v, *sp;
	uint64_t rnd[2];
	long i;
	size_t n, words = (size_t)(1 + argc + 1 + envc + 1 + 2 * NAUX);

	rnd[0] = rdtsc() * 0x9e3779b97f4a7c15ULL;
	rnd[1] = (rdtsc() ^ XOK_INFO->cur_env) * 0xbf58476d1ce4e5b9ULL;
	s -= 16;
	memcpy(s, rnd, 16);
	/* the strings go between the vectors and the random bytes */
	for (n = 0, i = 0; i < argc; i++)
		n += strlen(argv[i]) + 1;
	for (i = 0; i < envc; i++)
		n += strlen(envp[i]) + 1;
	sp = (uintptr_t *)(((uintptr_t)s - n - words * 8) & ~(uintptr_t)15);
	s = (char *)(sp + words);
	v = sp;
	*v++ = (uintptr_t)argc;
	for (i = 0; i < argc; i++) {
		n = strlen(argv[i]) + 1;
		memcpy(s, argv[i], n);
		*v++ = (uintptr_t)s + delta;
		s += n;
	}
	*v++ = 0;
	for (i = 0; i < envc; i++) {
		n = strlen(envp[i]) + 1;
		memcpy(s, envp[i], n);
		*v++ = (uintptr_t)s + delta;
		s += n;
	}
	*v++ = 0;
#define AUX(t, val) (*v++ = (uintptr_t)(t), *v++ = (uintptr_t)(val))
	AUX(AT_PAGESZ, XOK_PGSIZE);
	AUX(AT_PHDR, ai->phdr);
	AUX(AT_PHENT, sizeof(Elf64_Phdr));
	AUX(AT_PHNUM, ai->phnum);
	AUX(AT_ENTRY, ai->entry);
	AUX(AT_RANDOM, (uintptr_t)(top - 16) + delta);
	AUX(AT_SECURE, 0);
	AUX(AT_NULL, 0);
#undef AUX
	return (uintptr_t)sp + delta;
}

static void
put_hex(uint64_t x)
{
	char buf[19], *p = buf + sizeof(buf);

	*--p = '\0';
	do
		*--p = "0123456789abcdef"[x & 15];
	while (x >>= 4);
	*--p = 'x';
	*--p = '0';
	px_cons_puts(p);
}

/* exos-run's "args" module: argv and envp as pointer arrays into it
 * (in memory from mmap), or 0 if there is none or it is malformed. */
static int
module_args(char ***argvp, long *argcp, char ***envpp, long *envcp)
{
	uint64_t size, off = 16;
	const char *m = px_module("args", &size);
	uint32_t argc, envc, i;
	char **vec;

	if (!m || size < 16 || memcmp(m, "EXOSARGS", 8) != 0)
		return 0;
	memcpy(&argc, m + 8, 4);
	memcpy(&envc, m + 12, 4);
	if (argc == 0 || argc > size || envc > size)
		return 0;
	vec = (char **)px_mmap(0, ((long)argc + envc + 2) * 8,
	    PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if ((unsigned long)vec >= -4095UL)
		return 0;
	for (i = 0; i < argc + envc; i++) {
		const char *end = memchr(m + off, '\0', size - off);

		if (!end)
			return 0;
		vec[i] = (char *)(m + off);
		off = (uint64_t)(end - m) + 1;
	}
	*argvp = vec;
	*argcp = argc;
	*envpp = vec + argc;
	*envcp = envc;
	return 1;
}

void
__exos_start(uintptr_t *sp, uint64_t magic, const void *plan)
{
	char *words[MAXWORDS], *av[MAXWORDS], **argv, **envp;
	long argc = 0, envc = 0, i;
	int first = xok_env_info(XOK_INFO->cur_env)->parent == 0, run = 0;
	const Elf64_Ehdr *eh = &__ehdr_start;
	struct px_auxinfo ai = { 0, 0, 0 };
	size_t size;
	char *area;

	if (first) {            /* before anything is allocated: the root */
		exos_caps_first();      /* goes to EXOS_SLOT_ROOT (capslot.h) */
		px_module_share();
	}
	px_sig_hold();          /* no handler before main's world exists */
	px_fault_init();        /* uaccess and the arena's faults (fork.c) */
	if (magic == PX_EXEC_MAGIC) {
		/* first: the region is the family's, if we may join it
		 * (another build's would be corrupted: end, touching
		 * nothing of the family's; the parent sees status 127) */
		if (px_shm_kept() < 0)
			sys_env_destroy(XOK_INFO->cur_env, 0, 127);
		px_sig_exec_load(px_exec_sigcarry());   /* before the upcalls */
		px_sig_start();
		px_exec_cleanup(plan);
		px_proc_exec();
		goto go;
	}
	px_sig_start();
	if (px_shm_init() < 0 || px_proc_init() < 0) {
		px_cons_puts("exos: no memory for the shared region\n");
		px_exit(127, 0, 0, 0, 0, 0);
	}
	if (first && module_args(&argv, &argc, &envp, &envc))
		run = 1;
	else {
		int nw = first && XOK_INFO->nmodules > 0 ? split(words) : 0;

		if (nw == 0) {
			words[0] = "a.out";
			nw = 1;
		}
		for (i = 1; i < nw && is_assign(words[i]); i++)
			envc++;
		argc = nw - envc;
		envp = words + 1;
		argv = av;
		av[0] = words[0];
		for (i = 1; i < argc; i++)
			av[i] = words[envc + i];
	}
	if (eh) {
		ai.phdr = (uintptr_t)eh + eh->e_phoff;
		ai.phnum = eh->e_phnum;
		ai.entry = eh->e_entry;
	}
	size = px_start_size(argv, argc, envp, envc);
	area = (char *)px_mmap(0, (long)size, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if ((unsigned long)area >= -4095UL) {
		px_cons_puts("exos: no memory for the start block\n");
		px_exit(127, 0, 0, 0, 0, 0);
	}
	sp = (uintptr_t *)px_start_block(area, size, 0, argv, argc, envp,
	    envc, &ai);
	if (run) {
		px_cons_puts("EXOS-RUN-START ");
		put_hex(XOK_INFO->cur_env);
		px_cons_puts("\n");
	}
go:
	px_pinfo_start((int)sp[0], (char **)(sp + 1),
	    magic == PX_EXEC_MAGIC);    /* (portgaps) /proc/PID, procpid.c */
	px_sig_release();
	__libc_start_main(main, (int)sp[0], (char **)(sp + 1), 0, 0, 0);
	for (;;)
		;
}
