// DRAM read bandwidth of this machine: the ceiling of batch-1 generation (tokens/s <= bandwidth / model bytes).
// A sum over a buffer far larger than the L3 cache, 1 and N threads (OpenMP), best of 7 passes, after one warm pass.
// build+run: gcc -O3 -march=native -fopenmp local-engine-membw.c -o membw && ./membw [MiB=1024]
// (bench/scripts/local-engine-inference.sh builds and runs it; research-perf.md section 0 did the same on another machine.)
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  size_t mib = argc > 1 ? strtoul(argv[1], 0, 10) : 1024, n = mib * 1024 * 1024 / sizeof(float);
  float *a = aligned_alloc(64, n * sizeof(float));
  #pragma omp parallel for
  for (size_t i = 0; i < n; i++) a[i] = (float)(i & 1023);
  int max = omp_get_max_threads();
  for (int threads = 1; threads <= max; threads++) {
    double best = 0, sink = 0;
    for (int pass = 0; pass < 8; pass++) {
      double t = omp_get_wtime(), s = 0;
      #pragma omp parallel for reduction(+ : s) num_threads(threads)
      for (size_t i = 0; i < n; i++) s += a[i];
      t = omp_get_wtime() - t;
      sink += s;
      if (pass > 0 && n * sizeof(float) / t / 1e9 > best) best = n * sizeof(float) / t / 1e9;
    }
    printf("read bandwidth, %d thread(s): %.1f GB/s (best of 7 passes over %zu MiB; checksum %g)\n", threads, best, mib, sink);
  }
  free(a);
  return 0;
}
