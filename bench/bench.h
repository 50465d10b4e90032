/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the in-kernel benchmark modules under bench/.
 */
#ifndef _SCST_BENCH_H
#define _SCST_BENCH_H

#include <linux/sort.h>
#include <linux/types.h>

static inline int bench_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * The median of @n measurements (sorts @v): each configuration is measured
 * several times, interleaved with the others, and the median reported, so
 * one noisy run on a shared machine does not decide a ratio.
 */
static inline u64 bench_median(u64 *v, unsigned int n)
{
	sort(v, n, sizeof(*v), bench_cmp_u64, NULL);
	return v[n / 2];
}

#endif /* _SCST_BENCH_H */
