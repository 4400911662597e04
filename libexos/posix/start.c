/*
 * start.c: build the Linux start block musl expects (argc, argv, NULL,
 * envp, NULL, auxv) and call __libc_start_main.  Until exec exists
 * (issue 10) a program started by the kernel takes its words from its
 * boot module's command line, in env(1)'s style:
 *     PROGRAM [NAME=VALUE]... [ARG]...
 * the leading NAME=VALUE words become the environment, the rest the
 * arguments (argv[0] is PROGRAM).  Any other program gets argv = {
 * "a.out" } and no environment.  The auxiliary vector gives musl the
 * page size, the program headers (for the TLS image) and 16 bytes of
 * AT_RANDOM from the TSC.
 */
#include <elf.h>
#include <stdint.h>
#include "posix.h"

#define MAXWORDS 24

int main(int, char **, char **);
int __libc_start_main(int (*)(int, char **, char **), int, char **,
    void (*)(void), void (*)(void), void (*)(void));
void __exos_start(uintptr_t *sp) __attribute__((noreturn));

extern const Elf64_Ehdr __ehdr_start __attribute__((weak));

static char line[sizeof(XOK_INFO->modules[0].name) + 1];
static char *vec[MAXWORDS + 2 + 2 * 8 + 2];
static uint64_t rnd[2];

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

void
__exos_start(uintptr_t *sp)
{
	char *words[MAXWORDS];
	char **v = vec;
	int nw = 0, i, nenv = 0, argc;
	const Elf64_Ehdr *eh = &__ehdr_start;

	(void)sp;
	if (xok_env_info(XOK_INFO->cur_env)->parent == 0 &&
	    XOK_INFO->nmodules > 0)
		nw = split(words);
	if (nw == 0) {
		words[0] = "a.out";
		nw = 1;
	}
	for (i = 1; i < nw && is_assign(words[i]); i++)
		nenv++;
	argc = nw - nenv;
	*v++ = (char *)(uintptr_t)argc;
	*v++ = words[0];
	for (i = 1 + nenv; i < nw; i++)
		*v++ = words[i];
	*v++ = 0;
	for (i = 1; i <= nenv; i++)
		*v++ = words[i];
	*v++ = 0;

	rnd[0] = rdtsc() * 0x9e3779b97f4a7c15ULL;
	rnd[1] = (rdtsc() ^ XOK_INFO->cur_env) * 0xbf58476d1ce4e5b9ULL;
#define AUX(t, val) (*v++ = (char *)(uintptr_t)(t), \
		     *v++ = (char *)(uintptr_t)(val))
	AUX(AT_PAGESZ, XOK_PGSIZE);
	if (eh) {
		AUX(AT_PHDR, (uintptr_t)eh + eh->e_phoff);
		AUX(AT_PHENT, eh->e_phentsize);
		AUX(AT_PHNUM, eh->e_phnum);
		AUX(AT_ENTRY, eh->e_entry);
	}
	AUX(AT_RANDOM, (uintptr_t)rnd);
	AUX(AT_NULL, 0);
	__libc_start_main(main, argc, vec + 1, 0, 0, 0);
	for (;;)
		;
}
