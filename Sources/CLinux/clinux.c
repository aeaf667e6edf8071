/* CLinux: epoll, eventfd, timerfd, signalfd, accept4 */
