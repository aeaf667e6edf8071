/// Lets a repeated warning through at most once per interval and counts the occurrences in between, so a flood of
/// one condition (connections refused at the limit) is one line every few seconds saying how many, not a line each.
package struct LogThrottle: Sendable {
    /// The shortest time between two admitted lines.
    package let interval: Duration
    private var lastAdmitted: Int64?
    private var occurrences = 0

    /// Creates a throttle that admits one line per `interval`.
    package init(interval: Duration) {
        self.interval = interval
    }

    /// Records one occurrence at monotonic time `now` (nanoseconds); returns how many occurred since the last admitted
    /// line, this one included, when a line may be logged now, else nil.
    package mutating func admit(now: Int64) -> Int? {
        occurrences += 1
        if let lastAdmitted, now - lastAdmitted < interval.nanosecondsClamped { return nil }
        lastAdmitted = now
        defer { occurrences = 0 }
        return occurrences
    }
}
