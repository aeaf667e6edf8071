import Loop

/// Lets a repeated warning through at most once per interval and counts the occurrences in between, so a flood of
/// one condition (connections refused at the limit) is one line every few seconds saying how many, not a line each.
struct LogThrottle {
    /// The shortest time between two admitted lines.
    let interval: Duration
    private var lastAdmitted: Int64?
    private var occurrences = 0

    init(interval: Duration) {
        self.interval = interval
    }

    /// Records one occurrence at monotonic time `now` (nanoseconds); returns how many occurred since the last admitted
    /// line, this one included, when a line may be logged now, else nil.
    mutating func admit(now: Int64) -> Int? {
        occurrences += 1
        if let lastAdmitted, now - lastAdmitted < interval.nanoseconds { return nil }
        lastAdmitted = now
        defer { occurrences = 0 }
        return occurrences
    }
}
