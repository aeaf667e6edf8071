#ifndef CHIREDIS_SHIM_H
#define CHIREDIS_SHIM_H

/* hiredis 0.14 (Debian's libhiredis-dev) as Swift sees it, plus the few helpers Swift cannot write itself:
 * fcntl is variadic, and the sigset macros are not importable. */
#include <hiredis/hiredis.h>
#include <hiredis/async.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>

/* The adapter hooks of a redisAsyncContext, as one C function pointer type. */
typedef void (*chiredis_hook)(void *privdata);
/* hiredis declares its callbacks as function types; Swift can only define C functions of pointer types. */
typedef void (*chiredis_reply_fn)(redisAsyncContext *ac, void *reply, void *privdata);
typedef void (*chiredis_connect_fn)(const redisAsyncContext *ac, int status);

/* Points hiredis's event-library hooks at `data` and the given functions (what hiredis's own adapters do). */
static inline void chiredis_attach(redisAsyncContext *ac, void *data, chiredis_hook add_read, chiredis_hook del_read,
                                   chiredis_hook add_write, chiredis_hook del_write, chiredis_hook cleanup) {
    ac->ev.data = data;
    ac->ev.addRead = add_read;
    ac->ev.delRead = del_read;
    ac->ev.addWrite = add_write;
    ac->ev.delWrite = del_write;
    ac->ev.cleanup = cleanup;
}

/* 1 when `fd` is in non-blocking mode, 0 when it blocks, -1 when fcntl fails. */
static inline int chiredis_is_nonblocking(int fd) {
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0) return -1;
    return (flags & O_NONBLOCK) ? 1 : 0;
}

/* hiredis 0.14 writes with write(2), not send(MSG_NOSIGNAL): a write to a connection Redis reset raises SIGPIPE,
 * whose default action ends the process. Blocking it on the loop thread turns that into EPIPE, which hiredis
 * reports as an I/O error. Returns 0 on success. */
static inline int chiredis_block_sigpipe(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    return pthread_sigmask(SIG_BLOCK, &set, NULL);
}

#endif
