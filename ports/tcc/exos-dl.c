/*
 * ports/tcc/exos-dl.c: dlopen and dlsym for tcc on ExOS (compiled into
 * the tcc port, not a patch of tcc).  ExOS programs are static: there is
 * no dynamic loader, and musl's static dlsym finds nothing.  tcc -run
 * compiles a program into memory and asks dlsym(RTLD_DEFAULT, name) for
 * each symbol the program leaves undefined (printf, malloc, ...); here
 * the answer comes from exos_dl_syms, a table of every global symbol of
 * the sysroot's libc.a and libexos-posix.a that the recipe generates
 * (ports/tcc/port.sh), which also links all of them into tcc.  So the
 * program runs on tcc's own C library, already set up by its start.
 */
#include <dlfcn.h>
#include <string.h>

struct exos_dl_sym {
	const char *name;
	void *addr;
};

/* sorted by name (strcmp order); ends with { 0, 0 } */
extern const struct exos_dl_sym exos_dl_syms[];
extern const unsigned long exos_dl_nsyms;

void *
dlsym(void *handle, const char *name)
{
	unsigned long lo = 0, hi = exos_dl_nsyms, mid;
	int c;

	if (handle != RTLD_DEFAULT || !name)
		return NULL;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(name, exos_dl_syms[mid].name);
		if (c == 0)
			return exos_dl_syms[mid].addr;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* No shared objects on ExOS: tcc loads a .so only when it finds one. */
void *
dlopen(const char *file, int mode)
{
	(void)file;
	(void)mode;
	return NULL;
}

int
dlclose(void *handle)
{
	(void)handle;
	return 0;
}
