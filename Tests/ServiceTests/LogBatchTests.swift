import Foundation
import Glibc
import Testing

@testable import Service

/// The loop thread's log lines go out once per iteration; nothing is lost, reordered or held from other threads.
@Suite("Log batch")
struct LogBatchTests {
    private func line(_ text: String) -> [UInt8] { Array("\(text)\n".utf8) }

    @Test("lines from the adopted thread wait for the flush, then go out in order")
    func batchedUntilFlush() throws {
        let capture = try PipeCapture()
        let batch = LogBatch(fd: capture.writeFD)
        batch.adoptCurrentThread()
        batch.write(line("one"), urgent: false)
        batch.write(line("two"), urgent: false)
        #expect(capture.text() == "")
        batch.flush()
        #expect(capture.lines() == ["one", "two"])
        batch.flush()
        #expect(capture.text() == "", "a second flush wrote again")
    }

    @Test("an urgent line goes out at once, after what was pending")
    func urgentFlushesPendingFirst() throws {
        let capture = try PipeCapture()
        let batch = LogBatch(fd: capture.writeFD)
        batch.adoptCurrentThread()
        batch.write(line("access"), urgent: false)
        batch.write(line("warning"), urgent: true)
        #expect(capture.lines() == ["access", "warning"])
    }

    @Test("lines from another thread are written at once")
    func otherThreadsUnbatched() throws {
        let capture = try PipeCapture()
        let batch = LogBatch(fd: capture.writeFD)
        batch.adoptCurrentThread()
        let done = DispatchSemaphore(value: 0)
        Thread {
            batch.write(Array("elsewhere\n".utf8), urgent: false)
            done.signal()
        }.start()
        done.wait()
        #expect(capture.lines() == ["elsewhere"])
    }

    @Test("without an adopted thread nothing is held, and release writes what is pending")
    func releaseFlushes() throws {
        let capture = try PipeCapture()
        let batch = LogBatch(fd: capture.writeFD)
        batch.write(line("direct"), urgent: false)
        #expect(capture.lines() == ["direct"])
        batch.adoptCurrentThread()
        batch.write(line("held"), urgent: false)
        batch.release()
        #expect(capture.lines() == ["held"])
        batch.write(line("after"), urgent: false)
        #expect(capture.lines() == ["after"])
    }

    @Test("pending bytes never exceed the limit: the line that would is written with them")
    func boundedPending() throws {
        let capture = try PipeCapture()
        // Room for more than the limit in one write (F_SETPIPE_SZ; the default pipe holds exactly 64 KiB).
        try #require(fcntl(capture.writeFD, 1031, Int32(4 * LogBatch.limit)) >= 4 * LogBatch.limit)
        let batch = LogBatch(fd: capture.writeFD)
        batch.adoptCurrentThread()
        let long = String(repeating: "x", count: LogBatch.limit / 2)
        batch.write(line(long), urgent: false)
        #expect(capture.text() == "")
        batch.write(line(long), urgent: false)
        #expect(capture.lines() == [long, long])
    }
}

extension LogBatchTests {
    @Test("each adopted thread keeps its own batch: a flush writes only the caller's lines, whole")
    func onePerLoopThread() throws {
        let capture = try PipeCapture()
        let batch = LogBatch(fd: capture.writeFD)
        batch.adoptCurrentThread()
        batch.write(line("first loop"), urgent: false)
        let adopted = DispatchSemaphore(value: 0)
        let flushNow = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        Thread {
            batch.adoptCurrentThread()
            batch.write(Array("second loop\n".utf8), urgent: false)
            adopted.signal()
            flushNow.wait()
            batch.flush()
            batch.release()
            done.signal()
        }.start()
        adopted.wait()
        #expect(capture.text() == "", "the other loop's line was not held")
        batch.flush()
        #expect(capture.lines() == ["first loop"], "a flush wrote another thread's batch")
        flushNow.signal()
        done.wait()
        #expect(capture.lines() == ["second loop"])
    }
}
