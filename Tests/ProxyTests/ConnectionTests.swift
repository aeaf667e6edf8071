import Foundation
import TestSupport
import Testing

/// Client connections (keep-alive, pipelining, HTTP/1.0) and upstream connection reuse.
@Suite("Connections")
struct ConnectionTests {
    @Test("past max_connections a client gets 503 at once, and the warning is not repeated for every refusal")
    func overTheLimit() throws {
        let upstream = try TestUpstream(handler: { _, index in .respond(status: 200, text: "answer \(index)") })
        let capture = LogCapture()
        let proxy = try ProxyHarness(upstream, logger: capture.logger) { _, limits in limits.maxConnections = 1 }
        let held = try proxy.client()
        try held.send(RequestBytes.make(target: "/first"))
        #expect(try held.readResponse().status == 200)
        for _ in 0..<3 {
            let response = try proxy.request(target: "/extra")
            #expect(response.status == 503)
            #expect(response.header("Retry-After") == "1")
            #expect(response.jsonObject?["error"] as? String == "too_many_connections")
        }
        #expect(upstream.requests.count == 1)
        let warnings = capture.messages(at: .warning).filter { $0.hasPrefix("connection limit of 1 reached") }
        #expect(warnings == ["connection limit of 1 reached: answered 1 new connection 503 since the last warning"])
    }

    @Test("a keep-alive client sends many requests on one connection")
    func clientKeepAlive() throws {
        let upstream = try TestUpstream(handler: { request, index in .respond(status: 200, text: "answer \(index)") })
        let proxy = try ProxyHarness(upstream)
        let client = try proxy.client()
        for index in 0..<5 {
            try client.send(RequestBytes.make(target: "/poll/\(index)"))
            let response = try client.readResponse()
            #expect(response.bodyString == "answer \(index)")
            #expect(response.header("Connection") == nil)
        }
    }

    @Test("pipelined requests are answered in order")
    func pipelining() throws {
        let upstream = try TestUpstream(handler: { request, _ in
            // The first answer is the slowest: order must come from the client's order, not completion order.
            request.target == "/1"
                ? .delay(.milliseconds(100), then: .respond(status: 200, text: "one"))
                : .respond(status: 200, text: String(request.target.dropFirst()))
        })
        let proxy = try ProxyHarness(upstream)
        let client = try proxy.client()
        try client.send(
            RequestBytes.make(target: "/1") + RequestBytes.make(method: "POST", target: "/2", body: Array("x".utf8))
                + RequestBytes.make(target: "/3"))
        #expect(try client.readResponse().bodyString == "one")
        #expect(try client.readResponse().bodyString == "2")
        #expect(try client.readResponse().bodyString == "3")
    }

    @Test("Connection: close is honoured after the response")
    func connectionClose() throws {
        let upstream = try TestUpstream(responses: [.respond(status: 200, text: "bye")])
        let proxy = try ProxyHarness(upstream)
        let client = try proxy.client()
        try client.send(RequestBytes.make(headers: [("Host", "x"), ("Connection", "close")]))
        let response = try client.readResponse()
        #expect(response.header("Connection") == "close")
        #expect(client.isClosedByPeer(within: .seconds(5)))
    }

    @Test("an HTTP/1.0 client gets a close-delimited body when the length is unknown, and keep-alive on request")
    func http10() throws {
        let upstream = try TestUpstream(handler: { request, _ in
            request.target == "/chunked"
                ? .respond(status: 200, text: "streamed", chunked: true) : .respond(status: 200, text: "sized")
        })
        let proxy = try ProxyHarness(upstream)
        let closing = try proxy.client()
        try closing.send("GET /chunked HTTP/1.0\r\n\r\n")
        let raw = String(decoding: try closing.readToEnd(), as: UTF8.self)
        #expect(raw.hasPrefix("HTTP/1.1 200"))
        #expect(!raw.lowercased().contains("transfer-encoding"))
        #expect(raw.hasSuffix("\r\n\r\nstreamed"))

        let keeping = try proxy.client()
        for _ in 0..<2 {
            try keeping.send("GET /sized HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            let response = try keeping.readResponse()
            #expect(response.bodyString == "sized")
            #expect(response.header("Connection")?.lowercased() == "keep-alive")
        }
    }

    @Test("sequential requests reuse one upstream connection")
    func upstreamReuse() throws {
        let upstream = try TestUpstream(responses: [.respond(status: 200, text: "ok")])
        let proxy = try ProxyHarness(upstream)
        for index in 0..<10 {
            // A new client connection each time: reuse is upstream-side.
            #expect(try proxy.request(target: "/\(index)").status == 200)
        }
        #expect(upstream.requests.count == 10)
        #expect(upstream.connectionCount == 1)
    }

    @Test("other clients keep being served while one sends garbage")
    func garbageDoesNotHurtOthers() throws {
        let upstream = try TestUpstream(responses: [.respond(status: 200, text: "fine")])
        let proxy = try ProxyHarness(upstream)
        let bystander = try proxy.client()
        try bystander.send(RequestBytes.make(target: "/before"))
        #expect(try bystander.readResponse().status == 200)

        let attacker = try proxy.client()
        try attacker.send("GARBAGE\r\n\r\n")
        let rejected = try attacker.readResponse()
        #expect(rejected.status == 400)
        #expect(rejected.jsonObject?["error"] != nil)
        #expect(attacker.isClosedByPeer(within: .seconds(5)))

        try bystander.send(RequestBytes.make(target: "/after"))
        #expect(try bystander.readResponse().status == 200)
        #expect(upstream.requests.map(\.target) == ["/before", "/after"])
    }

    @Test("a client that goes away mid-request does not disturb the next one")
    func abruptClient() throws {
        let upstream = try TestUpstream(handler: { _, _ in .delay(.milliseconds(200), then: .respond(status: 200)) })
        let proxy = try ProxyHarness(upstream)
        let leaving = try proxy.client()
        try leaving.send(RequestBytes.make(target: "/slow"))
        leaving.abort()
        #expect(try proxy.request(target: "/next").status == 200)
    }
}
