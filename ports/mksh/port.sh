# ports/mksh/port.sh: mksh, the MirBSD Korn shell: /bin/mksh beside
# dash (/bin/sh stays dash).  Sourced by scripts/port (docs/PORTING.md,
# "The ports tree"); no patches of our own.
PORT_PACKAGE=mksh

port_build() {
	# Build.sh probes the compiler with test programs it compiles and
	# links but never runs (a cross build is fine); -r: no Rebuild.sh.
	# -DMKSH_BUILDMEAT: Debian's sh.h refuses a build not made by its
	# own driver, debian/meat, which defines it; we run Build.sh alone.
	mkdir -p builddir
	(cd builddir && CC="$PORT_CC" CFLAGS="-O2 -g" \
	    CPPFLAGS=-DMKSH_BUILDMEAT LDFLAGS=-static sh ../Build.sh -r)
	test -x builddir/mksh
}

port_install() {
	mkdir -p "$DESTDIR/bin"
	install -m 0755 builddir/mksh "$DESTDIR/bin/mksh"
}
