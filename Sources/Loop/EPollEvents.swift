import CLinux

/// epoll event bits, converted from C in this one place.
package struct EPollEvents: OptionSet, Sendable, Hashable {
    /// The raw epoll bit mask.
    package let rawValue: UInt32

    /// Creates a set from raw epoll bits.
    package init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// Readable (EPOLLIN).
    package static let readable = EPollEvents(rawValue: CLINUX_EPOLLIN)
    /// Writable (EPOLLOUT).
    package static let writable = EPollEvents(rawValue: CLINUX_EPOLLOUT)
    /// Error condition (EPOLLERR); always reported.
    package static let error = EPollEvents(rawValue: CLINUX_EPOLLERR)
    /// Hang-up (EPOLLHUP); always reported.
    package static let hangup = EPollEvents(rawValue: CLINUX_EPOLLHUP)
    /// Report changes only (EPOLLET): the handler must drain until EAGAIN or remember it did not.
    package static let edgeTriggered = EPollEvents(rawValue: CLINUX_EPOLLET)
    /// Peer shut down its write side (EPOLLRDHUP).
    package static let readHangup = EPollEvents(rawValue: CLINUX_EPOLLRDHUP)
}
