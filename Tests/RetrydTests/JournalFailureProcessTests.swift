import Foundation
import Loop
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A small tmpfs mounted for one test (needs CAP_SYS_ADMIN, which CI's root has), unmounted when dropped.
final class ScratchMount {
    let path: String

    /// Whether this process may mount a tmpfs: probed once by mounting and unmounting one.
    static let isAvailable: Bool = {
        guard geteuid() == 0 else { return false }
        let probe = try? ScratchMount(options: "size=64k")
        return probe != nil
    }()

    init(options: String) throws {
        path = NSTemporaryDirectory() + "retryd-mount-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        guard Self.run("/bin/mount", ["-t", "tmpfs", "-o", options, "tmpfs", path]) == 0 else {
            try? FileManager.default.removeItem(atPath: path)
            throw SysError(call: "mount tmpfs", errno: EPERM)
        }
    }

    deinit {
        _ = Self.run("/bin/umount", [path])
        try? FileManager.default.removeItem(atPath: path)
    }

    private static func run(_ tool: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }
}

/// The real binary with a journal on a file system that fails: read-only, or full.
@Suite("Journal failures", .enabled(if: ScratchMount.isAvailable, "cannot mount a tmpfs here"))
struct JournalFailureProcessTests {
    /// A port free a moment ago, for the admin listener (whose port retryd does not report to systemd).
    /// The port retryd's admin listener (configured on port 0) was bound to, read from its log.
    static func adminPort(of daemon: JournalProcessTests.Daemon) throws -> UInt16 {
        let marker = "admin endpoints on 127.0.0.1:"
        let port = poll(every: .milliseconds(20)) { () -> UInt16? in
            guard let log = try? String(contentsOfFile: daemon.logPath, encoding: .utf8),
                let range = log.range(of: marker)
            else { return nil }
            return UInt16(log[range.upperBound...].prefix { $0.isNumber })
        }
        return try #require(port, "retryd logged no admin listener")
    }

    /// A configuration whose admin listener takes a port of the kernel's choosing: a port found free beforehand could
    /// be taken by another test before retryd binds it.
    static func config(stateDir: String) throws -> String {
        let path = NSTemporaryDirectory() + "retryd-fail-\(UUID().uuidString.prefix(8)).toml"
        JournalProcessTests.writeConfig(path, stateDir: stateDir, webhook: nil, adminPort: 0)
        return path
    }

    static func metric(_ name: String, port: UInt16) throws -> Int? {
        let text = try TestClient.request(port: port, target: "/metrics").bodyString
        return text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap {
            Int($0.split(separator: " ")[1])
        }
    }

    @Test("a read-only state_dir: requests are answered, the error is logged once and counted, check reports it")
    func readOnlyFileSystem() throws {
        let mount = try ScratchMount(options: "ro,size=64k")
        let config = try Self.config(stateDir: mount.path)
        defer { unlink(config) }

        let daemon = try JournalProcessTests.Daemon(config: config)
        let adminPort = try Self.adminPort(of: daemon)
        for index in 0..<20 {
            #expect(try TestClient.request(port: daemon.port, target: "/v1/\(index)").status == 502)
        }
        // The journal's writer thread counts the drops after the clients have their answers.
        let counted = try poll(every: .milliseconds(20)) {
            try Self.metric("retryd_journal_dropped_total", port: adminPort) == 20
        }
        #expect(counted)
        #expect(try Self.metric("retryd_journal_errors_total", port: adminPort) == 1)
        #expect(try Self.metric("retryd_journal_dropped_total", port: adminPort) == 20)
        let log = daemon.stopAndReadLog()
        let errors = log.split(separator: "\n").filter { $0.contains("journal: opening failed") }
        #expect(errors.count == 1, "\(log)")
        #expect(errors.first?.contains("Read-only file system") == true, "\(log)")

        let (status, out, _) = try ServiceProcessTests.runToExit(["check", "--config", config])
        #expect(status == 1)
        #expect(out.contains("problem: state_dir \(mount.path) is not writable: Read-only file system"), "\(out)")
    }

    @Test("a full disk: requests are answered, failed writes are counted and logged once a minute at most")
    func fullFileSystem() throws {
        let mount = try ScratchMount(options: "size=160k")
        let config = try Self.config(stateDir: mount.path)
        defer { unlink(config) }

        let daemon = try JournalProcessTests.Daemon(config: config)
        let adminPort = try Self.adminPort(of: daemon)
        let clock = ContinuousClock()
        let start = clock.now
        var answered = 0
        // Each give-up is its own commit (one at a time), so the WAL grows by pages until the 160 KiB are gone.
        for index in 0..<300 where try TestClient.request(port: daemon.port, target: "/v1/\(index)").status == 502 {
            answered += 1
        }
        let elapsed = clock.now - start
        #expect(answered == 300)
        #expect(elapsed < .seconds(20), "\(elapsed)")
        // The writer may still be on the last records: wait until all 300 are accounted for.
        let accounted = try poll(every: .milliseconds(20)) {
            let written = try Self.metric("retryd_journal_written_total", port: adminPort) ?? 0
            return written + (try Self.metric("retryd_journal_dropped_total", port: adminPort) ?? 0) == 300
        }
        #expect(accounted)
        let errors = try #require(try Self.metric("retryd_journal_errors_total", port: adminPort))
        let written = try #require(try Self.metric("retryd_journal_written_total", port: adminPort))
        let dropped = try #require(try Self.metric("retryd_journal_dropped_total", port: adminPort))
        #expect(errors >= 1)
        #expect(written > 0 && dropped > 0, "written \(written), dropped \(dropped)")
        #expect(written + dropped == 300)
        let log = daemon.stopAndReadLog()
        let lines = log.split(separator: "\n").filter { $0.contains("give-ups are not being recorded") }
        #expect(lines.count == 1, "\(lines)")
        #expect(lines.first?.contains("full") == true, "\(lines)")
    }
}
