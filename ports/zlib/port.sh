# ports/zlib/port.sh: zlib, the deflate library, as a library port: a
# static libz.a and its headers in /usr/lib and /usr/include (other
# ports link against this tree: bsdtar; on ExOS, tcc programs can use
# -lz).  Sourced by scripts/port (docs/PORTING.md, "The ports tree"); no
# patches of our own.  Debian's newest zlib (a security update) is 404
# on the mirror: scripts/debsrc falls back to the previous version.
PORT_PACKAGE=zlib

port_build() {
	# zlib's own configure (not autoconf): static only; CHOST so it
	# uses the cross tools' names, not uname.
	CC="$PORT_CC" CFLAGS="-O2 -g" CHOST=x86_64-linux-musl \
	    ./configure --static --prefix=/usr
	make -j"$JOBS" libz.a
}

port_install() {
	mkdir -p "$DESTDIR/usr/lib" "$DESTDIR/usr/include"
	install -m 0644 libz.a "$DESTDIR/usr/lib/libz.a"
	install -m 0644 zlib.h zconf.h "$DESTDIR/usr/include/"
}
