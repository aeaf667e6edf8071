import TestSupport
import Testing

/// Bytes in equal bytes out: methods, targets, bodies and headers reach the upstream exactly, and its answer
/// reaches the client exactly.
@Suite("Forwarding")
struct ForwardingTests {
    @Test(
        "every method reaches the upstream with its target and body byte for byte",
        arguments: [
            ("GET", nil), ("DELETE", nil), ("OPTIONS", nil), ("POST", "{\"profile\":\"hls\"}"),
            ("PUT", "{\"name\":\"x\"}"), ("PATCH", "{\"priority\":2}"), ("POST", ""), ("DELETE", "{\"force\":true}"),
        ] as [(String, String?)])
    func methods(method: String, body: String?) throws {
        let upstream = try TestUpstream(responses: [.respond(status: 200, text: "{\"ok\":true}")])
        let proxy = try ProxyHarness(upstream)
        let target = "/v1/jobs/a%20b/../c?x=1&y=%2F&empty="
        let response = try proxy.request(method: method, target: target, body: body.map { Array($0.utf8) })
        #expect(response.status == 200)
        #expect(response.bodyString == "{\"ok\":true}")
        let seen = try #require(upstream.requests.first)
        #expect(seen.method == method)
        #expect(seen.target == target)
        #expect(seen.bodyString == (body ?? ""))
        #expect(seen.header("Content-Length") == body.map { String($0.utf8.count) })
        #expect(seen.header("Transfer-Encoding") == nil)
    }

    @Test("HEAD gets the upstream's headers and no body")
    func head() throws {
        let upstream = try TestUpstream(handler: { request, _ in
            request.method == "HEAD"
                ? .respond(status: 200, headers: [("Content-Length", "1234"), ("ETag", "\"v1\"")])
                : .respond(status: 200, text: "after")
        })
        let proxy = try ProxyHarness(upstream)
        let client = try proxy.client()
        try client.send(RequestBytes.make(method: "HEAD", target: "/asset"))
        let response = try client.readResponse(requestMethod: "HEAD")
        #expect(response.status == 200)
        #expect(response.header("Content-Length") == "1234")
        #expect(response.header("ETag") == "\"v1\"")
        #expect(response.body.isEmpty)
        // The connection is still usable: the HEAD body was not expected.
        try client.send(RequestBytes.make(target: "/after"))
        #expect(try client.readResponse().status == 200)
        #expect(upstream.requests.map(\.method) == ["HEAD", "GET"])
    }

