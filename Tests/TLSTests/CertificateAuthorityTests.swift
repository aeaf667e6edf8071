import Foundation
import Loop
import Testing

@testable import TLS

/// Runs the `openssl` command line tool: an independent check of what the CA writes.
func openssl(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
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
