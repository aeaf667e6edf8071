import Glibc

/// A socket call that failed, named by the call and its `errno`.
public struct SocketError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The name of the failing call, e.g. `"bind"`.
    public var call: String
    /// The `errno` the call left behind.
    public var errno: Int32

    /// Creates an error for `call` failing with `errno`.
    public init(call: String, errno: Int32) {
        self.call = call
        self.errno = errno
    }

    /// The call, the system's message for the errno and its number.
    public var description: String {
        "\(call): \(String(cString: strerror(errno))) (errno \(errno))"
    }
}
