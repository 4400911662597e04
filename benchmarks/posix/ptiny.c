/*
 * ptiny.c: the program the exec rows of `make bench-posix`
 * (benchmarks/posix/pbench.c) exec: it only exits 0.
 */
int
main(void)
{
	return 0;
}
