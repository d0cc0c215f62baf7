/*
 * The C baselines of the shared-memory rows (named shared memory, the record iterator,
 * ping-pong between processes, an uncontended lock). Included by baseline.c, whose harness
 * (measure, die, scratch_file, map_or_die, CLOBBER) it uses; kept apart so that each file
 * stays about one family of workloads.
 */
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

/* ------------------------------------------------------------------ named shared memory */

struct shm { char name[64]; size_t size; };

/* SharedMemory.create, then unlink and close: the calls mman's create_mman makes. */
static void shm_create_op(void *ctx) {
    struct shm *s = ctx;
    int fd = shm_open(s->name, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0) {
        die("shm_open");
    }
    if (ftruncate(fd, (off_t) s->size) != 0) {
        die("ftruncate");
    }
    void *p = map_or_die(s->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
    close(fd);
    CLOBBER(p);
    shm_unlink(s->name);
    munmap(p, s->size);
}

/* SharedMemory.open: the size comes from fstat, as mman learns it. */
static void shm_open_op(void *ctx) {
    struct shm *s = ctx;
    int fd = shm_open(s->name, O_RDWR | O_CLOEXEC, 0);
    if (fd < 0) {
        die("shm_open");
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        die("fstat");
    }
    void *p = map_or_die((size_t) st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
    close(fd);
    CLOBBER(p);
    munmap(p, (size_t) st.st_size);
}

static void shared_memory(size_t size) {
    struct shm fresh = {.size = size}, existing = {.size = size};
    snprintf(fresh.name, sizeof fresh.name, "/mman-baseline-fresh-%d", (int) getpid());
    snprintf(existing.name, sizeof existing.name, "/mman-baseline-existing-%d", (int) getpid());
    printf("SharedMemory create c %zu %.3f\n", size, measure(shm_create_op, &fresh));
    int fd = shm_open(existing.name, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0 || ftruncate(fd, (off_t) size) != 0) {
        die("shm_open");
    }
    close(fd);
    printf("SharedMemory open c %zu %.3f\n", size, measure(shm_open_op, &existing));
    fflush(stdout);
    shm_unlink(existing.name);
}

/* ------------------------------------------------------------------ records of a file */

struct records { const char *path; size_t size; size_t record; };

#define READ_BUFFER (1u << 20)

/* The loop a C programmer writes without mmap: read() into one buffer, visit each record. */
static void records_read_op(void *ctx) {
    static char buffer[READ_BUFFER] __attribute__((aligned(64)));
    struct records *r = ctx;
    int fd = open(r->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        die(r->path);
    }
    long sum = 0;
    ssize_t n;
    while ((n = read(fd, buffer, sizeof buffer)) > 0) {
        for (size_t at = 0; at + r->record <= (size_t) n; at += r->record) {
            long value;
            memcpy(&value, buffer + at, sizeof value);
            sum += value;
        }
    }
    if (n < 0) {
        die("read");
    }
    close(fd);
    CLOBBER(sum);
}

/* The same with the whole file mapped once, sequential advice, unmapped at the end. */
static void records_mmap_op(void *ctx) {
    struct records *r = ctx;
    int fd = open(r->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        die(r->path);
    }
    const char *p = map_or_die(r->size, PROT_READ, MAP_SHARED, fd);
    close(fd);
    madvise((void *) p, r->size, MADV_SEQUENTIAL);
    long sum = 0;
    for (size_t at = 0; at + r->record <= r->size; at += r->record) {
        long value;
        memcpy(&value, p + at, sizeof value);
        sum += value;
    }
    CLOBBER(sum);
    munmap((void *) p, r->size);
}

static void records(size_t size) {
    char *path = scratch_file(size);
    size_t sizes[] = {64, 4096};
    for (int i = 0; i < 2; i++) {
        struct records r = {path, size, sizes[i]};
        printf("Records sum%zu c %zu %.3f\n", sizes[i], size, measure(records_read_op, &r));
        printf("Records sum%zu cMmap %zu %.3f\n", sizes[i], size, measure(records_mmap_op, &r));
        fflush(stdout);
    }
    unlink(path);
    free(path);
}

/* ------------------------------------------------------------------ ping-pong between processes */

/* The two words live on cache lines of their own, as mman's ring counters do. */
struct table {
    _Alignas(128) uint32_t ping;
    _Alignas(128) uint32_t pong;
    _Alignas(128) uint32_t stop;
};

struct rally { struct table *t; uint32_t seq; int futex; };

static long futex(uint32_t *word, int op, uint32_t value) {
    return syscall(SYS_futex, word, op, value, NULL, NULL, 0);
}

static uint32_t load(uint32_t *word) {
    return __atomic_load_n(word, __ATOMIC_ACQUIRE);
}

static void publish(uint32_t *word, uint32_t value, int wake) {
    __atomic_store_n(word, value, __ATOMIC_RELEASE);
    if (wake) {
        futex(word, FUTEX_WAKE, 1);
    }
}

/* Waits until *word differs from seen: spinning, or sleeping in FUTEX_WAIT with no spin first. */
static uint32_t await_change(uint32_t *word, uint32_t seen, int use_futex, uint32_t *stop) {
    uint32_t value;
    while ((value = load(word)) == seen) {
        if (stop != NULL && load(stop)) {
            _exit(0);
        }
        if (use_futex) {
            futex(word, FUTEX_WAIT, seen);
        } else {
            __builtin_ia32_pause();
        }
    }
    return value;
}

static void echo(struct table *t, int use_futex) {
    uint32_t last = 0;
    for (;;) {
        last = await_change(&t->ping, last, use_futex, &t->stop);
        publish(&t->pong, last, use_futex);
    }
}

static void round_trip_op(void *ctx) {
    struct rally *r = ctx;
    uint32_t before = r->seq++;
    publish(&r->t->ping, r->seq, r->futex);
    await_change(&r->t->pong, before, r->futex, NULL);
}

static void ping_pong(int use_futex) {
    struct table *t = map_or_die(sizeof *t, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1);
    memset(t, 0, sizeof *t);
    pid_t child = fork();
    if (child < 0) {
        die("fork");
    }
    if (child == 0) {
        echo(t, use_futex);
    }
    struct rally r = {t, 0, use_futex};
    printf("PingPong %s c - %.3f\n", use_futex ? "futex" : "spin", measure(round_trip_op, &r));
    fflush(stdout);
    /* A new ping value as well as the flag: a child about to sleep on the old value wakes. */
    publish(&t->stop, 1, 0);
    publish(&t->ping, r.seq + 1, 1);
    waitpid(child, NULL, 0);
    munmap(t, sizeof *t);
}

/* ------------------------------------------------------------------ uncontended lock */

static void mutex_op(void *ctx) {
    pthread_mutex_t *m = ctx;
    pthread_mutex_lock(m);
    pthread_mutex_unlock(m);
}

/* A futex mutex's fast path: compare-and-swap in, exchange out (the exchange tells whether to wake). */
static void cas_op(void *ctx) {
    uint32_t *word = ctx;
    uint32_t expected = 0;
    if (!__atomic_compare_exchange_n(word, &expected, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
        die("lock held");
    }
    if (__atomic_exchange_n(word, 0, __ATOMIC_RELEASE) != 1) {
        die("lock contended");
    }
}

static void shared_lock(void) {
    pthread_mutex_t *m = map_or_die(4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1);
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    pthread_mutex_init(m, &attr);
    printf("SharedLock lockUnlock c - %.3f\n", measure(mutex_op, m));
    uint32_t *word = (uint32_t *) ((char *) m + 2048);
    printf("SharedLock lockUnlock cCas - %.3f\n", measure(cas_op, word));
    fflush(stdout);
    pthread_mutex_destroy(m);
    munmap(m, 4096);
}

/* The groups of this file, in the order of the report. */
static void shared_groups(void) {
    if (wanted("SharedMemory")) {
        shared_memory(4096);
        shared_memory(1u << 20);
    }
    if (wanted("Records")) {
        records(quick ? 64u << 20 : 256u << 20);
    }
    if (wanted("PingPong")) {
        ping_pong(0);
        ping_pong(1);
    }
    if (wanted("SharedLock")) {
        shared_lock();
    }
}
