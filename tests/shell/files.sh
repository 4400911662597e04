# files and directories through the shell and the tools
mkdir -p a/b/c
echo deep > a/b/c/file
cat a/b/c/file
cd a/b; pwd | sed 's|.*/\(a/b\)$|\1|'; cd ../..
mv a/b/c/file a/moved; test -f a/moved && echo "moved"
test -e a/b/c/file || echo "gone"
ln -s moved a/link; cat a/link
cp a/moved a/copy; cmp a/moved a/copy && echo "same"
find a -type f | sort
rm -r a; test -d a || echo "removed"
for i in 1 2 3 4 5; do echo "n$i" > "f$i"; done; cat f* | wc -l
rm f1 f2 f3 f4 f5; ls
echo "x" > "name with spaces"; cat "name with spaces"
