# scripts: sh FILE, #!/bin/sh by path, . FILE, arguments, exit status
cat > s1 <<'EOT'
echo "s1: $# args, first $1"
exit 5
EOT
sh s1 one two; echo "sh s1: $?"
cat > s2 <<'EOT'
#!/bin/sh
echo "s2 by path: $0 $*" | sed 's|.*/||'
exit 6
EOT
chmod +x s2
./s2 a b; echo "./s2: $?"
PATH=$PWD:$PATH s2 c; echo "s2 via PATH: $?"
cat > lib <<'EOT'
libvar=fromlib
libfn() { echo "libfn $1"; }
EOT
. ./lib
echo "$libvar"; libfn arg
echo 'echo "from stdin $1"' | sh -s word
sh -c 'echo "sh -c: $0 $1"' zero one
