import Foundation
import Loop
import Testing

@testable import TLS

#if canImport(Glibc)
    import Glibc
#endif

/// Runs the `openssl` command line tool: an independent check of what the CA writes. Spawned with posix_spawn and
/// reaped with waitpid (Foundation's Process can stall on the test runner's cooperative threads), its output
/// collected in a file.
func openssl(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("openssl-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: outputPath) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    let argv: [UnsafeMutablePointer<CChar>?] = (["openssl"] + arguments).map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    var child: pid_t = 0
    let rc = posix_spawnp(&child, "openssl", &actions, nil, argv, environ)
    guard rc == 0 else { throw SysError(call: "posix_spawnp openssl", errno: rc) }
    var status: Int32 = 0
    while waitpid(child, &status, 0) < 0 && errno == EINTR {}
    let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    return ((status >> 8) & 0xff, output)
}

/// A fresh directory under the temporary directory.
func temporaryDirectory() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("retryd-ca-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

let now = Int64(Date().timeIntervalSince1970)

@Suite struct CertificateAuthorityTests {
    @Test func generatedCAHasCriticalNameConstraintsForExactlyTheHosts() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let loaded = try CAStore.load(
            .generated(directory: directory + "/ca"), hosts: ["api.vendor.example", "127.0.0.1"], now: now)
        #expect(loaded.outcome == .created)
        #expect(Sys.permissions(of: directory + "/ca/ca.key") == 0o600)
        #expect(Sys.permissions(of: directory + "/ca") == 0o755)
        #expect(Sys.permissions(of: directory + "/ca/ca.crt") == 0o644)
        let text = try openssl(["x509", "-in", loaded.certificatePath, "-noout", "-text"])
        #expect(text.status == 0)
        #expect(text.output.contains("X509v3 Name Constraints: critical"))
        #expect(text.output.contains("DNS:api.vendor.example"))
        #expect(text.output.contains("IP:127.0.0.1/255.255.255.255"))
        #expect(text.output.contains("CA:TRUE, pathlen:0"))
        #expect(text.output.contains("Certificate Sign, CRL Sign"))
        #expect(loaded.authority.permittedNames == ["DNS:api.vendor.example", "IP:127.0.0.1/255.255.255.255"])
        let fingerprint = try openssl(["x509", "-in", loaded.certificatePath, "-noout", "-fingerprint", "-sha256"])
        #expect(fingerprint.output.contains(loaded.authority.certificate.sha256Fingerprint))
    }

    @Test func aLeafOutsideTheConstraintsFailsOpensslVerify() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let loaded = try CAStore.load(.generated(directory: directory), hosts: ["api.vendor.example"], now: now)
        let key = try PrivateKey.generate()
        // The key signs whatever it is asked to: the constraints are what stop a leaf for another host.
        for (host, verifies) in [("api.vendor.example", true), ("bank.example", false)] {
            let leaf = try loaded.authority.mintLeaf(for: host, key: key, now: now)
            let path = directory + "/\(host).pem"
            try Data(try leaf.pem()).write(to: URL(fileURLWithPath: path))
            let result = try openssl(["verify", "-CAfile", loaded.certificatePath, "-purpose", "sslserver", path])
            #expect((result.status == 0) == verifies, "\(host): \(result.output)")
            if !verifies { #expect(result.output.contains("permitted subtree violation")) }
            let text = try openssl(["x509", "-in", path, "-noout", "-text"])
            #expect(text.output.contains("DNS:\(host)"))
            #expect(text.output.contains("TLS Web Server Authentication"))
            #expect(leaf.notAfter <= now + 7 * 86400)
        }
        #expect(loaded.authority.covers("api.vendor.example", now: now))
        #expect(!loaded.authority.covers("bank.example", now: now))
        #expect(!loaded.authority.covers("evil.vendor2.example", now: now))
    }

    @Test func changedHostsReplaceAGeneratedCAAndSameHostsKeepIt() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try CAStore.load(.generated(directory: directory), hosts: ["a.example"], now: now)
        let again = try CAStore.load(.generated(directory: directory), hosts: ["a.example"], now: now)
        #expect(again.outcome == .loaded)
        #expect(again.authority.certificate.sha256Fingerprint == first.authority.certificate.sha256Fingerprint)
        let changed = try CAStore.load(.generated(directory: directory), hosts: ["a.example", "b.example"], now: now)
        #expect(changed.outcome == .replaced(previousFingerprint: first.authority.certificate.sha256Fingerprint))
        #expect(changed.authority.permittedNames == ["DNS:a.example", "DNS:b.example"])
        #expect(Sys.permissions(of: directory + "/ca.key") == 0o600)
        #expect(!Sys.exists(directory + "/ca.key.new"))
    }

    @Test func aGivenCAMustCoverEveryHostAndKeepItsKeyPrivate() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let made = try CAStore.load(.generated(directory: directory), hosts: ["a.example"], now: now)
        let given = CASource.given(certificate: directory + "/ca.crt", key: directory + "/ca.key")
        #expect(try CAStore.load(given, hosts: ["a.example"], now: now).outcome == .loaded)
        #expect(made.certificatePath == given.certificatePath)
        #expect(throws: TLSError.self) { try CAStore.load(given, hosts: ["a.example", "b.example"], now: now) }
        chmod(directory + "/ca.key", 0o644)
        let error = #expect(throws: TLSError.self) { try CAStore.load(given, hosts: ["a.example"], now: now) }
        #expect(error?.detail.contains("chmod 600") == true)
    }
}
