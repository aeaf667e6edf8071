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
    /// Anything that makes a read worth trying: data, a hang-up, an error.
    package static let readableOrGone = EPollEvents(
        rawValue: CLINUX_EPOLLIN | CLINUX_EPOLLRDHUP | CLINUX_EPOLLHUP | CLINUX_EPOLLERR)
    /// The socket failed or hung up (what libcurl hears as CURL_CSELECT_ERR).
    package static let failed = EPollEvents(rawValue: CLINUX_EPOLLERR | CLINUX_EPOLLHUP)
    /// Data to read, or the socket failed or hung up.
    package static let readableOrFailed = EPollEvents(rawValue: CLINUX_EPOLLIN | CLINUX_EPOLLERR | CLINUX_EPOLLHUP)
    /// Room to write, or the socket failed or hung up (a connect's outcome).
    package static let writableOrFailed = EPollEvents(rawValue: CLINUX_EPOLLOUT | CLINUX_EPOLLERR | CLINUX_EPOLLHUP)
    /// The peer has gone, or the socket failed.
    package static let gone = EPollEvents(rawValue: CLINUX_EPOLLRDHUP | CLINUX_EPOLLHUP | CLINUX_EPOLLERR)

    /// Whether any bit of `other` is set.
    ///
    /// The handlers ask this for every readiness. OptionSet's own `isDisjoint(with: [...])` builds the literal
    /// through the generic `SetAlgebra.init(_:)` in another module, unspecialized: 3.6% of a proxied request's
    /// instructions under callgrind.
    @inlinable
    package func intersects(_ other: EPollEvents) -> Bool {
        rawValue & other.rawValue != 0
    }
}
