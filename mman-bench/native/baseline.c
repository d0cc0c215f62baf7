/*
 * The physical limit for mman's benchmarks: each workload of the JMH suite done in plain C
 * with the same sizes. Prints one line per workload, "group op c param ns_per_op", where
 * group/op/param name the JMH benchmark it stands beside. Each figure is the median of several
 * timed runs after a warm-up run; a run repeats the operation long enough to dwarf the clock.
 *
 * usage: baseline [--quick] [--group GROUP] SCRATCH_DIR
 *
 * With --group only that group's workloads run (AnonCopy, FileCopy, Lifecycle, Control, Fill,
 * those of baseline_shared.c: SharedMemory, Records, PingPong, SharedLock, and those of
 * baseline_usage.c: MapTouch, Prefault, HugeRandom, ColdScan, ColdRandom),
 * so that bench/run can measure each group right beside its JMH benchmarks.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int quick;
static const char *scratch;
static const char *only_group;

static int wanted(const char *group) {
    return only_group == NULL || strcmp(only_group, group) == 0;
}

/* Keeps the compiler from dropping or merging copies whose result nobody reads. */
#define CLOBBER(p) __asm__ volatile("" : : "r"(p) : "memory")

typedef void (*op_fn)(void *ctx);

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double time_reps(op_fn op, void *ctx, long reps) {
    double start = now_ns();
    for (long i = 0; i < reps; i++) {
        op(ctx);
    }
    return now_ns() - start;
}

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

/* Median ns per operation of `runs` timed runs of `reps` operations, after one untimed run. */
static double median_of_runs(op_fn op, void *ctx, long reps, int runs) {
    double per_op[16];
    time_reps(op, ctx, reps);
    for (int r = 0; r < runs; r++) {
        per_op[r] = time_reps(op, ctx, reps) / reps;
    }
    qsort(per_op, runs, sizeof per_op[0], compare_doubles);
    return per_op[runs / 2];
}

/*
 * Median ns per operation over several runs, each sized to last about run_ms. The full run's
 * 5 x 150 ms (plus calibration and a warm-up run: about a second a workload) keeps all the
 * baselines, measured before and after each group, near four minutes of bench/run's budget.
 */
static double measure(op_fn op, void *ctx) {
    double run_ns = (quick ? 50 : 150) * 1e6;
    int runs = quick ? 3 : 5;
    long reps = 1;
    double elapsed;
    while ((elapsed = time_reps(op, ctx, reps)) < 10e6 && reps < (1L << 40)) {
        reps *= 2;
    }
    return median_of_runs(op, ctx, (long) (reps * run_ns / elapsed) + 1, runs);
}

static void die(const char *what) {
    perror(what);
    exit(1);
}

static char *scratch_file(size_t size) {
    static int counter;
    char *path;
    if (asprintf(&path, "%s/baseline-%d-%d.bin", scratch, (int) getpid(), counter++) < 0) {
        die("asprintf");
    }
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        die(path);
    }
    char chunk[65536];
    for (size_t i = 0; i < sizeof chunk; i++) {
        chunk[i] = (char) (i * 31 + 7);
    }
    for (size_t done = 0; done < size;) {
        size_t n = size - done < sizeof chunk ? size - done : sizeof chunk;
        ssize_t w = pwrite(fd, chunk, n, (off_t) done);
        if (w <= 0) {
            die("pwrite");
        }
        done += (size_t) w;
    }
    close(fd);
    return path;
}

static void *map_or_die(size_t size, int prot, int flags, int fd) {
    void *p = mmap(NULL, size, prot, flags, fd, 0);
    if (p == MAP_FAILED) {
        die("mmap");
    }
    return p;
}

/* ------------------------------------------------------------------ copies and fill */

struct copy { void *dst; const void *src; size_t size; };

static void copy_op(void *ctx) {
    struct copy *c = ctx;
    memcpy(c->dst, c->src, c->size);
    CLOBBER(c->dst);
}

struct fill { void *dst; size_t size; int value; };

static void fill_op(void *ctx) {
    struct fill *f = ctx;
    memset(f->dst, f->value++ & 0xff, f->size);
    CLOBBER(f->dst);
}

