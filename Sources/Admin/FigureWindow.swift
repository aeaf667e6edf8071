import Loop

/// The figures seen at earlier views of the status page, so that its rates and latency quantiles cover the last
/// `span` rather than everything since start; pure, with times from the admin loop's clock passed in.
///
/// Each view compares the figures now with the latest sample at least `span` old (or, while none is that old, the
/// oldest one), then keeps the current figures as a sample. The window starts with all counters at zero
/// at the admin listener's start, so the first view covers the time since then.
package struct FigureWindow: Sendable {
    /// The figures of every upstream at one moment.
    package struct Sample: Sendable, Equatable {
        /// When, in the loop clock's nanoseconds.
        package var time: Int64
        /// Each upstream's figures, by name; an absent upstream counts as zero.
        package var figures: [String: UpstreamFigures]

        /// Creates a sample.
        package init(time: Int64, figures: [String: UpstreamFigures]) {
            self.time = time
            self.figures = figures
        }
    }

    /// How far back rates reach.
    package let span: Duration
    /// Views closer together than this add no sample, so a page open in many tabs keeps the window short.
    package let spacing: Duration
    /// Oldest first; never empty.
    private var samples: [Sample]

    /// Creates the window with every counter at zero at `start`.
    package init(start: Int64, span: Duration = .seconds(30), spacing: Duration = .seconds(1)) {
        self.span = span
        self.spacing = spacing
        samples = [Sample(time: start, figures: [:])]
    }

    /// The sample the figures at `now` are compared with; `figures` are then kept as a sample of their own.
    package mutating func advance(to figures: [String: UpstreamFigures], at now: Int64) -> Sample {
        let horizon = now - span.nanoseconds
        // The newest sample at or before the horizon, else the oldest after it.
        let baseline = samples.last { $0.time <= horizon } ?? samples[0]
        samples.removeAll { $0.time < baseline.time }
        if let last = samples.last, now - last.time >= spacing.nanoseconds {
            samples.append(Sample(time: now, figures: figures))
        }
        return baseline
    }
}
