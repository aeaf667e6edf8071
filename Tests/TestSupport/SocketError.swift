import Glibc

/// A socket call that failed, named by the call and its `errno`.
package struct SocketError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The name of the failing call, e.g. `"bind"`.
    package var call: String
    /// The `errno` the call left behind.
    package var errno: Int32

    /// Creates an error for `call` failing with `errno`.
    package init(call: String, errno: Int32) {
        self.call = call
        self.errno = errno
    }

    /// The call, the system's message for the errno and its number.
    package var description: String {
        "\(call): \(String(cString: strerror(errno))) (errno \(errno))"
    }
}
