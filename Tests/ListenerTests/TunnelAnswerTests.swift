import HTTP1
import ListenerCore
import Testing

/// The forward proxy's answer to an accepted CONNECT, decided by the connection's pure state machine.
@Suite("Client connection state machine: CONNECT answered with a tunnel")
struct TunnelAnswerTests {
    @Test("a complete CONNECT is answered 200 and the connection waits for the tunnel's first request, even HTTP/1.0")
    func answered() {
        for version in ["HTTP/1.1", "HTTP/1.0"] {
            var driver = ClientConnectionStateMachineResponseTests.afterRequest(
                "CONNECT api.vendor.example:443 \(version)\r\nHost: api.vendor.example:443\r\n\r\n")
            let answer = driver.machine.answerTunnel(now: 0)
            #expect(answer == action(output: .connectionEstablished, timer: .arm(at: 60 * second), flush: true))
            #expect(driver.machine.isIdle, "\(version)")
            #expect(
                ConnectionOutput.connectionEstablished.bytes
                    == Array("HTTP/1.1 200 Connection established\r\n\r\n".utf8))
        }
    }

    @Test("no tunnel once a response has started, or while the CONNECT's body is still arriving")
    func refusedWhenNotReady() {
        var started = ClientConnectionStateMachineResponseTests.afterRequest(
            "CONNECT a.example:443 HTTP/1.1\r\nHost: a.example\r\n\r\n")
        _ = started.machine.writeResponseHead(ResponseHead(status: 403), framing: .contentLength(0), isDraining: false)
        #expect(started.machine.answerTunnel(now: 0) == action())
        var partial = ClientConnectionStateMachineResponseTests.afterRequest(
            "CONNECT a.example:443 HTTP/1.1\r\nHost: a.example\r\nContent-Length: 4\r\n\r\nab")
        #expect(partial.machine.answerTunnel(now: 0) == action())
        #expect(!partial.machine.isIdle)
    }
}
