# background jobs, wait, $!, kill
sleep 1 & p=$!
echo "started"
wait $p; echo "sleep status $?"
(exit 3) & wait $!; echo "bg status $?"
(sleep 1; echo "slow") & (echo "fast") & wait
echo "both done"
sleep 100 & p=$!
kill $p; wait $p; echo "killed status $?"
for i in 1 2 3; do (echo "job $i" > out$i) & done; wait
cat out1 out2 out3
