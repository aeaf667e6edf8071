import Testing

@testable import TLS

@Suite struct NameConstraintsTests {
    @Test func dnsNamesAndAddressesBecomeSingleEntries() {
        #expect(
            NameConstraints.entries(for: ["API.Vendor.example", "10.0.0.1", "api.vendor.example"]) == [
                "DNS:api.vendor.example", "IP:10.0.0.1/255.255.255.255",
            ])
    }
}
