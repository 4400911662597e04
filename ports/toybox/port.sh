# ports/toybox/port.sh: toybox, the one-binary set of UNIX commands
# (its defconfig: ls, cp, cat, sed, grep, find, ...; with the changes
# in ports/toybox/config: tr added, cmp/gunzip/zcat left to other
# ports), in /bin with a symbolic link per command.  Sourced by
# scripts/port (docs/PORTING.md, "The ports tree"); no patches of our
# own.  Debian's source package
# misses its debian tarball on the mirrors (404): scripts/debsrc falls
# back to the .orig tarball, which is all we need.
PORT_PACKAGE=toybox
# toybox includes Linux's uapi headers (linux/, asm/, asm-generic/),
# which musl does not carry: the host's, from linux-libc-dev.
PORT_HOSTDEPS="linux-libc-dev"

port_build() {
	mkdir -p uapi
	ln -sfn /usr/include/linux uapi/linux
	ln -sfn /usr/include/asm-generic uapi/asm-generic
	ln -sfn /usr/include/x86_64-linux-gnu/asm uapi/asm
	make defconfig HOSTCC=gcc KCONFIG_ALLCONFIG="$PORTDIR/config"
	# (the fragment must have taken: a silent kconfig would drop it)
	grep -qx CONFIG_TR=y .config
	for c in CMP GUNZIP ZCAT TAR SH; do
		if grep -qx "CONFIG_$c=y" .config; then
			echo "toybox: CONFIG_$c is still on (ports/toybox/config)" >&2
			exit 1
		fi
	done
	# (not V=1: it makes toybox's build script exit 1)
	make toybox CC="$PORT_CC" HOSTCC=gcc LDFLAGS=-static \
	    CFLAGS="-O2 -g -idirafter $PWD/uapi"
}

port_install() {
	# one link per command, each "NAME -> toybox"
	make install_flat HOSTCC=gcc PREFIX="$DESTDIR/bin"
}
