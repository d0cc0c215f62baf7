/*
 * The C baselines of the shared-memory rows (named shared memory, the record iterator,
 * ping-pong between processes, an uncontended lock). Included by baseline.c, whose harness
 * (measure, die, scratch_file, map_or_die, CLOBBER) it uses; kept apart so that each file
 * stays about one family of workloads.
 */
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
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

/* The words live on cache lines of their own, as mman's ring counters do. */
struct table {
    _Alignas(128) uint32_t ping;
    _Alignas(128) uint32_t pong;
    _Alignas(128) uint32_t stop;
    /* Set while the reader of ping (pong) sleeps in FUTEX_WAIT: the writer wakes only then. */
    _Alignas(128) uint32_t ping_sleeper;
    _Alignas(128) uint32_t pong_sleeper;
};

/*
 * How a side waits for the other's word to change:
 * SPIN        busy-polls with pause;
 * FUTEX_ONLY  sleeps in FUTEX_WAIT at once, and every publish makes a FUTEX_WAKE call;
 * SPIN_FUTEX  mman's blocking read: polls 200 times with pause, 50 times with sched_yield, then
 *             announces that it sleeps and sleeps in FUTEX_WAIT; a publish calls FUTEX_WAKE only
 *             when the reader announced it (sequentially consistent store and load on both sides,
 *             where mman orders them with membarrier instead).
 */
enum wait_mode { SPIN, FUTEX_ONLY, SPIN_FUTEX };

#define SPIN_POLLS 200
#define YIELD_POLLS 50

struct rally { struct table *t; uint32_t seq; enum wait_mode mode; };

static long futex(uint32_t *word, int op, uint32_t value) {
    return syscall(SYS_futex, word, op, value, NULL, NULL, 0);
}

static uint32_t load(uint32_t *word) {
    return __atomic_load_n(word, __ATOMIC_ACQUIRE);
}

static void publish(uint32_t *word, uint32_t value, enum wait_mode mode, uint32_t *sleeper) {
    switch (mode) {
    case SPIN:
        __atomic_store_n(word, value, __ATOMIC_RELEASE);
        break;
    case FUTEX_ONLY:
        __atomic_store_n(word, value, __ATOMIC_RELEASE);
        futex(word, FUTEX_WAKE, 1);
        break;
    case SPIN_FUTEX:
        __atomic_store_n(word, value, __ATOMIC_SEQ_CST);
        if (__atomic_load_n(sleeper, __ATOMIC_SEQ_CST)) {
            futex(word, FUTEX_WAKE, 1);
        }
        break;
    }
}

/* One wait of a SPIN_FUTEX reader that found nothing after its polls. */
static void sleep_until_changed(uint32_t *word, uint32_t seen, uint32_t *sleeper) {
    __atomic_store_n(sleeper, 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(word, __ATOMIC_SEQ_CST) == seen) {
        futex(word, FUTEX_WAIT, seen);
    }
    __atomic_store_n(sleeper, 0, __ATOMIC_RELAXED);
}

/* Waits until *word differs from seen, in the given mode. */
static uint32_t await_change(uint32_t *word, uint32_t seen, enum wait_mode mode, uint32_t *sleeper,
                             uint32_t *stop) {
    uint32_t value;
    for (int idle = 0; (value = load(word)) == seen; idle++) {
        if (stop != NULL && load(stop)) {
            _exit(0);
        }
        if (mode == SPIN || (mode == SPIN_FUTEX && idle < SPIN_POLLS)) {
            __builtin_ia32_pause();
        } else if (mode == SPIN_FUTEX && idle < SPIN_POLLS + YIELD_POLLS) {
            sched_yield();
        } else if (mode == SPIN_FUTEX) {
            sleep_until_changed(word, seen, sleeper);
        } else {
            futex(word, FUTEX_WAIT, seen);
        }
    }
    return value;
}

static void echo(struct table *t, enum wait_mode mode) {
    uint32_t last = 0;
    for (;;) {
        last = await_change(&t->ping, last, mode, &t->ping_sleeper, &t->stop);
        publish(&t->pong, last, mode, &t->pong_sleeper);
    }
}

static void round_trip_op(void *ctx) {
    struct rally *r = ctx;
    uint32_t before = r->seq++;
    publish(&r->t->ping, r->seq, r->mode, &r->t->ping_sleeper);
    await_change(&r->t->pong, before, r->mode, &r->t->pong_sleeper, NULL);
}

/* The row each mode stands beside: the blocking rows compare with SPIN_FUTEX, FUTEX_ONLY is context. */
static const char *const ping_pong_rows[] = {
    [SPIN] = "spin c", [FUTEX_ONLY] = "futex cFutexOnly", [SPIN_FUTEX] = "futex c"};

static void ping_pong(enum wait_mode mode) {
    struct table *t = map_or_die(sizeof *t, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1);
    memset(t, 0, sizeof *t);
    pid_t child = fork();
    if (child < 0) {
        die("fork");
    }
    if (child == 0) {
        echo(t, mode);
    }
    struct rally r = {t, 0, mode};
    printf("PingPong %s - %.3f\n", ping_pong_rows[mode], measure(round_trip_op, &r));
    fflush(stdout);
    /* A new ping value as well as the flag, and a wake whatever the mode: a sleeping child wakes. */
    __atomic_store_n(&t->stop, 1, __ATOMIC_SEQ_CST);
    __atomic_store_n(&t->ping, r.seq + 1, __ATOMIC_SEQ_CST);
    futex(&t->ping, FUTEX_WAKE, 1);
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
        ping_pong(SPIN);
        ping_pong(SPIN_FUTEX);
        ping_pong(FUTEX_ONLY);
    }
    if (wanted("SharedLock")) {
        shared_lock();
    }
}
