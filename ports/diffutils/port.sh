# ports/diffutils/port.sh: GNU diffutils: /bin/diff, cmp, diff3 and
# sdiff (diff3 and sdiff run /bin/diff; sdiff's editor is $EDITOR).
# Sourced by scripts/port (docs/PORTING.md, "The ports tree"); no
# patches of our own.
PORT_PACKAGE=diffutils

port_build() {
	# --host: a cross build (configure must not run what exos-cc makes);
	# (diff3 and sdiff run "diff" through PATH)
	# (MAKEINFO=true: no texinfo needed if a manual looks stale)
	./configure --build=x86_64-linux-gnu --host=x86_64-linux-musl \
	    CC="$PORT_CC" CFLAGS="-O2 -g" LDFLAGS=-static \
	    --prefix=/ --bindir=/bin --disable-nls
	make -j"$JOBS" MAKEINFO=true SUBDIRS="lib src"
}

port_install() {
	mkdir -p "$DESTDIR/bin"
	for p in diff cmp diff3 sdiff; do
		install -m 0755 "src/$p" "$DESTDIR/bin/$p"
	done
}
