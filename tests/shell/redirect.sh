# redirections: > >> < 2>&1 >&2 here-documents, descriptors
echo first > f
echo second >> f
cat f
cat < f | wc -l
cat /nonexistent-file 2>/dev/null; echo "cat status $?"
{ echo out; echo err >&2; } 2>&1 | sort
{ echo out; echo err >&2; } 2>/dev/null
{ echo out; echo err >&2; } >/dev/null 2>&1; echo "nothing above"
name=world
cat <<EOT
hello $name
  $(echo substituted)
EOT
cat <<'EOT'
quoted $name $(echo not)
EOT
cat <<-EOT
	tabs stripped
	EOT
exec 3> g
echo "to fd 3" >&3
exec 3>&-
cat g
exec 4< f
read line <&4
echo "read: $line"
exec 4<&-
: > empty; wc -c < empty
echo data > h; cat h h h > i; wc -l < i
