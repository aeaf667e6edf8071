import Events
import Testing

@testable import Admin

/// The status page's rates cover the last 30 s of views, on the loop clock passed in.
@Suite("FigureWindow and BreakerHistory")
struct FigureWindowTests {
    static let second: Int64 = 1_000_000_000

    static func figures(_ requests: Double) -> [String: UpstreamFigures] {
        ["api": UpstreamFigures(requests: requests)]
    }

    @Test("the first view compares with zero at the start")
    func firstViewSinceStart() {
        var window = FigureWindow(start: 100 * Self.second)
        let baseline = window.advance(to: Self.figures(50), at: 110 * Self.second)
        #expect(baseline == FigureWindow.Sample(time: 100 * Self.second, figures: [:]))
    }

    @Test("views inside the span compare with the oldest; past it, with the newest sample at least a span old")
    func baselineMovesWithTheSpan() {
        var window = FigureWindow(start: 0)
        for second in stride(from: 5, through: 40, by: 5) {
            _ = window.advance(to: Self.figures(Double(second) * 10), at: Int64(second) * Self.second)
        }
        // Samples at 0, 5, ..., 40: at 45 s the span reaches back to 15 s.
        let baseline = window.advance(to: Self.figures(450), at: 45 * Self.second)
        #expect(baseline.time == 15 * Self.second)
        #expect(baseline.figures["api"]?.requests == 150)
    }

    @Test("views far apart compare with the previous view")
    func sparseViews() {
        var window = FigureWindow(start: 0)
        _ = window.advance(to: Self.figures(10), at: 100 * Self.second)
        let baseline = window.advance(to: Self.figures(70), at: 400 * Self.second)
        #expect(baseline == FigureWindow.Sample(time: 100 * Self.second, figures: Self.figures(10)))
    }

    @Test("views closer than the spacing add no sample")
    func spacing() {
        var window = FigureWindow(start: 0, span: .seconds(30), spacing: .seconds(1))
        _ = window.advance(to: Self.figures(1), at: 40 * Self.second)
        _ = window.advance(to: Self.figures(2), at: 40 * Self.second + Self.second / 2)
        // Had the half-second view been kept, it would be the baseline here.
        let baseline = window.advance(to: Self.figures(3), at: 70 * Self.second + Self.second / 2)
        #expect(baseline.figures["api"]?.requests == 1)
    }

    @Test("breaker transitions are kept newest first, refusals skipped, timed by the clock given")
    func breakerHistory() {
        let clock = ClockValue(1_000)
        let history = BreakerHistory(limit: 3, clock: { clock.seconds })
        history.healthEvent(upstream: "api", .breakerOpened(failures: 4, outcomes: 5, openFor: .seconds(30)))
        clock.seconds = 1_030
        history.healthEvent(upstream: "api", .breakerRefused)
        history.healthEvent(upstream: "api", .breakerHalfOpen)
        clock.seconds = 1_031
        history.healthEvent(upstream: "api", .breakerReopened(openFor: .seconds(60)))
        clock.seconds = 1_091
        history.healthEvent(upstream: "api", .breakerHalfOpen)
        history.healthEvent(upstream: "other", .breakerClosed(trials: 1))
        #expect(
            history.recent("api") == [
                BreakerTransition(time: 1_091, state: "half_open", detail: "trial requests go"),
                BreakerTransition(time: 1_031, state: "open", detail: "a trial failed, open for 60s"),
                BreakerTransition(time: 1_030, state: "half_open", detail: "trial requests go"),
            ])
        #expect(history.recent("other").map(\.detail) == ["1 trial succeeded"])
        #expect(history.recent("none").isEmpty)
        #expect(
            BreakerTransition(.breakerOpened(failures: 4, outcomes: 5, openFor: .seconds(30)), time: 0)?.detail
                == "4 of 5 failed, open for 30s")
    }
}

/// A settable clock for code that asks for the time.
final class ClockValue: @unchecked Sendable {
    var seconds: Double

    init(_ seconds: Double) {
        self.seconds = seconds
    }
}
