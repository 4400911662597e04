# ports/pax/port.sh: MirBSD pax (paxmirabilis), POSIX's archiver:
# /bin/pax and, as Debian installs it, the links paxtar and paxcpio
# (pax acts as tar or cpio by its name, argv[0]).  Not "tar" and "cpio":
# toybox's keep those names.  Sourced by scripts/port (docs/PORTING.md,
# "The ports tree"); no patches of our own.
PORT_PACKAGE=pax

port_build() {
	# Build.sh probes the compiler with test programs it only compiles
	# and links (no configure run of what exos-cc makes); -r: no
	# "Rebuild.sh"; PAX_SAFE_PATH as Debian's rules set it.
	mkdir -p builddir
	(cd builddir && CC="$PORT_CC" CFLAGS="-O2 -g" LDFLAGS=-static \
	    CPPFLAGS='-DPAX_SAFE_PATH=\"/bin\"' sh ../Build.sh -r -tpax)
	test -x builddir/pax
}

port_install() {
	mkdir -p "$DESTDIR/bin"
	install -m 0755 builddir/pax "$DESTDIR/bin/pax"
	ln -sf pax "$DESTDIR/bin/paxtar"
	ln -sf pax "$DESTDIR/bin/paxcpio"
}
