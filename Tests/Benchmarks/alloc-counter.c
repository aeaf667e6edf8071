/*
 * Counts heap allocations: an LD_PRELOAD library that forwards malloc, calloc, realloc, free, posix_memalign,
 * aligned_alloc and memalign to the real ones (dlsym(RTLD_NEXT)) and counts each call with a relaxed atomic.
 *
 *   gcc -O2 -shared -fPIC -o alloc-counter.so alloc-counter.c -ldl
 *   ALLOC_COUNTER_OUT=/tmp/counts LD_PRELOAD=./alloc-counter.so PROGRAM...
 *   kill -USR1 PID    # zero the counts (after a warm-up)
 *   kill -USR2 PID    # write the counts since the last zero to $ALLOC_COUNTER_OUT
 * A program can also zero them itself by calling alloc_counter_reset (curl-floor.c looks it up with dlsym).
 *
 * The counts are also written there when the program exits normally. Each write goes to "$ALLOC_COUNTER_OUT.tmp" and
 * is renamed over the path, so a reader that waits for the file never sees half of it. Output, one count a line:
 * "malloc N", "calloc N", "realloc N", "aligned N" (the three aligned calls together), "free N".
 *
 * Every thread's calls count. realloc counts every call, growing, shrinking, realloc(NULL, n) or realloc(p, 0).
 * Calls libc makes to its own malloc from inside (strdup, fopen, getaddrinfo) count as well: glibc routes them through
 * the interposable symbols. The program must not block SIGUSR1 and SIGUSR2 nor install handlers of its own for them.
 * Used by allocations.sh; not part of retryd.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { MALLOC, CALLOC, REALLOC, ALIGNED, FREE, KINDS };
static const char *const names[KINDS] = {"malloc", "calloc", "realloc", "aligned", "free"};
static _Atomic unsigned long counts[KINDS];

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void (*real_free)(void *);
static int (*real_posix_memalign)(void **, size_t, size_t);
static void *(*real_aligned_alloc)(size_t, size_t);
static void *(*real_memalign)(size_t, size_t);

static char out_path[4096];

/*
 * dlsym may allocate (glibc's dlerror buffer is calloc'ed) before the real calloc is known: those few requests are
 * served from this bump arena. Its blocks are never freed, and realloc moves them to the real heap.
 */
static _Alignas(16) char arena[8192];
static size_t arena_used;
static int resolving;

static void *arena_alloc(size_t size) {
    size_t need = (size + 16 + 15) & ~(size_t)15;
    if (arena_used + need > sizeof arena) return NULL;
    char *block = arena + arena_used;
    arena_used += need;
    memcpy(block, &size, sizeof size); /* the block's size sits in the 16 bytes before it, for realloc */
    return block + 16;
}

static int in_arena(const void *pointer) {
    return (const char *)pointer >= arena && (const char *)pointer < arena + sizeof arena;
}

static void count(int kind) { atomic_fetch_add_explicit(&counts[kind], 1, memory_order_relaxed); }

/* Async-signal-safe: only stores, open, write, close and rename. */
static void write_counts(void) {
    if (!out_path[0]) return;
    char tmp[sizeof out_path + 8];
    size_t length = strlen(out_path);
    memcpy(tmp, out_path, length);
    memcpy(tmp + length, ".tmp", 5);
    char text[KINDS * 32], *p = text;
    for (int kind = 0; kind < KINDS; kind++) {
        for (const char *name = names[kind]; *name; name++) *p++ = *name;
        *p++ = ' ';
        unsigned long value = atomic_load_explicit(&counts[kind], memory_order_relaxed);
        char digits[24];
        int n = 0;
        do { digits[n++] = (char)('0' + value % 10); value /= 10; } while (value);
        while (n) *p++ = digits[--n];
        *p++ = '\n';
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return;
    ssize_t written = write(fd, text, (size_t)(p - text));
    close(fd);
    if (written == p - text) rename(tmp, out_path);
}

/* Zeroes the counts; also called by curl-floor.c at the end of its warm-up (found with dlsym). */
void alloc_counter_reset(void) {
    for (int kind = 0; kind < KINDS; kind++) atomic_store_explicit(&counts[kind], 0, memory_order_relaxed);
}

static void on_signal(int signal) {
    int saved = errno; /* the interrupted code may be about to read it */
    if (signal == SIGUSR1) {
        alloc_counter_reset();
    } else {
        write_counts();
    }
    errno = saved;
}

static void resolve(void) {
    resolving = 1;
    real_malloc = dlsym(RTLD_NEXT, "malloc");
    real_calloc = dlsym(RTLD_NEXT, "calloc");
    real_realloc = dlsym(RTLD_NEXT, "realloc");
    real_free = dlsym(RTLD_NEXT, "free");
    real_posix_memalign = dlsym(RTLD_NEXT, "posix_memalign");
    real_aligned_alloc = dlsym(RTLD_NEXT, "aligned_alloc");
    real_memalign = dlsym(RTLD_NEXT, "memalign");
    resolving = 0;
}

__attribute__((constructor)) static void start(void) {
    if (!real_malloc) resolve();
    const char *path = getenv("ALLOC_COUNTER_OUT");
    if (path && strlen(path) < sizeof out_path) strcpy(out_path, path);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_signal;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    sigaction(SIGUSR1, &action, NULL);
    sigaction(SIGUSR2, &action, NULL);
    alloc_counter_reset();
}

__attribute__((destructor)) static void stop(void) { write_counts(); }

void *malloc(size_t size) {
    if (!real_malloc) {
        if (resolving) return arena_alloc(size);
        resolve();
    }
    count(MALLOC);
    return real_malloc(size);
}

void *calloc(size_t count_, size_t size) {
    if (!real_calloc) {
        if (resolving) {
            if (size && count_ > SIZE_MAX / size) return NULL;
            return arena_alloc(count_ * size); /* static storage: already zero */
        }
        resolve();
    }
    count(CALLOC);
    return real_calloc(count_, size);
}

void *realloc(void *pointer, size_t size) {
    if (!real_realloc) {
        if (resolving) return NULL;
        resolve();
    }
    if (in_arena(pointer)) {
        size_t old;
        memcpy(&old, (char *)pointer - 16, sizeof old);
        void *moved = malloc(size);
        if (moved) memcpy(moved, pointer, old < size ? old : size);
        return moved;
    }
    count(REALLOC);
    return real_realloc(pointer, size);
}

void free(void *pointer) {
    if (!pointer || in_arena(pointer)) return;
    if (!real_free) resolve();
    count(FREE);
    real_free(pointer);
}

int posix_memalign(void **result, size_t alignment, size_t size) {
    if (!real_posix_memalign) resolve();
    count(ALIGNED);
    return real_posix_memalign(result, alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size) {
    if (!real_aligned_alloc) resolve();
    count(ALIGNED);
    return real_aligned_alloc(alignment, size);
}

void *memalign(size_t alignment, size_t size) {
    if (!real_memalign) resolve();
    count(ALIGNED);
    return real_memalign(alignment, size);
}
