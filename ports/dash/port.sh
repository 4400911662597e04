# ports/dash/port.sh: dash, the Debian Almquist shell: /bin/sh and
# /bin/dash of the image.  Sourced by scripts/port (docs/PORTING.md,
# "The ports tree"); no patches of our own.
PORT_PACKAGE=dash
# Debian's patches add a file to src/Makefile.am: configure and the
# Makefiles must be regenerated.
PORT_HOSTDEPS="autoconf automake"

port_build() {
	autoreconf -fi
	# --host: a cross build (configure must not run what exos-cc makes);
	# dash's helpers (mksyntax, mknodes, ...) run on the host with gcc.
	# The --disable options are Debian's own (debian/rules).
	./configure --build=x86_64-linux-gnu --host=x86_64-linux-musl \
	    CC="$PORT_CC" CC_FOR_BUILD=gcc CFLAGS="-O2 -g" LDFLAGS=-static \
	    --disable-fnmatch --disable-lineno --disable-glob
	make -j"$JOBS"
}

port_install() {
	mkdir -p "$DESTDIR/bin"
	install -m 0755 src/dash "$DESTDIR/bin/dash"
	ln -sf dash "$DESTDIR/bin/sh"
}
