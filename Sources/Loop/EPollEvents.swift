import CLinux

/// epoll event bits, converted from C in this one place.
public struct EPollEvents: OptionSet, Sendable, Hashable {
    /// The raw epoll bit mask.
    public let rawValue: UInt32

    /// Creates a set from raw epoll bits.
    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// Readable (EPOLLIN).
    public static let readable = EPollEvents(rawValue: CLINUX_EPOLLIN)
    /// Writable (EPOLLOUT).
    public static let writable = EPollEvents(rawValue: CLINUX_EPOLLOUT)
    /// Error condition (EPOLLERR); always reported.
    public static let error = EPollEvents(rawValue: CLINUX_EPOLLERR)
    /// Hang-up (EPOLLHUP); always reported.
    public static let hangup = EPollEvents(rawValue: CLINUX_EPOLLHUP)
    /// Report changes only (EPOLLET): the handler must drain until EAGAIN or remember it did not.
    public static let edgeTriggered = EPollEvents(rawValue: CLINUX_EPOLLET)
    /// Peer shut down its write side (EPOLLRDHUP).
    public static let readHangup = EPollEvents(rawValue: CLINUX_EPOLLRDHUP)
}
