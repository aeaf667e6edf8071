#ifndef CLINUX_H
#define CLINUX_H

#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <signal.h>

/* epoll_event is packed on x86_64, which Swift cannot import faithfully: this mirror is plain. */
typedef struct {
    uint32_t events;
    uint64_t data;
} clinux_epoll_event;

/* epoll event bits, re-exported as plain constants so Swift need not see the enum macros. */
extern const uint32_t CLINUX_EPOLLIN;
extern const uint32_t CLINUX_EPOLLOUT;
extern const uint32_t CLINUX_EPOLLERR;
extern const uint32_t CLINUX_EPOLLHUP;
extern const uint32_t CLINUX_EPOLLRDHUP;
extern const uint32_t CLINUX_EPOLLET;
extern const int CLINUX_EPOLL_CTL_ADD;
extern const int CLINUX_EPOLL_CTL_MOD;
extern const int CLINUX_EPOLL_CTL_DEL;

int clinux_epoll_create(void);
int clinux_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data);
int clinux_epoll_wait(int epfd, clinux_epoll_event *events, int maxevents, int timeout_ms);

int clinux_eventfd(unsigned int initval);
int clinux_signalfd(const int *signals, int count);
int clinux_signalfd_read(int fd);
int clinux_block_signals(const int *signals, int count);

int clinux_accept4(int fd, struct sockaddr *addr, socklen_t *len);
int clinux_socket_nonblocking(int domain, int type);
int64_t clinux_monotonic_ns(void);
int64_t clinux_realtime_ns(void);

/* glibc's malloc_trim, from <malloc.h>, which Glibc's module map does not export. */
int clinux_malloc_trim(size_t pad);

/* The CPUs this process may run on (sched_getaffinity), at least 1: what `workers` defaults to, so a container
   limited by a cpuset gets one loop per CPU it has, not per CPU of the host. */
int clinux_available_cpus(void);

#endif
