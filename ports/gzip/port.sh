# ports/gzip/port.sh: GNU gzip: /bin/gzip, with gunzip and zcat as
# links to it: built with -DGNU_STANDARD=0, gzip's own documented
# switch (gzip.c), it picks -d or -cd from its name, argv[0], as the
# old compress did; upstream's gunzip and zcat scripts would cost an
# exec of the shell each.
# Sourced by scripts/port (docs/PORTING.md, "The ports tree"); no
# patches of our own.
PORT_PACKAGE=gzip

port_build() {
	# --host: a cross build (configure must not run what exos-cc makes)
	./configure --build=x86_64-linux-gnu --host=x86_64-linux-musl \
	    CC="$PORT_CC" CFLAGS="-O2 -g" CPPFLAGS=-DGNU_STANDARD=0 \
	    LDFLAGS=-static --prefix=/ --bindir=/bin
	# (MAKEINFO=true: Debian touches the manual; no texinfo needed)
	make -j"$JOBS" MAKEINFO=true
}

port_install() {
	mkdir -p "$DESTDIR/bin"
	install -m 0755 gzip "$DESTDIR/bin/gzip"
	ln -sf gzip "$DESTDIR/bin/gunzip"
	ln -sf gzip "$DESTDIR/bin/zcat"
}
