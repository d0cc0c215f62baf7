/*
 * The C baselines of what mapping is for: a mapping used once and closed, prefaulting, random
 * reads with and without transparent huge pages, and files read cold from the device.
 * Included by baseline.c, whose harness (measure, median_of_runs, lifecycles, die, map_or_die,
 * CLOBBER, scratch) it uses.
 * Sizes follow the JMH parameters: bench/run --quick passes smaller ones to both sides.
 *
 * The cold files are made once as SCRATCH_DIR/cold-SIZE.bin and kept there, because the JMH
 * forks that run next use the same file (bench/run removes SCRATCH_DIR at exit).
 */
#include <errno.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

/* ------------------------------------------------------------------ heavy operations */

/* Median ns of three single runs after one warm-up, for operations of a second or more. */
static double measure_few(op_fn op, void *ctx) {
    return median_of_runs(op, ctx, 1, 3);
}

/* ------------------------------------------------------------------ prefault */

static void touch_pages(volatile char *p, size_t size) {
    for (size_t at = 0; at < size; at += 4096) {
        p[at] = 1;
    }
}

static void populate_op(void *ctx) {
    size_t size = *(size_t *) ctx;
    void *p = map_or_die(size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1);
    CLOBBER(p);
    munmap(p, size);
}

static void huge_touch_op(void *ctx) {
    size_t size = *(size_t *) ctx;
    char *p = map_or_die(size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
    madvise(p, size, MADV_HUGEPAGE);
    touch_pages(p, size);
    munmap(p, size);
}

static void fill_fresh_op(void *ctx) {
    size_t size = *(size_t *) ctx;
    char *p = map_or_die(size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
    memset(p, 1, size);
    CLOBBER(p);
    munmap(p, size);
}

static void prefault(size_t size) {
    printf("Prefault populate c %zu %.3f\n", size, measure_few(populate_op, &size));
    printf("Prefault hugeTouch c %zu %.3f\n", size, measure_few(huge_touch_op, &size));
    printf("Prefault fillFresh c %zu %.3f\n", size, measure_few(fill_fresh_op, &size));
    fflush(stdout);
}

/* ------------------------------------------------------------------ random reads, huge pages */

/* xorshift64, the sequence of the Java side's RandomOffsets. */
static uint64_t next_random(uint64_t state) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

#define RANDOM_SEED 0x9E3779B97F4A7C15ULL
#define RANDOM_READS 4096

struct random_reads { const uint64_t *memory; size_t longs; uint64_t state; uint64_t sum; };

static void random_reads_op(void *ctx) {
    struct random_reads *r = ctx;
    uint64_t state = r->state, sum = 0;
    for (int i = 0; i < RANDOM_READS; i++) {
        state = next_random(state);
        sum += r->memory[state % r->longs];
    }
    r->state = state;
    r->sum += sum;
    CLOBBER(r->sum);
}

static void huge_random(size_t size, int huge) {
    uint64_t *memory = map_or_die(size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
    if (huge && madvise(memory, size, MADV_HUGEPAGE) != 0) {
        die("madvise(MADV_HUGEPAGE)");
    }
    if (madvise(memory, size, MADV_POPULATE_WRITE) != 0) {
        touch_pages((volatile char *) memory, size);
    }
    struct random_reads r = {memory, size / sizeof(uint64_t), RANDOM_SEED, 0};
    printf("HugeRandom random %s %zu %.3f\n", huge ? "cHuge" : "c", size, measure(random_reads_op, &r));
    fflush(stdout);
    munmap(memory, size);
}

/* ------------------------------------------------------------------ cold files */

static char *cold_file(size_t size) {
    char *path;
    if (asprintf(&path, "%s/cold-%zu.bin", scratch, size) < 0) {
        die("asprintf");
    }
    struct stat st;
    if (stat(path, &st) == 0 && (size_t) st.st_size == size) {
        return path;
    }
    char *made = scratch_file(size);
    if (rename(made, path) != 0) {
        die("rename");
    }
    free(made);
    return path;
}

static long long device_read_bytes(void) {
    FILE *io = fopen("/proc/self/io", "r");
    long long bytes = 0;
    char line[128];
    if (io == NULL) {
        return 0;
    }
    while (fgets(line, sizeof line, io) != NULL) {
        if (sscanf(line, "read_bytes: %lld", &bytes) == 1) {
            break;
        }
    }
    fclose(io);
    return bytes;
}

/* Writes dirty pages back, drops the file's cached pages, and says whether under 1% stayed. */
static int evict(const char *path, size_t size) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        die(path);
    }
    fdatasync(fd);
    posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    void *p = map_or_die(size, PROT_READ, MAP_SHARED, fd);
    size_t pages = (size + 4095) / 4096, resident = 0;
    unsigned char *vector = malloc(pages);
    if (vector == NULL || mincore(p, size, vector) != 0) {
        die("mincore");
    }
    for (size_t i = 0; i < pages; i++) {
        resident += vector[i] & 1;
    }
    free(vector);
    munmap(p, size);
    close(fd);
    return resident * 100 < pages;
}

struct cold { const char *path; size_t size; uint64_t sum; char *buffer; };

/*
 * One run from an evicted file; prints "group op impl size ns device_bytes". One run, because a
 * run of the 2 GiB scan takes seconds at the device's pace; bench/run measures each group
 * before and after its JMH benchmarks, and the report averages the two.
 */
static void measure_cold(const char *group, const char *op_name, const char *impl, op_fn op, struct cold *c) {
    if (!evict(c->path, c->size)) {
        fprintf(stderr, "%s %s %s: %s stayed in the page cache after eviction; not measured\n", group, op_name,
                impl, c->path);
        return;
    }
    long long before = device_read_bytes();
    double start = now_ns();
    op(c);
    double elapsed = now_ns() - start;
    printf("%s %s %s %zu %.3f %lld\n", group, op_name, impl, c->size, elapsed, device_read_bytes() - before);
    fflush(stdout);
}

static void cold_read_op(void *ctx) {
    struct cold *c = ctx;
    int fd = open(c->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        die(c->path);
    }
    size_t chunk = 1u << 20;
    for (;;) {
        ssize_t n = read(fd, c->buffer, chunk);
        if (n < 0) {
            die("read");
        }
        if (n == 0) {
            break;
        }
        for (ssize_t at = 0; at + 4096 <= n; at += 4096) {
            c->sum += *(uint64_t *) (c->buffer + at);
        }
    }
    close(fd);
    CLOBBER(c->sum);
}

/* A read-only shared mapping of the whole cold file; the descriptor is closed at once. */
static const char *map_cold(const struct cold *c) {
    int fd = open(c->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        die(c->path);
    }
    const char *p = map_or_die(c->size, PROT_READ, MAP_SHARED, fd);
    close(fd);
    return p;
}

static void cold_mmap_op(void *ctx) {
    struct cold *c = ctx;
    const char *p = map_cold(c);
    for (size_t at = 0; at + 4096 <= c->size; at += 4096) {
        c->sum += *(const volatile uint64_t *) (p + at);
    }
    munmap((void *) p, c->size);
    CLOBBER(c->sum);
}

#define COLD_READS 512

static void cold_pread_op(void *ctx) {
    struct cold *c = ctx;
    int fd = open(c->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        die(c->path);
    }
    uint64_t state = RANDOM_SEED, pages = c->size / 4096;
    for (int i = 0; i < COLD_READS; i++) {
        state = next_random(state);
        if (pread(fd, c->buffer, 4096, (off_t) ((state % pages) * 4096)) != 4096) {
            die("pread");
        }
        c->sum += (unsigned char) c->buffer[0];
    }
    close(fd);
    CLOBBER(c->sum);
}

/* The same reads through a mapping advised MADV_RANDOM, as mman's row does them (a copy per page). */
static void cold_mmap_random_op(void *ctx) {
    struct cold *c = ctx;
    const char *p = map_cold(c);
    if (madvise((void *) p, c->size, MADV_RANDOM) != 0) {
        die("madvise(MADV_RANDOM)");
    }
    uint64_t state = RANDOM_SEED, pages = c->size / 4096;
    for (int i = 0; i < COLD_READS; i++) {
        state = next_random(state);
        memcpy(c->buffer, p + (state % pages) * 4096, 4096);
        c->sum += (unsigned char) c->buffer[0];
    }
    munmap((void *) p, c->size);
    CLOBBER(c->sum);
}

static void cold_files(size_t size) {
    char *path = cold_file(size);
    struct cold c = {path, size, 0, malloc(1u << 20)};
    if (c.buffer == NULL) {
        die("malloc");
    }
    if (wanted("ColdScan")) {
        measure_cold("ColdScan", "scan", "c", cold_read_op, &c);
        measure_cold("ColdScan", "scan", "cMmap", cold_mmap_op, &c);
    }
    if (wanted("ColdRandom")) {
        measure_cold("ColdRandom", "random", "c", cold_pread_op, &c);
        measure_cold("ColdRandom", "random", "cMmapRandom", cold_mmap_random_op, &c);
    }
    free(c.buffer);
    free(path);
}

static void usage_groups(void) {
    if (wanted("MapTouch")) {
        lifecycles("MapTouch", 4096, 1);
        if (!quick) { /* bench/run --quick measures 4 KiB only */
            lifecycles("MapTouch", 1u << 20, 1);
        }
    }
    if (wanted("Prefault")) {
        prefault(quick ? 256u << 20 : 1u << 30);
    }
    if (wanted("HugeRandom")) {
        size_t size = quick ? (size_t) 512 << 20 : (size_t) 4 << 30;
        huge_random(size, 1);
        huge_random(size, 0);
    }
    if (wanted("ColdScan") || wanted("ColdRandom")) {
        cold_files(quick ? (size_t) 256 << 20 : (size_t) 2 << 30);
    }
}
