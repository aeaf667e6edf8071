import Foundation
import Testing

@testable import Loop

/// Runs `loop` on a background thread until `body` returns, then stops it.
private func withRunningLoop(_ loop: EventLoop, _ body: () throws -> Void) rethrows {
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        try? loop.run()
        done.signal()
    }
    thread.start()
    defer {
        loop.stop()
        done.wait()
    }
    try body()
}

private final class Box<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: T
    init(_ value: T) { self.value = value }
    func update(_ body: (inout T) -> Void) {
        lock.lock()
        body(&value)
        lock.unlock()
    }
    var current: T {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
}

@Suite("EventLoop")
struct EventLoopTests {
    @Test("timers fire in deadline order, not scheduling order")
    func timersFireInOrder() throws {
        let loop = try EventLoop()
        let fired = Box<[Int]>([])
        let finished = DispatchSemaphore(value: 0)
        withRunningLoop(loop) {
            loop.execute {
                var timers: [LoopTimer] = []
                for (index, delay) in [30, 10, 20].enumerated() {
                    let timer = LoopTimer {
                        fired.update { $0.append(index) }
                        if fired.current.count == 3 { finished.signal() }
                        _ = timers
                    }
                    timers.append(timer)
                    loop.schedule(timer, after: .milliseconds(delay))
                }
            }
            #expect(finished.wait(timeout: .now() + 5) == .success)
        }
        #expect(fired.current == [1, 2, 0])
    }

    @Test("a cancelled timer never fires and re-arming moves it")
    func cancelAndRearm() throws {
        let loop = try EventLoop()
        let fired = Box<[String]>([])
        let finished = DispatchSemaphore(value: 0)
        withRunningLoop(loop) {
            loop.execute {
                let cancelled = LoopTimer { fired.update { $0.append("cancelled") } }
                let moved = LoopTimer { fired.update { $0.append("moved") } }
                let last = LoopTimer {
                    fired.update { $0.append("last") }
                    finished.signal()
                }
                loop.schedule(cancelled, after: .milliseconds(10))
                loop.schedule(moved, after: .milliseconds(5))
                loop.schedule(last, after: .milliseconds(60))
                loop.cancel(cancelled)
                loop.schedule(moved, after: .milliseconds(40))
                #expect(!cancelled.isScheduled)
            }
            #expect(finished.wait(timeout: .now() + 5) == .success)
        }
        #expect(fired.current == ["moved", "last"])
    }

    @Test("a timer does not fire early")
    func timerNotEarly() throws {
        let loop = try EventLoop()
        let finished = DispatchSemaphore(value: 0)
        let elapsed = Box<Duration>(.zero)
        let clock = ContinuousClock()
        withRunningLoop(loop) {
            let start = clock.now
            loop.execute {
                let timer = LoopTimer {
                    elapsed.update { $0 = clock.now - start }
                    finished.signal()
                }
                loop.schedule(timer, after: .milliseconds(50))
                _ = Unmanaged.passRetained(timer)
            }
            #expect(finished.wait(timeout: .now() + 5) == .success)
        }
        #expect(elapsed.current >= .milliseconds(50))
        #expect(elapsed.current < .milliseconds(1000))
    }

    @Test("a registered descriptor's handler runs when it becomes readable")
    func readiness() throws {
        let loop = try EventLoop()
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer {
            close(fds[0])
            close(fds[1])
        }
        final class Reader: EventHandler, @unchecked Sendable {
            let fd: Int32
            let received = DispatchSemaphore(value: 0)
            var bytes: [UInt8] = []
            init(fd: Int32) { self.fd = fd }
            func handle(_ events: EPollEvents) {
                var buffer = [UInt8](repeating: 0, count: 16)
                let count = read(fd, &buffer, 16)
                if count > 0 { bytes += buffer[0..<count] }
                received.signal()
            }
        }
        let reader = Reader(fd: fds[0])
        _ = try loop.register(fd: fds[0], events: .readable, handler: reader)
        withRunningLoop(loop) {
            #expect(write(fds[1], "hi", 2) == 2)
            #expect(reader.received.wait(timeout: .now() + 5) == .success)
        }
        #expect(reader.bytes == Array("hi".utf8))
    }

    @Test("a stale deregister after the descriptor is reused leaves the new owner registered")
    func staleDeregisterIsHarmless() throws {
        let loop = try EventLoop()
        final class Counter: EventHandler, @unchecked Sendable {
            let fd: Int32
            let received = DispatchSemaphore(value: 0)
            init(fd: Int32) { self.fd = fd }
            func handle(_ events: EPollEvents) {
                var buffer = [UInt8](repeating: 0, count: 16)
                _ = read(fd, &buffer, 16)
                received.signal()
            }
        }
        var first: [Int32] = [0, 0]
        #expect(pipe(&first) == 0)
        let old = try loop.register(fd: first[0], events: .readable, handler: Counter(fd: first[0]))
        loop.deregister(old)
        close(first[0])
        close(first[1])
        // A new pipe's read end takes the old number. The kernel would hand out the lowest free number, but other
        // tests' threads open descriptors meanwhile, so dup2 puts it there.
        var second: [Int32] = [0, 0]
        #expect(pipe(&second) == 0)
        if second[0] != first[0] {
            try #require(dup2(second[0], first[0]) == first[0])
            close(second[0])
        }
        let (reader, writer) = (first[0], second[1])
        defer {
            close(reader)
            close(writer)
        }
        let owner = Counter(fd: reader)
        _ = try loop.register(fd: reader, events: .readable, handler: owner)
        // The old owner lets go a second time, as a late cleanup would.
        loop.deregister(old)
        try loop.modify(old, events: [])
        withRunningLoop(loop) {
            #expect(write(writer, "hi", 2) == 2)
            #expect(owner.received.wait(timeout: .now() + 5) == .success, "the new owner's registration was removed")
        }
    }
}
