import Forwarder
import Listener
import Proxy
import TLS
import Testing

@testable import retryd

/// What `retryd ca` and `retryd check` print about the forward proxy.
@Suite struct ForwardProxyCommandTests {
    static let upstreams = [
        UpstreamSettings(
            name: "vendor", listen: ListenAddress(host: "127.0.0.1", port: 0),
            url: UpstreamURL(scheme: "https", host: "api.vendor.example")),
        UpstreamSettings(
            name: "media", listen: ListenAddress(host: "127.0.0.1", port: 0),
            url: UpstreamURL(scheme: "https", host: "media.vendor.example", port: 8443)),
    ]
    static let forward = ForwardProxySettings(
        listen: ListenAddress(host: "127.0.0.1", port: 3128), ca: .generated(directory: "/var/lib/retryd/ca"))

    @Test func checkListsTheInterceptedAuthorities() {
        #expect(
            Check.forwardProxyLines(Self.forward, routes: ForwardProxyRoutes(Self.upstreams)) == """
                forward proxy: 127.0.0.1:3128, other hosts: refuse, CA: /var/lib/retryd/ca/ca.crt
                  intercepts api.vendor.example:443 -> upstream vendor
                  intercepts media.vendor.example:8443 -> upstream media
                """)
    }

    @Test func caPrintsFingerprintNamesAndEveryRuntimesSetting() throws {
        let routes = ForwardProxyRoutes(Self.upstreams)
        let authority = try CertificateAuthority.generate(hosts: routes.hosts, now: 1_800_000_000)
        let report = CA.report(authority, path: "/var/lib/retryd/ca/ca.crt", forward: Self.forward, routes: routes)
        #expect(report.contains("SHA-256 fingerprint: \(authority.certificate.sha256Fingerprint)"))
        #expect(
            report.contains(
                "permitted names (critical name constraints): DNS:api.vendor.example, DNS:media.vendor.example"))
        for setting in [
            "CURL_CA_BUNDLE=", "SSL_CERT_FILE=", "REQUESTS_CA_BUNDLE=", "NODE_EXTRA_CA_CERTS=", "keytool -importcert",
            "'verify' =>",
        ] {
            #expect(report.contains(setting), "\(setting)")
        }
        #expect(!report.contains("note:"))
        let stale = try CertificateAuthority.generate(hosts: ["api.vendor.example"], now: 1_800_000_000)
        #expect(
            CA.report(stale, path: "/x", forward: Self.forward, routes: routes).contains(
                "note: the configured hosts are DNS:api.vendor.example, DNS:media.vendor.example"))
    }
}
