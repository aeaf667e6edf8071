import Listener
import Testing

/// Listen addresses as the configuration writes them.
@Suite struct ListenAddressTests {
    @Test(arguments: [
        ("127.0.0.1:8080", ListenAddress(host: "127.0.0.1", port: 8080)),
        ("localhost:80", ListenAddress(host: "localhost", port: 80)),
        ("LocalHost:80", ListenAddress(host: "localhost", port: 80)),
        ("[::1]:8080", ListenAddress(host: "::1", port: 8080)),
        ("0.0.0.0:0", ListenAddress(host: "0.0.0.0", port: 0)),
    ])
    func parsesListenAddresses(text: String, expected: ListenAddress) {
        #expect(ListenAddress.parse(text) == expected)
    }

    @Test(arguments: [
        "127.0.0.1", "127.0.0.1:", ":8080", "127.0.0.1:65536", "127.0.0.1:-1", "256.0.0.1:80", "1.2.3:80",
        "example.com:80", "::1:80", "[::1]", "[::1]80", "[127.0.0.1]:80",
    ])
    func rejectsMalformedListenAddresses(text: String) {
        #expect(ListenAddress.parse(text) == nil)
    }

    @Test func listenAddressDescriptionRoundTrips() throws {
        for text in ["127.0.0.1:8080", "[::1]:80", "localhost:1"] {
            let address = try #require(ListenAddress.parse(text))
            #expect(address.description == text)
        }
    }
}
