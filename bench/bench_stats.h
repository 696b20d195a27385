/*
 * bench/bench_stats.h - what every bench program reports latencies with:
 * sort the samples, then nearest-rank percentiles (the same definition the
 * wrk scripts use, so figures from C and Lua compare).
 */
#ifndef TS_BENCH_STATS_H
#define TS_BENCH_STATS_H

#include <stddef.h>

/* Sort v[0..n-1] ascending. */
void bench_sort(double *v, size_t n);
/* Nearest-rank percentile of sorted v[0..n-1], q in (0, 1]; 0 when n == 0. */
double bench_percentile(const double *v, size_t n, double q);

#endif
