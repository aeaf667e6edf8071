import Forwarder
import Listener
import Proxy
import Testing

/// Settings compare field by field without a hand-written `==`, header lines included.
@Suite struct UpstreamSettingsTests {
    static func upstream() -> UpstreamSettings {
        UpstreamSettings(
            name: "pay", listen: ListenAddress(host: "127.0.0.1", port: 0),
            url: UpstreamURL(scheme: "https", host: "api.example"))
    }

    @Test func headersTakePartInEquality() {
        var left = Self.upstream()
        var right = Self.upstream()
        #expect(left == right)
        right.setHeaders = [(name: "Authorization", value: "Bearer a")]
        #expect(left != right)
        left.setHeaders = [(name: "Authorization", value: "Bearer b")]
        #expect(left != right, "values count, not only names")
        left.setHeaders = right.setHeaders
        #expect(left == right)
        right.attemptTimeout = .seconds(1)
        #expect(left != right, "every other field too")
    }
}
