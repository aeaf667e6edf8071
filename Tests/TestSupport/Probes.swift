import Foundation
import Glibc
import Loop

/// Runs `body` and returns its result with how long it took on the continuous clock.
package func measure<T>(_ body: () throws -> T) rethrows -> (T, Duration) {
    let start = ContinuousClock.now
    let result = try body()
    return (result, .now - start)
}

/// The resident set size of process `pid` in bytes (`VmRSS` in `/proc/<pid>/status`), or nil if unreadable.
package func readRSSBytes(pid: Int32) -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        // "VmRSS:      1234 kB"
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count >= 2, let kilobytes = Int(fields[1]) else { return nil }
        return kilobytes * 1024
    }
    return nil
}

/// A port on 127.0.0.1 that refuses connections for as long as this lives: bound, never listening, so no other
/// test or process can take it meanwhile (unlike a port found free and released, which one may).
package final class RefusingPort: Sendable {
    /// The port number.
    package let port: UInt16
    private let fd: Int32

    /// Binds a kernel-chosen port.
    /// - Throws: `SysError` if no socket can be bound.
    package init() throws(SysError) {
        (fd, port) = try Socket.bindLoopback()
    }

    deinit {
        Glibc.close(fd)
    }

    /// `"http://127.0.0.1:<port>"`.
    package var url: String { "http://127.0.0.1:\(port)" }
}