    @Test("end-to-end headers keep their order and duplicates; hop-by-hop ones and curl's defaults are absent")
    func headers() throws {
        let upstream = try TestUpstream(responses: [.respond(status: 201, text: "created")])
        let proxy = try ProxyHarness(upstream)
        let sent: [(String, String)] = [
            ("Host", "localhost:8080"), ("X-Trace", "one"), ("Authorization", "Bearer abc"), ("X-Trace", "two"),
            ("Connection", "keep-alive, X-Hop"), ("X-Hop", "drop me"), ("Keep-Alive", "timeout=5"), ("TE", "trailers"),
            ("Upgrade", "websocket"), ("Proxy-Authorization", "Basic Zm9v"), ("Proxy-Connection", "keep-alive"),
            ("Content-Type", "application/json"), ("X-Empty", ""),
        ]
        let response = try proxy.request(method: "POST", target: "/v1/jobs", headers: sent, body: Array("{}".utf8))
        #expect(response.status == 201)
        let seen = try #require(upstream.requests.first)
        let names = seen.headers.map { $0.name.lowercased() }
        #expect(seen.header("Host") == "127.0.0.1:\(upstream.port)")
        let endToEnd = seen.headers.filter { !["host", "content-length"].contains($0.name.lowercased()) }
        #expect(
            endToEnd.map { "\($0.name): \($0.value)" } == [
                "X-Trace: one", "Authorization: Bearer abc", "X-Trace: two", "Content-Type: application/json",
                "X-Empty: ",
            ])
        for absent in [
            "connection", "x-hop", "keep-alive", "te", "upgrade", "proxy-authorization",
            "proxy-connection", "accept", "expect", "user-agent", "transfer-encoding",
        ] {
            #expect(!names.contains(absent), "\(absent) must not reach the upstream")
        }
    }

    @Test("the upstream's response headers come back in order with duplicates, minus hop-by-hop ones")
    func responseHeaders() throws {
        let upstream = try TestUpstream(responses: [
            .respond(
                status: 202, reason: "Accepted For Encoding",
                headers: [
                    ("Set-Cookie", "a=1"), ("X-Request-Id", "req-9"), ("Set-Cookie", "b=2"),
                    ("Connection", "X-Internal"),
                    ("X-Internal", "secret"), ("Keep-Alive", "timeout=5"), ("Content-Type", "application/json"),
                ], text: "{\"id\":\"job-1\"}")
        ])
        let proxy = try ProxyHarness(upstream)
        let response = try proxy.request(method: "POST", target: "/v1/jobs", body: [])
        #expect(response.status == 202)
        #expect(response.reason == "Accepted For Encoding")
        #expect(response.headers(named: "Set-Cookie") == ["a=1", "b=2"])
        #expect(response.header("X-Request-Id") == "req-9")
        #expect(response.header("X-Internal") == nil)
        #expect(response.header("Keep-Alive") == nil)
        #expect(response.header("Content-Length") == "14")
        #expect(response.framing == .contentLength)
        #expect(response.bodyString == "{\"id\":\"job-1\"}")
    }

    @Test("3xx, 204 and 304 come back as they came, no redirect followed")
    func statusesPassThrough() throws {
        let upstream = try TestUpstream(handler: { request, _ in
            switch request.target {
            case "/moved": return .respond(status: 302, headers: [("Location", "/elsewhere")], text: "see there")
            case "/none": return .respond(status: 204)
            default: return .respond(status: 304, headers: [("ETag", "\"x\"")])
            }
        })
        let proxy = try ProxyHarness(upstream)
        let moved = try proxy.request(target: "/moved")
        #expect(moved.status == 302)
        #expect(moved.header("Location") == "/elsewhere")
        #expect(moved.bodyString == "see there")
        #expect(try proxy.request(target: "/none").status == 204)
        let notModified = try proxy.request(target: "/cached", headers: [("Host", "x"), ("If-None-Match", "\"x\"")])
        #expect(notModified.status == 304)
        #expect(notModified.body.isEmpty)
        #expect(upstream.requests.map(\.target) == ["/moved", "/none", "/cached"])
    }

    @Test("a chunked request body reaches the upstream complete")
    func chunkedRequestBody() throws {
        let upstream = try TestUpstream(responses: [.respond(status: 200, text: "ok")])
        let proxy = try ProxyHarness(upstream)
        let client = try proxy.client()
        try client.send(
            "POST /v1/upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n")
        #expect(try client.readResponse().status == 200)
        #expect(upstream.requests.first?.bodyString == "hello, world")
    }

    @Test("a chunked upstream response is re-framed for the client; the body is identical")
    func chunkedResponse() throws {
        let body = (0..<5000).map { UInt8($0 % 256) }
        let upstream = try TestUpstream(responses: [.respond(status: 200, body: body, chunked: true)])
        let proxy = try ProxyHarness(upstream)
        let response = try proxy.request(target: "/chunks")
        #expect(response.framing == .chunked)
        #expect(response.body == body)
    }

    @Test("a base path in the upstream URL prefixes every request path")
    func basePath() throws {
        let upstream = try TestUpstream(responses: [.respond(status: 200, text: "ok")])
        let proxy = try ProxyHarness(upstreamURL: upstream.baseURL + "/api/v2")
        _ = try proxy.request(target: "/jobs?state=open")
        #expect(upstream.requests.first?.target == "/api/v2/jobs?state=open")
    }

    @Test("Expect: 100-continue gets 100 Continue, then the final response")
    func expectContinue() throws {
        let upstream = try TestUpstream(responses: [.respond(status: 200, text: "done")])
        let proxy = try ProxyHarness(upstream)
        let client = try proxy.client()
        try client.send("PUT /v1/asset HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
        let interim = try #require(client.readInterim(within: .seconds(5)))
        #expect(interim.status == 100)
        try client.send("data")
        let response = try client.readResponse()
        #expect(response.status == 200)
        let seen = try #require(upstream.requests.first)
        #expect(seen.bodyString == "data")
        #expect(seen.header("Expect") == nil)
    }

    @Test("a body larger than the replay limit streams through byte for byte")
    func streamedUpload() throws {
        let count = 3 * 1024 * 1024 + 17
        let body: [UInt8] = (0..<count).map { (index: Int) -> UInt8 in UInt8(truncatingIfNeeded: index &* 7) }
        let upstream = try TestUpstream(responses: [.respond(status: 200, text: "stored")])
        let proxy = try ProxyHarness(upstream) { _, limits in limits.replayLimit = 64 * 1024 }
        let response = try proxy.request(method: "PUT", target: "/v1/big", body: body, timeout: .seconds(30))
        #expect(response.status == 200)
        let seen = try #require(upstream.requests.first)
        #expect(seen.body.count == body.count)
        #expect(seen.body == body)
        #expect(seen.header("Content-Length") == String(body.count))
    }

    @Test("a chunked body that outgrows the replay limit streams through chunked")
    func streamedChunkedUpload() throws {
        let part = [UInt8](repeating: 0x61, count: 40 * 1024)
        let upstream = try TestUpstream(responses: [.respond(status: 200, text: "stored")])
        let proxy = try ProxyHarness(upstream) { _, limits in limits.replayLimit = 64 * 1024 }
        let client = try proxy.client(timeout: .seconds(30))
        try client.send("POST /v1/big HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        for _ in 0..<5 { try client.send(Array("a000\r\n".utf8) + part + Array("\r\n".utf8)) }
        try client.send("0\r\n\r\n")
        #expect(try client.readResponse().status == 200)
        let seen = try #require(upstream.requests.first)
        #expect(seen.body.count == 5 * part.count)
        #expect(seen.wasChunked)
    }
}
