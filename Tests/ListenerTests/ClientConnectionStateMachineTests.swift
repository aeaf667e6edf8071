import HTTP1
import ListenerCore
import Testing

/// Reading, parsing, pipelining and timeouts of a client connection, decided by its pure state machine: no socket,
/// no clock, no sleep. Times are the machine's monotonic nanoseconds.
@Suite("Client connection state machine: reading and timeouts")
struct ClientConnectionStateMachineTests {
    @Test("a started connection is idle, its timer armed for the idle timeout")
    func startArmsIdleTimeout() {
        var machine = Machine(limits: MachineDriver().limits)
        #expect(machine.start(now: 5 * second) == action(timer: .arm(at: 65 * second)))
        #expect(machine.isIdle)
    }

    @Test("the first bytes of a head switch the timer from idle to the header timeout, once")
    func firstBytesArmHeaderTimeout() {
        var driver = MachineDriver()
        let first = driver.read("GET / HTTP/1.1\r\n", now: 3 * second)
        #expect(first.decision == .parse(.arm(at: 13 * second)))
        #expect(first.consumed == 16)
        #expect(!driver.machine.isIdle)
        #expect(driver.read("Host: vendor\r\n", now: 4 * second).decision == .parse(nil))
        #expect(driver.events.isEmpty)
    }

    @Test("a head that does not arrive within header_timeout is answered 408 and the connection lingers")
    func headerTimeout() {
        var driver = MachineDriver()
        driver.read("GET /slow HTTP/1.1\r\nHost: vendor\r\n", now: 0)
        let fired = driver.machine.timerFired(now: 10 * second)
        let timeout = ConnectionOutput.requestTimeout(detail: "the request header section did not arrive in time")
        #expect(fired == action(output: timeout, dropInput: true, timer: .arm(at: 12 * second), flush: true))
        #expect(String(decoding: timeout.bytes, as: UTF8.self).hasPrefix("HTTP/1.1 408 "))
        // Once the 408 is out the write side shuts down; the linger timer closes whatever the client does.
        #expect(driver.machine.flushed(remaining: 0) == action(socket: .shutdownWrite))
        #expect(driver.machine.timerFired(now: 12 * second) == action(timer: .cancel, socket: .close))
    }

    @Test("an idle keep-alive connection is closed when the idle timeout fires")
    func idleTimeoutCloses() {
        var driver = MachineDriver()
        #expect(driver.machine.timerFired(now: 60 * second) == action(timer: .cancel, socket: .close))
        #expect(driver.machine.timerFired(now: 61 * second).isEmpty, "a closed connection does nothing")
    }

    @Test("a body timer re-arms from the last piece read rather than per read")
    func bodyTimerRearmsFromLastRead() {
        var driver = MachineDriver()
        driver.read("POST /upload HTTP/1.1\r\nHost: vendor\r\nContent-Length: 10\r\n\r\nabc", now: 0)
        #expect(driver.actions == [action(timer: .arm(at: 60 * second))])
        driver.read("de", now: 30 * second)
        #expect(driver.events == ["head /upload", "body s1 3", "body s1 2"])
        #expect(driver.machine.timerFired(now: 60 * second) == action(timer: .arm(at: 90 * second)))
    }

