# tests/guest/tapns.sh: sourced by the guest scripts that boot on a tap
# device (txotest.sh, cheetahtap.sh, rxcsum.sh): a network namespace of
# the script's own holding tap device xtap0 (10.0.2.2/24, the host side
# of QEMU's --tap card).
#   tapns_usable         0 if root and `ip` are here (else the caller
#                        says it does not run and passes nothing)
#   tapns_up PREFIX [noipv6]
#                        makes namespace $ns (PREFIX and the shell's pid)
#                        and the tap, up; noipv6 turns IPv6 off in it
#                        first (its router and listener reports would be
#                        frames of the host's own).  An EXIT trap kills
#                        what runs in the namespace, removes it and
#                        removes the directory $tapns_tmp if the caller
#                        set it (after sourcing this).  Returns nonzero
#                        if any step fails.
#   in_ns CMD ARGS...    runs CMD in the namespace
tapns_tmp=

tapns_usable() {
	[ "$(id -u)" = 0 ] && command -v ip >/dev/null
}

tapns_cleanup() {
	ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
	ip netns del "$ns" 2>/dev/null
	[ -n "$tapns_tmp" ] && rm -rf "$tapns_tmp"
	return 0
}

in_ns() { ip netns exec "$ns" "$@"; }

tapns_up() {
	ns=$1$$
	trap tapns_cleanup EXIT
	ip netns add "$ns" || return 1
	if [ "$2" = noipv6 ]; then
		in_ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1 2>/dev/null
	fi
	in_ns ip link set lo up && in_ns ip tuntap add dev xtap0 mode tap &&
		in_ns ip addr add 10.0.2.2/24 dev xtap0 &&
		in_ns ip link set xtap0 up
}
