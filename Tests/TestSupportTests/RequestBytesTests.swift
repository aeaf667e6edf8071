import Testing

@testable import TestSupport

@Suite struct RequestBytesTests {
    @Test func defaultIsAGetWithAHost() {
        #expect(RequestBytes.make() == Array("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8))
    }

    @Test func bodyGetsAContentLength() {
        let bytes = RequestBytes.make(method: "POST", target: "/x", headers: [("A", "1")], body: Array("hey".utf8))
        #expect(bytes == Array("POST /x HTTP/1.1\r\nA: 1\r\nContent-Length: 3\r\n\r\nhey".utf8))
    }

    @Test func chunkedBodyIsOneChunkAndTheLast() {
        let bytes = RequestBytes.make(method: "POST", headers: [], text: "hello", chunked: true)
        #expect(bytes == Array("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n".utf8))
    }
}
