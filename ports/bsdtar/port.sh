# ports/bsdtar/port.sh: bsdtar, FreeBSD's tar from libarchive, as
# /bin/bsdtar (and /bin/tar), with gzip through the zlib port
# (-czf/-xzf); every other compressor, crypto and XML library is off by
# libarchive's own configure switches.  Sourced by scripts/port
# (docs/PORTING.md, "The ports tree"); no patches of our own.
PORT_PACKAGE=libarchive
# zlib's headers and libz.a come from the zlib port's tree
PORT_DEPENDS="zlib"
# Debian's patches change configure.ac and Makefile.am: regenerate.
PORT_HOSTDEPS="autoconf automake libtool"

port_build() {
	z="$(dirname "$(dirname "$DESTDIR")")/zlib/root/usr"
	autoreconf -fi
	# --host: a cross build; ACL and extended attributes off (ExOS has
	# neither: configure would find musl's headers and probe no calls).
	./configure --build=x86_64-linux-gnu --host=x86_64-linux-musl \
	    CC="$PORT_CC" CFLAGS="-O2 -g" CPPFLAGS="-I$z/include" \
	    LDFLAGS="-static -L$z/lib" \
	    --disable-shared --enable-static \
	    --enable-bsdtar=static --disable-bsdcpio --disable-bsdcat \
	    --disable-acl --disable-xattr \
	    --with-zlib --without-bz2lib --without-libb2 --without-iconv \
	    --without-lz4 --without-zstd --without-lzma --without-lzo2 \
	    --without-cng --without-mbedtls --without-nettle \
	    --without-openssl --without-xml2 --without-expat
	grep -q '^#define HAVE_ZLIB_H 1' config.h ||
	    { echo "bsdtar: configure did not find zlib" >&2; exit 1; }
	make -j"$JOBS" bsdtar
}

port_install() {
	mkdir -p "$DESTDIR/bin"
	install -m 0755 bsdtar "$DESTDIR/bin/bsdtar"
	ln -sf bsdtar "$DESTDIR/bin/tar"
}
