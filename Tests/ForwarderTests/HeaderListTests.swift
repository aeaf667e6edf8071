import CCurl
import Foundation
import TestSupport
import Testing

@testable import Forwarder

/// The header lines libcurl is given, and a pooled handle's lines kept or replaced between requests.
@Suite("Header list")
struct HeaderListTests {
    private static func lines(_ list: UnsafeMutablePointer<curl_slist>?) -> [String] {
        var lines: [String] = []
        var node = list
        while let current = node {
            lines.append(String(cString: current.pointee.data))
            node = current.pointee.next
        }
        return lines
    }

    @Test func writesEachFieldThenSuppressesLibcurlsDefaults() {
        let list = Forwarder.headerList(for: [("X-Api-Key", "k-123"), ("X-Empty", ""), ("Authorization", "Bearer t")])
        defer { curl_slist_free_all(list) }
        #expect(Self.lines(list) == ["X-Api-Key: k-123", "X-Empty;", "Authorization: Bearer t", "Accept:", "Expect:"])
    }

    @Test func theClientsAcceptReplacesTheSuppressedOne() {
        let list = Forwarder.headerList(for: [("ACCEPT", "application/json")])
        defer { curl_slist_free_all(list) }
        #expect(Self.lines(list) == ["ACCEPT: application/json", "Expect:"])
    }

    @Test func sameFieldsComparesNamesAndValuesInOrder() {
        #expect(Forwarder.sameFields([("A", "1"), ("B", "2")], [("A", "1"), ("B", "2")]))
        #expect(!Forwarder.sameFields([("A", "1"), ("B", "2")], [("B", "2"), ("A", "1")]))
        #expect(!Forwarder.sameFields([("A", "1")], [("a", "1")]))
        #expect(!Forwarder.sameFields([("A", "1")], [("A", "1"), ("A", "1")]))
        #expect(Forwarder.sameFields([], []))
    }

    @Test("a pooled handle sends each request's own target and headers, not the previous request's")
    func pooledHandleSendsEachRequestsOwnFields() throws {
        let upstream = try TestUpstream(responses: [
            .respond(status: 200, text: "a"), .respond(status: 200, text: "b"),
            .respond(status: 200, text: "c"),
        ])
        let harness = try ForwarderHarness()
        let requests: [UpstreamRequest] = [
            UpstreamRequest(method: "GET", origin: upstream.baseURL, target: "/one", headers: [("X-Key", "1")]),
            UpstreamRequest(method: "GET", origin: upstream.baseURL, target: "/one", headers: [("X-Key", "1")]),
            UpstreamRequest(method: "POST", origin: upstream.baseURL, target: "/two", headers: []),
        ]
        for request in requests {
            let delegate = RecordingDelegate()
            let request = Unchecked(request)
            harness.onLoop { _ = $0.start(request.value, delegate: delegate) }
            #expect(delegate.completed.wait(timeout: .now() + 5) == .success)
        }
        let seen = upstream.requests
        #expect(seen.map(\.target) == ["/one", "/one", "/two"])
        #expect(seen.map(\.method) == ["GET", "GET", "POST"])
        #expect(seen.map { $0.header("X-Key") } == ["1", "1", nil])
    }
}
