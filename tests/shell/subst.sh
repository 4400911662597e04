# command substitution, variables, expansion
x=$(echo inner)
echo "x=$x"
y=`echo back`
echo "y=$y"
echo "nested $(echo $(echo deep))"
echo "arith $((3 * (4 + 5) % 7))"
n=10; n=$((n + 1)); echo "n=$n"
unset u; echo "default ${u:-dflt} assign ${u:=set} now $u"
v=file.tar.gz
echo "${#v} ${v%.*} ${v%%.*} ${v#*.} ${v##*.}"
set -- a "b c" d
echo "$# args"
for a in "$@"; do echo "[$a]"; done
IFS=: read p q r <<EOT
1:2:3
EOT
echo "$r$q$p"
lines=$(printf 'l1\nl2\nl3\n' | wc -l); echo "lines $lines"
echo "pid is number: $(test "$$" -gt 0 && echo yes)"
e=; echo "empty [${e}] [${e:+alt}] [${x:+alt}]"
