import ArgumentParser
import Foundation
import Listener
import Loop
import Testing

@testable import retryd

/// The demo run in-process on ephemeral ports: what the table would show for each scripted request.
@Suite struct DemoTests {
    /// Runs the whole tour against a fresh session and returns its rows keyed by request label.
    private static func runTour() throws -> [String: DemoRow] {
        let session = try DemoSession(listen: ListenAddress(host: "127.0.0.1", port: 0))
        let stopped = DispatchSemaphore(value: 0)
        let thread = Thread {
            try? session.run()
            stopped.signal()
        }
        thread.start()
        defer {
            session.stop()
            stopped.wait()
        }
        let rows = session.tour.run()
        #expect(rows.map(\.request) == DemoScenario.tour.map(\.label) + ["10 × GET /v1/renditions at once"])
        #expect(Demo.succeeded(rows), "demo --once would exit 1")
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.request, $0) })
    }

    private static func seconds(_ row: DemoRow?) -> [Double] {
        (row?.waits ?? []).map { Double($0.nanoseconds) / 1e9 }
    }

    @Test func tourShowsEachAttemptWaitAndFinalStatus() throws {
        let rows = try Self.runTour()

        let jobs = try #require(rows["GET /v1/jobs/42"])
        #expect(jobs.vendorAnswers == ["503", "503", "200"])
        #expect(jobs.retryReasons == ["503", "503"])
        #expect(jobs.clientStatus == 200 && jobs.clientAttempts == 3)
        // Backoff 200ms then 400ms with equal jitter: [100, 200] and [200, 400] ms, plus scheduling slack.
        let jobWaits = Self.seconds(jobs)
        #expect(jobWaits.count == 2)
        #expect(jobWaits.first.map { (0.09...0.45).contains($0) } == true)
        #expect(jobWaits.last.map { (0.19...0.65).contains($0) } == true)

        let transcodes = try #require(rows["POST /v1/transcodes"])
        #expect(transcodes.vendorAnswers == ["429", "201"])
        #expect(transcodes.announcedWaits.first == "Retry-After: 1")
        #expect(transcodes.clientStatus == 201 && transcodes.clientAttempts == 2)
        #expect(Self.seconds(transcodes).count == 1)
        #expect(Self.seconds(transcodes).allSatisfy { (0.95...1.6).contains($0) })

        let quota = try #require(rows["GET /v1/quota"])
        #expect(quota.vendorAnswers == ["429", "200"])
        #expect(quota.announcedWaits.first == "RateLimit-Reset: 1")
        #expect(quota.clientStatus == 200 && quota.clientAttempts == 2)
        #expect(Self.seconds(quota).count == 1)
        #expect(Self.seconds(quota).allSatisfy { (0.95...1.6).contains($0) })

        let unsafePost = try #require(rows["POST /v1/encodings"])
        #expect(unsafePost.vendorAnswers == ["504"])
        #expect(unsafePost.clientStatus == 504 && unsafePost.clientAttempts == 1)
        #expect(unsafePost.giveUpReason == "not safe to retry")
        #expect(unsafePost.waitedText == "not retried: POST may have taken effect")

        let keyedPost = try #require(rows["POST /v1/encodings + Idempotency-Key"])
        #expect(keyedPost.vendorAnswers == ["504", "200"])
        #expect(keyedPost.retryReasons == ["504"])
        #expect(keyedPost.clientStatus == 200 && keyedPost.clientAttempts == 2)

        // Bitmovin's 504 on start: the probe tells a start that happened from one that did not.
        let started = try #require(rows["POST /v1/encoding/encodings/enc-started/start"])
        #expect(started.vendorAnswers == ["504", "probe 200"])
        #expect(started.verdict == "applied (QUEUED)")
        #expect(started.clientStatus == 202 && started.clientAttempts == 1)
        let lost = try #require(rows["POST /v1/encoding/encodings/enc-lost/start"])
        #expect(lost.vendorAnswers == ["504", "probe 200", "200"])
        #expect(lost.verdict == "not applied (CREATED)")
        #expect(lost.clientStatus == 200 && lost.clientAttempts == 2)

        let upload = try #require(rows["POST /v1/uploads"])
        #expect(upload.vendorAnswers == ["504", "200"], "the vendor knew the repeat by its key")
        #expect(upload.retryReasons == ["504"])
        #expect(upload.clientStatus == 200 && upload.clientAttempts == 2)

        let asset = try #require(rows["GET /v1/assets/7"])
        #expect(asset.vendorAnswers == ["reset", "200"])
        #expect(asset.retryReasons == ["no response"])
        #expect(asset.clientStatus == 200 && asset.clientAttempts == 2)

        let task = try #require(rows["GET /v1/projects/p1/cloud-transcoder/tasks/t9"])
        #expect(task.vendorAnswers == ["404", "404", "200"])
        #expect(task.clientStatus == 200 && task.clientAttempts == 3)
        // The task rule's fixed 300ms schedule, not the backoff.
        #expect(Self.seconds(task).count == 2)
        #expect(Self.seconds(task).allSatisfy { (0.29...0.6).contains($0) })

        // Ten at once against 4 a second: the quota headers let retryd hold the rest; the vendor sends no 429.
        let burst = try #require(rows["10 × GET /v1/renditions at once"])
        #expect(burst.vendorAnswers.count == 10)
        #expect(burst.vendorAnswers.allSatisfy { $0 == "200" }, "\(burst.vendorAnswers)")
        #expect(burst.burst?.client == "200 × 10")
    }

    @Test func aRowWithoutAnAnswerOrABurstWithFailuresFailsTheDemo() {
        var answered = DemoRow(
            method: "GET", request: "GET /", vendorAnswers: ["200"], announcedWaits: [nil], waits: [], retryReasons: [])
        answered.clientStatus = 200
        var burst = DemoRow(
            method: "GET", request: "10 × GET", vendorAnswers: [], announcedWaits: [], waits: [], retryReasons: [])
        burst.burst = DemoRow.Burst(answered: "", waited: "", client: "200 × 10")
        #expect(Demo.succeeded([answered, burst]))
        var unanswered = answered
        unanswered.clientStatus = nil
        #expect(!Demo.succeeded([answered, unanswered]))
        var failedBurst = burst
        failedBurst.burst?.client = "200 × 8, others [0, 0]"
        #expect(!Demo.succeeded([answered, failedBurst]))
        #expect(!Demo.succeeded([]))
    }

    @Test func demoOnceParses() throws {
        let command = try Retryd.parseAsRoot(["demo", "--once"])
        let demo = try #require(command as? Demo)
        #expect(demo.once)
        #expect(demo.listen == nil)
    }

    @Test func demoListenParses() throws {
        let demo = try #require(try Retryd.parseAsRoot(["demo", "--listen", "127.0.0.1:0"]) as? Demo)
        #expect(!demo.once)
        #expect(demo.listen == "127.0.0.1:0")
    }

    @Test func malformedListenIsRejected() {
        #expect(throws: (any Error).self) { try Retryd.parseAsRoot(["demo", "--listen", "8080"]) }
    }

    @Test func busyPortFailsWithAddressInUse() throws {
        let first = try DemoSession(listen: ListenAddress(host: "127.0.0.1", port: 0))
        defer {
            // Stopping before running makes run() return at once and close every socket.
            first.stop()
            try? first.run()
        }
        let error = #expect(throws: SysError.self) {
            _ = try DemoSession(listen: first.retrydAddress)
        }
        #expect(error?.call == "bind")
        #expect(error?.errno == EADDRINUSE)
    }
}
