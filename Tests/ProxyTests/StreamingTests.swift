import Foundation
import TestSupport
import Testing

extension Live {
    /// Large responses stream with back-pressure; truncated ones never look complete.
    @Suite("Streaming")
    struct StreamingTests {
        @Test("a large response streams through intact")
        func largeResponse() throws {
            let total = 48 * 1024 * 1024
            let upstream = try TestUpstream(responses: [
                .stream(status: 200, headers: [("Content-Type", "video/mp4")], totalBytes: total)
            ])
            let proxy = try ProxyHarness(upstream)
            let response = try proxy.request(target: "/video.mp4", timeout: .seconds(60))
            #expect(response.body.count == total)
            #expect(response.framing == .contentLength)
            let mismatch = response.body.indices.first { response.body[$0] != UpstreamAction.streamByte(at: $0) }
            #expect(mismatch == nil)
        }

        @Test("a client that stops reading stops the upstream transfer (back-pressure)")
        func backPressure() throws {
            let total = 64 * 1024 * 1024
            let upstream = try TestUpstream(responses: [.stream(status: 200, headers: [], totalBytes: total)])
            let proxy = try ProxyHarness(upstream)
            let client = try proxy.client(timeout: .seconds(60), receiveBufferBytes: 16 * 1024)
            try client.send(RequestBytes.make(target: "/big"))
            var received = try client.readExactly(1024)
            // Give the pipeline time to fill, then check it stalled far short of the whole body.
            var last = -1
            for _ in 0..<40 where upstream.streamedBytes != last {
                last = upstream.streamedBytes
                Thread.sleep(forTimeInterval: 0.05)
            }
            let stalledAt = upstream.streamedBytes
            // What the upstream got rid of sits mostly in the kernel's socket buffers, which autotune to megabytes.
            #expect(stalledAt < 16 * 1024 * 1024, "upstream wrote \(stalledAt) bytes to a client that was not reading")
            // What retryd itself holds is bounded by the output high watermark (256 KiB) plus one libcurl piece.
            let queued = LockedBox(0)
            try proxy.onLoop { queued.set($0.queuedOutputBytes) }
            #expect(queued.value > 0, "the response should be waiting in retryd's output")
            #expect(
                queued.value <= 256 * 1024 + 64 * 1024,
                "retryd held \(queued.value) bytes for a client that was not reading")
            // Reading resumes the transfer and every byte arrives, in order.
            let head = try #require(received.firstRange(of: Array("\r\n\r\n".utf8)))
            received.removeSubrange(..<head.upperBound)
            while received.count < total {
                received += try client.readAvailable(atMost: 1 << 20)
            }
            #expect(received.count == total)
            let mismatch = received.indices.first { received[$0] != UpstreamAction.streamByte(at: $0) }
            #expect(mismatch == nil)
        }

        @Test("an upstream that dies mid-body with a Content-Length leaves the client with a short body")
        func truncatedContentLength() throws {
            let upstream = try TestUpstream(responses: [
                .rawThenClose(Array("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789".utf8))
            ])
            let proxy = try ProxyHarness(upstream)
            let client = try proxy.client()
            try client.send(RequestBytes.make(target: "/cut"))
            #expect(throws: ClientError.self) { try client.readResponse() }
            #expect(client.isClosedByPeer(within: .seconds(5)))
        }

        @Test("an upstream that dies mid-body while chunked leaves the client without the last chunk")
        func truncatedChunked() throws {
            let upstream = try TestUpstream(responses: [
                .rawThenClose(Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n".utf8))
            ])
            let proxy = try ProxyHarness(upstream)
            let client = try proxy.client()
            try client.send(RequestBytes.make(target: "/cut"))
            do {
                let response = try client.readResponse()
                Issue.record("a truncated body was delivered as complete: \(response.body.count) bytes")
            } catch let error {
                if case .truncated = error {} else { Issue.record("expected .truncated, got \(error)") }
            }
        }

        @Test("a body that stalls longer than attempt_timeout is cut, and the client can tell")
        func stalledBody() throws {
            let upstream = try TestUpstream(responses: [
                .raw(Array("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789".utf8))
            ])
            let proxy = try ProxyHarness(upstream) { upstream, _ in upstream.attemptTimeout = .milliseconds(300) }
            let client = try proxy.client()
            try client.send(RequestBytes.make(target: "/stall"))
            let (result, elapsed) = measure { Result { () throws(ClientError) in try client.readResponse() } }
            guard case .failure(.truncated) = result else {
                Issue.record("expected a truncated body, got \(result)")
                return
            }
            #expect(elapsed >= .milliseconds(250))
            #expect(elapsed < .seconds(3))
        }
    }
}
