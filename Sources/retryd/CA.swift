import ArgumentParser
import Config
import FoundationEssentials
import Proxy
import TLS

#if canImport(Glibc)
    import Glibc
#endif

/// `retryd ca`: the forward proxy's CA certificate, its fingerprint and names, and how to make each runtime trust it.
struct CA: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ca",
        abstract: "Show the forward proxy's CA certificate and how to trust it.")

    @OptionGroup var source: ConfigOptions

    @Flag(name: .long, help: "Make the CA now if retryd has not made it yet (run as the user retryd runs as).")
    var create = false

    func validate() throws {
        try source.validate()
    }

    func run() throws {
        let config = try source.load(environment: ProcessInfo.processInfo.environment)
        guard let forward = config.proxy.forwardProxy else {
            Console.write("retryd: the configuration has no [forward_proxy] table\n", to: STDERR_FILENO)
            throw ExitCode.failure
        }
        let routes = ForwardProxyRoutes(config.upstreams)
        let authority: CertificateAuthority
        do {
            if create {
                authority = try CAStore.load(forward.ca, hosts: routes.hosts, now: Int64(time(nil))).authority
            } else if let existing = try CAStore.existing(forward.ca) {
                authority = existing
            } else {
                Console.write(
                    "retryd: no CA at \(forward.ca.certificatePath) yet: retryd makes it on its first start (or run "
                        + "retryd ca --create as the user retryd runs as)\n", to: STDERR_FILENO)
                throw ExitCode.failure
            }
        } catch let error as TLSError {
            Console.write("retryd: \(error)\n", to: STDERR_FILENO)
            throw ExitCode.failure
        }
        print(Self.report(authority, path: forward.ca.certificatePath, forward: forward, routes: routes))
    }

    /// What `retryd ca` prints: the certificate, whether its constraints match the configuration, how to trust it.
    static func report(
        _ authority: CertificateAuthority, path: String, forward: ForwardProxySettings, routes: ForwardProxyRoutes
    ) -> String {
        let permitted = authority.permittedNames ?? []
        let expected = NameConstraints.entries(for: routes.hosts)
        let proxy = "http://\(forward.listen)"
        var lines = [
            "CA certificate: \(path)",
            "SHA-256 fingerprint: \(authority.certificate.sha256Fingerprint)",
            "permitted names (critical name constraints): "
                + (permitted.isEmpty ? "none" : permitted.joined(separator: ", ")),
        ]
        if permitted != expected {
            lines.append(
                "note: the configured hosts are \(expected.joined(separator: ", ")); retryd replaces a CA it made "
                    + "(and refuses a given one that does not cover them) on its next start")
        }
        lines += [
            "forward proxy: \(proxy) (other hosts: \(forward.unknownHosts.rawValue))",
            "",
            "Trust the certificate and set the proxy in the application's environment:",
            "  curl, libcurl, PHP:  HTTPS_PROXY=\(proxy) CURL_CA_BUNDLE=\(path)   (curl -x \(proxy) --cacert \(path))",
            "  OpenSSL-based tools: SSL_CERT_FILE=<a bundle with the system CAs and \(path)>",
            "  Python requests:     HTTPS_PROXY=\(proxy) REQUESTS_CA_BUNDLE=<bundle with \(path)>",
            "  Node:                NODE_EXTRA_CA_CERTS=\(path), and an agent that sends CONNECT to \(proxy)",
            "  Java:                keytool -importcert -noprompt -alias retryd -file \(path) -keystore retryd.jks "
                + "-storepass changeit",
            "                       java -Dhttps.proxyHost=\(forward.listen.host) -Dhttps.proxyPort=\(forward.listen.port) "
                + "-Djavax.net.ssl.trustStore=retryd.jks -Djavax.net.ssl.trustStorePassword=changeit ...",
            "  PHP Guzzle:          new Client(['proxy' => '\(proxy)', 'verify' => '\(path)'])",
            "A bundle with the system CAs too: cat /etc/ssl/certs/ca-certificates.crt \(path) > retryd-bundle.pem",
        ]
        return lines.joined(separator: "\n")
    }
}
