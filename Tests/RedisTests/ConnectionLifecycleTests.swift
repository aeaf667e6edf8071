import Testing

@testable import Redis

@Suite struct ConnectionLifecycleTests {
    private func machine() -> (ConnectionLifecycle, SeededRandom) {
        (
            ConnectionLifecycle(backoff: ReconnectBackoff(initial: .milliseconds(100), max: .seconds(5))),
            SeededRandom(seed: 3)
        )
    }

    @Test func connectsOnStartAndAnnouncesReady() {
        var (lifecycle, random) = machine()
        #expect(lifecycle.state == .disconnected)
        #expect(lifecycle.handle(.start, random: &random) == [.open])
        #expect(lifecycle.state == .connecting)
        #expect(lifecycle.handle(.start, random: &random) == [])
        #expect(lifecycle.handle(.ready, random: &random) == [.announceReady])
        #expect(lifecycle.state == .connected)
    }

    @Test func consecutiveFailuresBackOffFurther() {
        var (lifecycle, random) = machine()
        _ = lifecycle.handle(.start, random: &random)
        var waits: [Duration] = []
        for _ in 0..<4 {
            let actions = lifecycle.handle(.failed(.connectFailed("refused")), random: &random)
            #expect(actions.first == .tearDown(.connectFailed("refused")))
            guard case .retry(let wait) = actions.last else {
                Issue.record("no retry in \(actions)")
                return
            }
            waits.append(wait)
            #expect(lifecycle.state == .disconnected)
            #expect(lifecycle.handle(.retryDue, random: &random) == [.open])
        }
        for (index, wait) in waits.enumerated() {
            let base = Duration.milliseconds(100 << index)
            #expect(wait >= base / 2 && wait <= base)
        }
    }

    @Test func aWorkingConnectionThatDropsRetriesSoonAndForgetsEarlierFailures() {
        var (lifecycle, random) = machine()
        _ = lifecycle.handle(.start, random: &random)
        for _ in 0..<5 {
            _ = lifecycle.handle(.failed(.timeout), random: &random)
            _ = lifecycle.handle(.retryDue, random: &random)
        }
        _ = lifecycle.handle(.ready, random: &random)
        let actions = lifecycle.handle(.failed(.connectionLost("reset")), random: &random)
        guard case .retry(let wait) = actions.last else {
            Issue.record("no retry in \(actions)")
            return
        }
        #expect(wait <= .milliseconds(100))
        #expect(lifecycle.phase == .waiting(failures: 1))
    }

    @Test func lateReportsChangeNothing() {
        var (lifecycle, random) = machine()
        _ = lifecycle.handle(.start, random: &random)
        _ = lifecycle.handle(.failed(.timeout), random: &random)
        #expect(lifecycle.handle(.failed(.connectionLost("late")), random: &random) == [])
        #expect(lifecycle.handle(.ready, random: &random) == [])
        #expect(lifecycle.phase == .waiting(failures: 1))
    }

    @Test func closeIsFinal() {
        var (lifecycle, random) = machine()
        _ = lifecycle.handle(.start, random: &random)
        _ = lifecycle.handle(.ready, random: &random)
        #expect(lifecycle.handle(.close, random: &random) == [.tearDown(.closed), .stop])
        #expect(lifecycle.handle(.start, random: &random) == [])
        #expect(lifecycle.handle(.retryDue, random: &random) == [])
        #expect(lifecycle.state == .disconnected)
        var (waiting, seed) = machine()
        _ = waiting.handle(.start, random: &seed)
        _ = waiting.handle(.failed(.timeout), random: &seed)
        #expect(waiting.handle(.close, random: &seed) == [.stop])
    }
}
