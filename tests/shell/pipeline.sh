# pipelines: long ones, many stages, exit status of the last stage
seq 10000 | wc -l
seq 10000 | sed 's/$/x/' | grep -c x
seq 10000 | sort -rn | head -n 3
seq 10000 | tail -n 1
seq 10000 | { s=0; while read n; do s=$((s + n)); done; echo "sum $s"; }
echo one two three | cat | cat | cat | cat | cat
printf 'b\na\nc\n' | sort | head -n 2
false | true; echo "status $?"
true | false; echo "status $?"
seq 5 | while read n; do echo "line $n"; done | tail -n 2
yes | head -n 3
