import Config
import Listener
import Proxy
import TLS
import Testing

/// `[forward_proxy]` and `connect_to`: values, defaults and located errors.
@Suite struct ForwardProxyConfigTests {
    @Test func offWithoutItsTableAndDefaultsWithIt() throws {
        #expect(try parseConfig(minimalUpstream).proxy.forwardProxy == nil)
        let config = try parseConfig("state_dir = \"/var/lib/r\"\n" + minimalUpstream + "\n[forward_proxy]\n")
        let forward = try #require(config.proxy.forwardProxy)
        #expect(forward.listen == ListenAddress(host: "127.0.0.1", port: 3128))
        #expect(forward.unknownHosts == .refuse)
        #expect(forward.ca == .generated(directory: "/var/lib/r/ca"))
    }

    @Test func everyKeyLandsInItsField() throws {
        let config = try parseConfig(
            minimalUpstream + """

                connect_to = "10.0.0.5:8443"

                [forward_proxy]
                listen = "0.0.0.0:3129"
                allow_remote = true
                unknown_hosts = "tunnel"
                ca_cert = "/etc/hostname"
                ca_key = "/etc/hostname"
                """)
        let forward = try #require(config.proxy.forwardProxy)
        #expect(forward.listen == ListenAddress(host: "0.0.0.0", port: 3129))
        #expect(forward.unknownHosts == .tunnel)
        #expect(forward.ca == .given(certificate: "/etc/hostname", key: "/etc/hostname"))
        #expect(config.upstreams[0].connectTo == "10.0.0.5:8443")
    }

    @Test(arguments: [
        ErrorCase(
            text: minimalUpstream + "\n[forward_proxy]\nlisten = \"0.0.0.0:3128\"\n", line: 6,
            key: "forward_proxy.listen", message: "is not a loopback address"),
        ErrorCase(
            text: minimalUpstream + "\n[forward_proxy]\nca_cert = \"/etc/hostname\"\n", line: 6,
            key: "forward_proxy.ca_cert", message: "ca_cert needs ca_key beside it"),
        ErrorCase(
            text: minimalUpstream + "\n[forward_proxy]\nca_key = \"/etc/hostname\"\n", line: 6,
            key: "forward_proxy.ca_key", message: "ca_key needs ca_cert beside it"),
        ErrorCase(
            text: minimalUpstream + "\n[forward_proxy]\nunknown_hosts = \"allow\"\n", line: 6,
            key: "forward_proxy.unknown_hosts", message: "use refuse or tunnel"),
        ErrorCase(
            text: minimalUpstream + "\n[forward_proxy]\nlisten = \"127.0.0.1:8080\"\n", line: 6,
            key: "forward_proxy.listen", message: "already the listen address of upstream \"a\""),
        ErrorCase(
            text: "state_dir = \"\"\n" + minimalUpstream + "\n[forward_proxy]\n", line: 6, key: "forward_proxy",
            message: "set ca_cert and ca_key"),
        ErrorCase(
            text: minimalUpstream + "\nconnect_to = \"10.0.0.5\"\n", line: 5, key: "upstream[0].connect_to",
            message: "is not host:port"),
        ErrorCase(
            text: minimalUpstream + "\n[forward_proxy]\nlisen = \"127.0.0.1:1\"\n", line: 6,
            key: "forward_proxy.lisen", message: "listen"),
    ])
    func errors(_ errorCase: ErrorCase) {
        check(errorCase)
    }
}

extension ForwardProxyConfigTests {
    @Test func listenIsOptionalOnlyWithAForwardProxy() throws {
        let upstream = "[[upstream]]\nname = \"a\"\nurl = \"https://api.vendor.example\"\n"
        let config = try parseConfig(upstream + "\n[forward_proxy]\n")
        #expect(config.upstreams[0].listen == ListenAddress(host: "127.0.0.1", port: 0))
        check(
            ErrorCase(text: upstream, line: 1, key: "upstream[0].listen", message: "required key is missing"))
    }
}
