import Testing

@testable import retryd

/// The tour client's response parsing, from bytes (the live path is covered by DemoTests).
@Suite struct DemoClientTests {
    @Test func parsesStatusHeadersAndBody() throws {
        let bytes = Array("HTTP/1.1 201 Created\r\nX-Retryd-Attempts: 2\r\nContent-Length: 2\r\n\r\n{}".utf8)
        let response = try DemoClient.parse(bytes)
        #expect(response.status == 201)
        #expect(response.header("x-retryd-attempts") == "2")
        #expect(response.body == Array("{}".utf8))
    }

    @Test func emptyStreamIsNoResponse() {
        let error = #expect(throws: DemoClientError.self) { try DemoClient.parse([]) }
        #expect(error?.message == "connection closed without a response")
    }

    @Test func headerValuesLoseSurroundingBlanks() throws {
        let response = try DemoClient.parse(Array("HTTP/1.1 200 OK\r\nRetry-After: \t 3 \r\n\r\n".utf8))
        #expect(response.header("retry-after") == "3")
    }

    @Test func garbageStatusLineIsRejected() {
        #expect(throws: DemoClientError.self) { try DemoClient.parse(Array("SSH-2.0\r\n\r\n".utf8)) }
    }
}
