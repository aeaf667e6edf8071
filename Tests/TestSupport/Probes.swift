import Foundation
import Glibc

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

/// A port on 127.0.0.1 that was free a moment ago (bound, read and released), for a server a test starts itself.
///
/// Another process may take it before the test binds it; prefer binding port 0 where the server allows it.
package func freePort() -> UInt16 {
    guard let (fd, port) = try? Socket.listenOnLoopback() else { return 0 }
    Glibc.close(fd)
    return port
}
