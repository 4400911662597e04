# tests/guest/preamble.sh: the first lines every guest test script
# shares, sourced with the script's arguments:
#     . "$(dirname "$0")/preamble.sh" "$@"
# It reads [--accel tcg|kvm] [KERNEL] and sets accel, kernel, build
# (the build directory the kernel is in), top (the source tree), exports
# KERNEL and ACCEL for scripts/exos-run, and makes tmp (removed at exit,
# even its read-only parts; a script with its own EXIT trap removes it
# there) and failed=0.  pair.sh and benchlib.sh source it too.
accel=${ACCEL:-tcg}
if [ "$1" = --accel ]; then accel="$2"; shift 2; fi
kernel=${1:-${KERNEL:-build/xok/xok.bin}}
build=$(dirname "$(dirname "$kernel")")
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export KERNEL="$kernel" ACCEL="$accel"
failed=0
tmp=$(mktemp -d)
trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
