# benchmarks/benchmarks.mk
BENCH_MICRO_MODULES :=
