# loops, case, functions, exit codes
for i in 1 2 3; do echo "for $i"; done
i=0; while [ $i -lt 3 ]; do i=$((i + 1)); echo "while $i"; done
until [ $i -eq 0 ]; do i=$((i - 1)); done; echo "until $i"
for i in 1 2 3 4 5; do
	[ $i = 2 ] && continue
	[ $i = 4 ] && break
	echo "loop $i"
done
for w in apple banana cherry; do
	case $w in
	a*) echo "$w: a";;
	*an*) echo "$w: an";;
	*) echo "$w: other";;
	esac
done
f() { echo "f got $# args: $*"; return 3; }
f x y; echo "f returned $?"
fact() { if [ $1 -le 1 ]; then echo 1; else echo $(( $1 * $(fact $(($1 - 1))) )); fi; }
echo "5! = $(fact 5)"
false; echo "false $?"
true; echo "true $?"
(exit 7); echo "subshell $?"
! true; echo "not $?"
true && echo "and ran"
false || echo "or ran"
false && echo "never"
sh -c 'exit 42'; echo "sh -c $?"
(set -e; false; echo "not reached"); echo "set -e $?"
nosuchcommand 2>/dev/null; echo "missing $?"
