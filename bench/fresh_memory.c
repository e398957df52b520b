/* What new memory costs a process on this machine, apart from any roster-enrich code: the time to
 * map N MB (in 2 MiB huge pages, as the lookup table and the handle arena are) and write a byte to
 * every 4 KiB of it, measured six times after each of several pauses. A virtual machine that
 * reports freed memory back to its host (free page reporting) has to back the memory again on the
 * next first touch, which shows up here as the difference between short and long pauses.
 *
 *   cc -O2 -o /tmp/fresh_memory bench/fresh_memory.c && /tmp/fresh_memory 46
 *
 * Prints one line per pause: the pause in seconds, then the six times in ms. BENCHMARKS.md,
 * "Cold and warm runs", has what it printed on the benchmark machine. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static double touch_ms(size_t bytes) {
  const size_t huge = 2u << 20;
  const double start = now_ms();
  char* mapped = mmap(NULL, bytes + huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapped == MAP_FAILED) {
    perror("mmap");
    exit(1);
  }
  char* aligned = (char*)(((uintptr_t)mapped + huge - 1) & ~(uintptr_t)(huge - 1));
  madvise(aligned, bytes, MADV_HUGEPAGE);
  for (size_t i = 0; i < bytes; i += 4096) {
    aligned[i] = 1;
  }
  const double elapsed = now_ms() - start;
  munmap(mapped, bytes + huge);
  return elapsed;
}

int main(int argc, char** argv) {
  const size_t megabytes = argc > 1 ? strtoul(argv[1], NULL, 10) : 46;
  const double pauses[] = {0, 0.3, 1, 2, 5};
  printf("pause s  ms to map and first-touch %zu MB, six times\n", megabytes);
  for (size_t p = 0; p < sizeof pauses / sizeof pauses[0]; ++p) {
    printf("%7.1f ", pauses[p]);
    for (int i = 0; i < 6; ++i) {
      printf(" %6.1f", touch_ms(megabytes << 20));
      fflush(stdout);
      const struct timespec pause = {(time_t)pauses[p], (long)((pauses[p] - (time_t)pauses[p]) * 1e9)};
      nanosleep(&pause, NULL);
    }
    printf("\n");
  }
  return 0;
}
