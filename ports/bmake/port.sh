# ports/bmake/port.sh: bmake, NetBSD's make (Simon Gerraty's portable
# version): /bin/bmake, and its system makefiles (sys.mk and the mk
# library it includes) in /usr/share/mk, where bmake looks for them
# (_PATH_DEFSYSPATH, as Debian builds it).  Sourced by scripts/port
# (docs/PORTING.md, "The ports tree"); no patches of our own.
PORT_PACKAGE=bmake

port_build() {
	# configure (a cross build: it must not run what exos-cc makes)
	# writes config.h; then bmake's own simple makefile, Makefile.boot,
	# with the definitions Debian's rules pass (no meta mode: it needs
	# filemon, a NetBSD/FreeBSD driver; not NEED_HOST_CDEFS_H: musl has
	# no sys/cdefs.h, bmake's missing/sys/cdefs.h stands alone).
	./configure --build=x86_64-linux-gnu --host=x86_64-linux-musl \
	    CC="$PORT_CC" CFLAGS="-O2 -g" LDFLAGS=-static
	v=$(sed -n -e '/MAKE_VERSION=[^0-9]*[0-9]/s,.*=[^0-9]*,,p' Makefile VERSION)
	[ -n "$v" ]
	make -j"$JOBS" -f Makefile.boot CC="$PORT_CC" LDFLAGS=-static \
	    CFLAGS="-O2 -g -D__COPYRIGHT\(x\)= -D__RCSID\(x\)= -I. \
	    -DMACHINE=\\\"x86_64\\\" -DMACHINE_ARCH=\\\"x86_64\\\" \
	    -DMACHINE_MULTIARCH=\\\"x86_64-linux-musl\\\" \
	    -DHAVE_CONFIG_H -DMAKE_NATIVE \
	    -D_PATH_DEFSYSPATH=\\\"/usr/share/mk\\\" \
	    -DMAKE_VERSION=\\\"$v\\\" -Wno-unused"
}

port_install() {
	mkdir -p "$DESTDIR/bin" "$DESTDIR/usr/share/mk"
	install -m 0755 bmake "$DESTDIR/bin/bmake"
	cp -R mk/. "$DESTDIR/usr/share/mk/"
}