static void copies(const char *group, size_t size, int file_backed) {
    char *heap = malloc(size);
    if (heap == NULL) {
        die("malloc");
    }
    memset(heap, 5, size);
    char *path = NULL;
    void *map;
    if (file_backed) {
        path = scratch_file(size);
        int fd = open(path, O_RDWR | O_CLOEXEC);
        if (fd < 0) {
            die(path);
        }
        map = map_or_die(size, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
        close(fd);
    } else {
        map = map_or_die(size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
    }
    memset(map, 1, size);
    struct copy read = {heap, map, size}, write = {map, heap, size};
    printf("%s read c %zu %.3f\n", group, size, measure(copy_op, &read));
    printf("%s write c %zu %.3f\n", group, size, measure(copy_op, &write));
    fflush(stdout);
    munmap(map, size);
    free(heap);
    if (path != NULL) {
        unlink(path);
        free(path);
    }
}

static void fill(size_t size) {
    void *map = map_or_die(size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
    struct fill f = {map, size, 1};
    fill_op(&f);
    printf("Fill fill c - %.3f\n", measure(fill_op, &f));
    munmap(map, size);
}

/* ------------------------------------------------------------------ create + close */

/*
 * A mapping made and unmapped per operation; `touch` writes one byte in between (MapTouch);
 * `checked` adds the fstat with which mman refuses a file too short for the mapping (cFstat).
 */
struct lifecycle { size_t size; const char *path; int touch; int checked; };

static void use_and_unmap(const struct lifecycle *l, volatile char *p) {
    if (l->touch) {
        p[0]++;
    }
    CLOBBER(p);
    munmap((void *) p, l->size);
}

static void anon_lifecycle_op(void *ctx) {
    struct lifecycle *l = ctx;
    use_and_unmap(l, map_or_die(l->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1));
}

/* The same work as mman's path factory: open, map, close the descriptor, later unmap. */
static void file_lifecycle_op(void *ctx) {
    struct lifecycle *l = ctx;
    int fd = open(l->path, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        die(l->path);
    }
    struct stat st;
    if (l->checked && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (size_t) st.st_size < l->size)) {
        die("fstat");
    }
    void *p = map_or_die(l->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
    close(fd);
    use_and_unmap(l, p);
}

/* Lifecycle (the memory never touched) or MapTouch (one byte written) at one size. */
static void lifecycles(const char *group, size_t size, int touch) {
    struct lifecycle anon = {size, NULL, touch, 0};
    printf("%s anon c %zu %.3f\n", group, size, measure(anon_lifecycle_op, &anon));
    char *path = scratch_file(size);
    struct lifecycle file = {size, path, touch, 0}, checked = {size, path, touch, 1};
    printf("%s file c %zu %.3f\n", group, size, measure(file_lifecycle_op, &file));
    printf("%s file cFstat %zu %.3f\n", group, size, measure(file_lifecycle_op, &checked));
    fflush(stdout);
    unlink(path);
    free(path);
}

/* ------------------------------------------------------------------ control calls */

struct page { void *p; size_t size; };

static void mprotect_op(void *ctx) {
    struct page *g = ctx;
    if (mprotect(g->p, g->size, PROT_READ | PROT_WRITE) != 0) {
        die("mprotect");
    }
}

static void mprotect_toggle_op(void *ctx) {
    struct page *g = ctx;
    if (mprotect(g->p, g->size, PROT_READ) != 0 || mprotect(g->p, g->size, PROT_READ | PROT_WRITE) != 0) {
        die("mprotect");
    }
}

static void mlock_op(void *ctx) {
    struct page *g = ctx;
    if (mlock(g->p, g->size) != 0 || munlock(g->p, g->size) != 0) {
        die("mlock");
    }
}

static void msync_op(void *ctx) {
    struct page *g = ctx;
    if (msync(g->p, g->size, MS_SYNC) != 0) {
        die("msync");
    }
}

static void control(void) {
    size_t page = 4096;
    struct page anon = {map_or_die(page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1), page};
    memset(anon.p, 1, page);
    printf("Control mprotect c - %.3f\n", measure(mprotect_op, &anon));
    printf("Control mprotectToggle c - %.3f\n", measure(mprotect_toggle_op, &anon));
    printf("Control mlock c - %.3f\n", measure(mlock_op, &anon));
    char *path = scratch_file(page);
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        die(path);
    }
    struct page file = {map_or_die(page, PROT_READ | PROT_WRITE, MAP_SHARED, fd), page};
    close(fd);
    printf("Control msync c - %.3f\n", measure(msync_op, &file));
    fflush(stdout);
    munmap(anon.p, page);
    munmap(file.p, page);
    unlink(path);
    free(path);
}

#include "baseline_shared.c"
#include "baseline_usage.c"

int main(int argc, char **argv) {
    int arg = 1;
    for (; arg < argc && argv[arg][0] == '-'; arg++) {
        if (strcmp(argv[arg], "--quick") == 0) {
            quick = 1;
        } else if (strcmp(argv[arg], "--group") == 0 && arg + 1 < argc) {
            only_group = argv[++arg];
        } else {
            break;
        }
    }
    if (arg + 1 != argc) {
        fprintf(stderr, "usage: %s [--quick] [--group GROUP] SCRATCH_DIR\n", argv[0]);
        return 2;
    }
    scratch = argv[arg];
    size_t sizes[] = {1u << 20, 256u << 20};
    int nsizes = quick ? 1 : 2;
    for (int i = 0; i < nsizes; i++) {
        if (wanted("AnonCopy")) {
            copies("AnonCopy", sizes[i], 0);
        }
        if (wanted("FileCopy")) {
            copies("FileCopy", sizes[i], 1);
        }
    }
    if (wanted("Lifecycle")) {
        lifecycles("Lifecycle", 4096, 0);
        lifecycles("Lifecycle", 1u << 20, 0);
    }
    if (wanted("Control")) {
        control();
    }
    if (wanted("Fill")) {
        fill(1u << 20);
    }
    shared_groups();
    usage_groups();
    return 0;
}