    @Test("a body that stops arriving for idle_timeout gets 408 and the exchange hears the client is gone")
    func bodyTimeout() {
        var driver = MachineDriver()
        driver.read("POST /upload HTTP/1.1\r\nHost: vendor\r\nContent-Length: 10\r\n\r\nabc", now: 0)
        let fired = driver.machine.timerFired(now: 60 * second)
        #expect(
            fired
                == action(
                    output: .requestTimeout(detail: "the request body stopped arriving"), dropInput: true,
                    timer: .arm(at: 62 * second), flush: true, sinkEvent: ("s1", .clientGone)))
    }

    @Test("a body that stops arriving after the response started cuts the response instead of answering 408")
    func bodyTimeoutAfterResponseHead() {
        var driver = MachineDriver()
        driver.read("POST /up HTTP/1.1\r\nHost: vendor\r\nContent-Length: 10\r\n\r\nabc", now: 0)
        _ = driver.machine.writeResponseHead(ResponseHead(status: 200), framing: .chunked, isDraining: false)
        _ = driver.machine.deferredFlushRuns()
        let fired = driver.machine.timerFired(now: 60 * second)
        #expect(
            fired
                == action(
                    dropInput: true, timer: .arm(at: 62 * second), flush: true, sinkEvent: ("s1", .clientGone)))
        // Not lingering: once what is queued is out, the connection closes.
        #expect(driver.machine.flushed(remaining: 0) == action(timer: .cancel, socket: .close))
    }

    @Test("pipelined requests in one read are handled one at a time, in order, the rest kept")
    func pipelinedRequestsInOrder() {
        var driver = MachineDriver()
        let first = request("/0")
        let next = request("/1")
        driver.machine.readable()
        let read = driver.read(first + next, now: 0, shortRead: false)
        #expect(read.consumed == first.utf8.count)
        #expect(read.keepsRest)
        #expect(driver.events == ["head /0", "end s1"])
        #expect(driver.machine.wantsRead(pending: next.utf8.count) == false, "a request waits for its response")
        // The kept bytes wait until the response is flushed; then parsing resumes under the header timeout.
        #expect(driver.machine.resumeParsing(now: 0) == .skip)
        _ = driver.machine.writeResponseHead(ResponseHead(status: 200), framing: .contentLength(0), isDraining: false)
        // The head already asked for this iteration's flush: finishing asks for none of its own.
        #expect(driver.machine.finishResponse(now: 1 * second) == action(timer: .arm(at: 61 * second)))
        #expect(driver.machine.resumeParsing(now: 2 * second) == .parse(.arm(at: 12 * second)))
        #expect(driver.parse(Array(next.utf8)).consumed == next.utf8.count)
        #expect(driver.events == ["head /0", "end s1", "head /1", "end s2"])
    }

    @Test("reading stops while pipelined input beyond the current request reaches its bound")
    func pipelinedInputIsBounded() {
        var driver = MachineDriver {
            $0.maxBufferedInput = 100
            $0.http.maxHeaderBytes = 50
        }
        driver.machine.readable()
        #expect(driver.machine.wantsRead(pending: 149) == true)
        #expect(driver.machine.wantsRead(pending: 150) == false)
    }

    @Test("a short read means the socket is drained; a full one reads again")
    func shortReadClearsReadiness() {
        var driver = MachineDriver()
        driver.machine.readable()
        driver.read("GET / HTTP/1.1\r\n", shortRead: false)
        #expect(driver.machine.wantsRead(pending: 0) == true)
        driver.read("Host: vendor\r\n", shortRead: true)
        #expect(driver.machine.wantsRead(pending: 0) == false)
        driver.machine.readable()
        driver.machine.readWouldBlock()
        #expect(driver.machine.wantsRead(pending: 0) == false)
    }

    @Test("a malformed request is answered with its status and a lingering close; the rest is not kept")
    func malformedRequestLingers() {
        var driver = MachineDriver()
        let read = driver.read("GET / HTTP/1.1\r\nHost: vendor\r\nBad Header: x\r\n\r\njunkjunk", now: 1 * second)
        #expect(!read.keepsRest)
        #expect(
            driver.actions == [
                action(
                    output: .rejection(.invalidHeaderName), dropInput: true, timer: .arm(at: 3 * second), flush: true)
            ])
        #expect(String(decoding: ConnectionOutput.rejection(.invalidHeaderName).bytes, as: UTF8.self).contains("400"))
        // While lingering, what the client still sends is read and discarded.
        driver.machine.readable()
        #expect(driver.machine.wantsRead(pending: 0) == true)
        #expect(driver.machine.received(4096, capacity: 65536, now: 2 * second) == .skip)
    }

    @Test("a paused upload reads nothing until resumed; resuming schedules a pass from the loop")
    func pausedReading() {
        var driver = MachineDriver()
        driver.read("PUT /a HTTP/1.1\r\nHost: vendor\r\nContent-Length: 8\r\n\r\nab", now: 0)
        #expect(driver.machine.setReadingPaused(true).isEmpty)
        driver.machine.readable()
        #expect(driver.machine.wantsRead(pending: 0) == false)
        let paused = driver.read("cd", now: 0)
        #expect(paused.consumed == 0 && paused.keepsRest, "body bytes wait in the buffer")
        #expect(driver.machine.setReadingPaused(false) == action(flush: true))
        #expect(driver.machine.setReadingPaused(false).isEmpty, "no change, nothing to do")
        #expect(driver.machine.resumeParsing(now: 0) == .parse(nil))
        #expect(driver.parse(Array("cdefgh".utf8)).consumed == 6)
        #expect(driver.events == ["head /a", "body s1 2", "body s1 6", "end s1"])
    }

    @Test("a hang-up while a request waits for its response ends the exchange; while reading, a read will tell")
    func hangUp() {
        var driver = MachineDriver()
        driver.read("GET / HTTP/1.1\r\nHost: vendor\r\n", now: 0)
        #expect(driver.machine.hangUp(pending: 0).isEmpty)
        driver.read("\r\n", now: 0)
        #expect(
            driver.machine.hangUp(pending: 0) == action(timer: .cancel, socket: .close, sinkEvent: ("s1", .clientGone)))
        #expect(driver.machine.hangUp(pending: 0).isEmpty, "heard once")
    }

    @Test("end of input closes the connection; an exchange in progress hears the client is gone")
    func endOfInput() {
        var idle = MachineDriver()
        #expect(idle.machine.endOfInput() == action(timer: .cancel, socket: .close))
        var busy = MachineDriver()
        busy.read(request("/wait"))
        #expect(busy.machine.endOfInput() == action(timer: .cancel, socket: .close, sinkEvent: ("s1", .clientGone)))
    }

    @Test("draining closes an idle connection only when nothing is waiting to be parsed")
    func closeIfIdle() {
        var driver = MachineDriver()
        #expect(driver.machine.closeIfIdle(pending: 10).isEmpty)
        #expect(driver.machine.closeIfIdle(pending: 0) == action(timer: .cancel, socket: .close))
        var busy = MachineDriver()
        busy.read(request())
        #expect(busy.machine.closeIfIdle(pending: 0).isEmpty)
    }
}
