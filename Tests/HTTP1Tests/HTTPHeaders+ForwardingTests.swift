import Testing

@testable import HTTP1

/// The one-pass upstream header list against the composition it replaced, field for field.
@Suite struct HeaderForwardingTests {
    /// What the proxy built before: end-to-end fields, minus the three framed ones, then each override in turn.
    private static func composed(
        _ headers: HTTPHeaders, _ overrides: [(name: String, value: String)]
    ) -> [(name: String, value: String)] {
        var result = headers.removingHopByHop()
        for name in ["Host", "Content-Length", "Expect"] { result.remove(name: name) }
        for (name, value) in overrides { result.replaceOrAdd(name: name, value: value) }
        return result.map { ($0.name, $0.value) }
    }

    private static func same(_ lhs: [(name: String, value: String)], _ rhs: [(name: String, value: String)]) -> Bool {
        lhs.elementsEqual(rhs) { $0.name == $1.name && $0.value == $1.value }
    }

    static let requests: [HTTPHeaders] = [
        [],
        [("Host", "a")],
        [("host", "a"), ("Content-Length", "3"), ("EXPECT", "100-continue"), ("Accept", "*/*")],
        [("Connection", "keep-alive, X-Drop"), ("X-Drop", "1"), ("Keep-Alive", "5"), ("X-Keep", "k"), ("TE", "x")],
        [("X-Api-Key", "client"), ("Authorization", "Bearer t"), ("x-api-key", "again"), ("Accept", "a")],
        [("Connection", "close"), ("Close", "x"), ("Transfer-Encoding", "chunked"), ("X-Api-Key", "c")],
    ]

    static let overrideLists: [[(name: String, value: String)]] = [
        [],
        [("X-Api-Key", "k-123")],
        [("x-api-key", "first"), ("Accept", "application/json"), ("X-API-KEY", "last")],
        [("Host", "vendor"), ("X-New", "n"), ("Connection", "upgrade")],
        [("X-A", "1"), ("X-B", "2"), ("x-a", "3"), ("X-C", "")],
    ]

    @Test(arguments: requests.indices)
    func matchesTheStepByStepComposition(request: Int) {
        for overrides in Self.overrideLists {
            let headers = Self.requests[request]
            let forwarded = headers.forwarded(setting: HeaderOverrides(overrides))
            #expect(Self.same(forwarded, Self.composed(headers, overrides)), "\(headers) with \(overrides)")
        }
    }

    @Test func foldedOverridesKeepTheFirstSpellingAndTheLastValue() {
        let folded = HeaderOverrides([("X-A", "1"), ("X-B", "2"), ("x-a", "3")])
        #expect(Self.same(folded.fields, [("X-A", "3"), ("X-B", "2")]))
    }

    @Test func anOverrideReplacesTheClientsValueInPlaceUnderTheClientsSpelling() {
        let headers: HTTPHeaders = [("Accept", "a"), ("x-api-key", "client"), ("X-Trace", "t"), ("X-Api-Key", "2")]
        let forwarded = headers.forwarded(setting: HeaderOverrides([("X-Api-Key", "k-123"), ("X-New", "n")]))
        #expect(Self.same(forwarded, [("Accept", "a"), ("x-api-key", "k-123"), ("X-Trace", "t"), ("X-New", "n")]))
    }
}
