/*
 * The libcurl floor: what libcurl alone costs per proxied request, with nothing of retryd around it.
 * One thread, one epoll loop, curl's multi_socket interface, N transfers kept in flight against one URL,
 * set up the way retryd's forwarder sets them up (pooled easy handles, no reset, idle sockets left on epoll,
 * no signals, libcurl's default headers suppressed). No client side at all: no accept, no request parsing,
 * no response writing, no logging. Prints requests/s, CPU microseconds per request, and the transfers that failed
 * and completed.
 *
 *   cc -O2 -o curl-floor curl-floor.c -lcurl && ./curl-floor URL [transfers] [seconds] [warm-up seconds]
 *
 * A warm-up runs first and is left out of the figures; at its end an LD_PRELOAD'ed alloc-counter.c, if there is one,
 * is zeroed (allocations.sh counts the steady state that way).
 *
 * Built and run by bench.sh, instructions.sh and allocations.sh; not part of retryd.
 */
#define _GNU_SOURCE
#include <curl/curl.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <time.h>

static int epfd;
static unsigned registered[65536]; /* events each descriptor is registered for; 0 = not registered */
static long timeout_ms = -1;

static int on_socket(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp) {
    (void)easy; (void)userp; (void)socketp;
    struct epoll_event event = {0};
    event.data.fd = fd;
    if (what == CURL_POLL_REMOVE || fd < 0 || fd >= 65536) return 0; /* stays registered while idle, as in retryd */
    event.events = (what & CURL_POLL_IN ? EPOLLIN : 0) | (what & CURL_POLL_OUT ? EPOLLOUT : 0);
    if (registered[fd] == event.events) return 0;
    if (epoll_ctl(epfd, registered[fd] ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &event) != 0) {
        epoll_ctl(epfd, registered[fd] ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &event); /* fd reused after a close */
    }
    registered[fd] = event.events;
    return 0;
}

static int on_timer(CURLM *multi, long milliseconds, void *userp) {
    (void)multi; (void)userp;
    timeout_ms = milliseconds;
    return 0;
}

static size_t discard(char *data, size_t size, size_t count, void *userp) {
    (void)data; (void)userp;
    return size * count;
}

static double seconds_since(const struct timespec *start) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* Keeps the transfers going for a number of seconds, counting those that end. */
static void run(CURLM *multi, double seconds, long *completed, long *failed) {
    int running = 0;
    struct epoll_event events[256];
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    while (seconds_since(&start) < seconds) {
        int count = epoll_wait(epfd, events, 256, timeout_ms < 0 ? 100 : (int)timeout_ms);
        for (int i = 0; i < count; i++) {
            int mask = (events[i].events & EPOLLIN ? CURL_CSELECT_IN : 0) |
                       (events[i].events & EPOLLOUT ? CURL_CSELECT_OUT : 0) |
                       (events[i].events & (EPOLLERR | EPOLLHUP) ? CURL_CSELECT_ERR : 0);
            curl_multi_socket_action(multi, events[i].data.fd, mask, &running);
        }
        if (count == 0 || timeout_ms == 0) {
            timeout_ms = -1;
            curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &running);
        }
        CURLMsg *message;
        int left;
        while ((message = curl_multi_info_read(multi, &left)) != NULL) {
            if (message->msg != CURLMSG_DONE) continue;
            if (message->data.result == CURLE_OK) (*completed)++; else (*failed)++;
            CURL *easy = message->easy_handle;
            curl_multi_remove_handle(multi, easy);
            curl_multi_add_handle(multi, easy);
        }
    }
}

static double cpu_seconds(void) {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return (double)usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
           (double)usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s URL [transfers] [seconds] [warm-up seconds]\n", argv[0]);
        return 2;
    }
    const char *url = argv[1];
    int transfers = argc > 2 ? atoi(argv[2]) : 64;
    double duration = argc > 3 ? atof(argv[3]) : 5;
    double warmup = argc > 4 ? atof(argv[4]) : 0;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    epfd = epoll_create1(0);
    CURLM *multi = curl_multi_init();
    curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, on_timer);
    struct curl_slist *headers = curl_slist_append(NULL, "Accept:");
    headers = curl_slist_append(headers, "Expect:");
    for (int i = 0; i < transfers; i++) {
        CURL *easy = curl_easy_init();
        curl_easy_setopt(easy, CURLOPT_URL, url);
        curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
        curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, discard);
        /* An https URL is verified against this CA, as retryd's ca_file does (bench.sh makes one). */
        if (getenv("CURL_FLOOR_CAINFO")) curl_easy_setopt(easy, CURLOPT_CAINFO, getenv("CURL_FLOOR_CAINFO"));
        /* Through a forward proxy: one CONNECT per connection, then the requests inside its tunnel. */
        if (getenv("CURL_FLOOR_PROXY")) curl_easy_setopt(easy, CURLOPT_PROXY, getenv("CURL_FLOOR_PROXY"));
        curl_multi_add_handle(multi, easy);
    }

    long completed = 0, failed = 0;
    double cpu_before = 0;
    if (warmup > 0) {
        run(multi, warmup, &completed, &failed);
        completed = 0;
        cpu_before = cpu_seconds();
        void (*reset_allocation_counter)(void) = (void (*)(void))dlsym(RTLD_DEFAULT, "alloc_counter_reset");
        if (reset_allocation_counter) reset_allocation_counter();
    }
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    run(multi, duration, &completed, &failed);
    double elapsed = seconds_since(&start);
    double cpu = cpu_seconds() - cpu_before;
    printf("%.0f requests/s, %.1f us CPU per request, %ld failed, %ld completed\n",
           completed / elapsed, completed > 0 ? cpu * 1e6 / completed : 0.0, failed, completed);
    return failed > 0 ? 1 : 0;
}
