import Foundation
import Testing

/// The unit files shipped in systemd/ at the package root.
private let unitDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("systemd")

private let systemdAnalyze = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].first {
    FileManager.default.isExecutableFile(atPath: $0)
}

/// The `Key=value` assignments of a unit file, comments and section headers left out.
private func assignments(_ name: String) throws -> [(key: String, value: String)] {
    let text = try String(contentsOf: unitDirectory.appendingPathComponent(name), encoding: .utf8)
    return text.split(separator: "\n").compactMap { line in
        guard !line.hasPrefix("#"), !line.hasPrefix("["), let equals = line.firstIndex(of: "=") else { return nil }
        return (String(line[..<equals]), String(line[line.index(after: equals)...]))
    }
}

@Suite struct SystemdUnitTests {
    @Test func serviceIsANotifyServiceThatReloadsOnSIGHUP() throws {
        let unit = try assignments("retryd.service")
        let values = Dictionary(unit.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })

        #expect(values["Type"] == "notify")
        #expect(values["ExecStart"] == "/usr/local/bin/retryd --config /etc/retryd/retryd.toml")
        #expect(values["ExecReload"] == "/bin/kill -HUP $MAINPID")
        #expect(values["EnvironmentFile"] == "-/etc/retryd/retryd.env")
        #expect(values["Restart"] == "on-failure")
        #expect(values["WatchdogSec"] == "30")
        let stopTimeout = try #require(values["TimeoutStopSec"].flatMap { Int($0) })
        #expect(stopTimeout > 30, "must outlast the default shutdown_timeout of 30s")
    }

    @Test(arguments: [
        ("DynamicUser", "yes"), ("ProtectSystem", "strict"), ("ProtectHome", "yes"), ("PrivateTmp", "yes"),
        ("NoNewPrivileges", "yes"), ("RestrictAddressFamilies", "AF_UNIX AF_INET AF_INET6"),
        ("CapabilityBoundingSet", ""), ("SystemCallFilter", "@system-service"), ("ProtectKernelTunables", "yes"),
        ("ProtectKernelModules", "yes"), ("ProtectKernelLogs", "yes"), ("ProtectControlGroups", "yes"),
        ("RestrictNamespaces", "yes"), ("LockPersonality", "yes"), ("MemoryDenyWriteExecute", "yes"),
        ("RestrictRealtime", "yes"), ("SystemCallArchitectures", "native"), ("UMask", "0077"),
        ("StateDirectory", "retryd"), ("StateDirectoryMode", "0700"),
    ])
    func serviceIsHardened(key: String, value: String) throws {
        let unit = try assignments("retryd.service")

        #expect(unit.contains { $0.key == key && $0.value == value }, "\(key)=\(value)")
    }

    @Test func socketListensOnLoopbackAndNamesTheUpstream() throws {
        let unit = try assignments("retryd.socket")

        #expect(unit.contains { $0.key == "ListenStream" && $0.value == "127.0.0.1:8080" })
        #expect(unit.contains { $0.key == "FileDescriptorName" && $0.value == "encoding" })
        #expect(unit.contains { $0.key == "Service" && $0.value == "retryd.service" })
    }

    /// Runs `systemd-analyze verify` on copies whose ExecStart points at /bin/true, since verify insists that the
    /// binary exists; any warning that names a retryd unit (unknown key, bad value) fails the test.
    @Test(.enabled(if: systemdAnalyze != nil, "systemd-analyze is not installed"))
    func unitsPassSystemdAnalyzeVerify() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("retryd-units-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in ["retryd.service", "retryd.socket"] {
            let text = try String(contentsOf: unitDirectory.appendingPathComponent(name), encoding: .utf8)
            let copy = text.replacingOccurrences(of: "/usr/local/bin/retryd", with: "/bin/true")
            try copy.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(systemdAnalyze))
        process.arguments =
            ["verify", "--man=no"]
            + ["retryd.service", "retryd.socket"].map {
                directory.appendingPathComponent($0).path
            }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = errors
        try process.run()
        let output = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()

        #expect(process.terminationStatus == 0, "\(output)")
        let complaints = output.split(separator: "\n").filter { $0.contains("retryd.") }
        #expect(complaints.isEmpty, "\(complaints)")
    }
}
