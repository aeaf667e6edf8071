extension Duration {
    /// The duration in whole nanoseconds, saturating at `Int64` bounds (about 292 years).
    var nanosecondsClamped: Int64 {
        let (seconds, attoseconds) = components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (sum, overflowSum) = whole.addingReportingOverflow(attoseconds / 1_000_000_000)
        if overflowSum { return seconds < 0 ? .min : .max }
        return sum
    }

    /// `self` or zero, whichever is larger: policies and headers may carry negative values.
    var clampedNonNegative: Duration {
        self < .zero ? .zero : self
    }

    /// A non-negative duration from seconds that may be negative, NaN or huge (headers are untrusted).
    static func clampedSeconds(_ seconds: Double) -> Duration {
        guard seconds > 0 else { return .zero }  // also catches NaN
        let nanoseconds = seconds * 1e9
        guard nanoseconds < 9.2e18 else { return .nanoseconds(Int64.max) }
        return .nanoseconds(Int64(nanoseconds.rounded()))
    }

    /// A compact rendering for log lines, rounded to what a reader needs: "0s", "800µs", "250ms", "2s", "1.5s",
    /// "120s". (The configuration's exact form is ``Durations/format(_:)``.)
    package var compactDescription: String {
        let nanoseconds = nanosecondsClamped
        if nanoseconds < 0 { return "-" + Duration.nanoseconds(Self.magnitude(nanoseconds)).compactDescription }
        if nanoseconds == 0 { return "0s" }
        if nanoseconds < 1_000_000 { return "\(nanoseconds / 1_000)µs" }
        let milliseconds = nanoseconds / 1_000_000
        if milliseconds < 1_000 { return "\(milliseconds)ms" }
        return Self.decimal((milliseconds + 50) / 100, scale: 10, digits: 1) + "s"
    }

    /// Seconds with exactly `digits` decimals, rounded half up: "0.15s", "1.00s" (for aligned tables).
    package func seconds(decimals digits: Int) -> String {
        var scale: Int64 = 1
        for _ in 0..<digits { scale *= 10 }
        let unit = 1_000_000_000 / scale
        let scaled = (nanosecondsClamped + unit / 2) / unit
        var fraction = String(scaled % scale)
        fraction = String(repeating: "0", count: digits - fraction.count) + fraction
        return digits == 0 ? "\(scaled)s" : "\(scaled / scale).\(fraction)s"
    }

    /// The duration in seconds as a JSON-friendly decimal, without floating-point noise ("2.5", "0.25").
    package var secondsDecimal: String {
        let nanoseconds = nanosecondsClamped
        if nanoseconds < 0 { return "-" + Duration.nanoseconds(Self.magnitude(nanoseconds)).secondsDecimal }
        return Self.decimal(nanoseconds, scale: 1_000_000_000, digits: 9)
    }

    private static func magnitude(_ value: Int64) -> Int64 {
        value == .min ? .max : -value
    }

    /// `value / scale` with at most `digits` fraction digits (truncated), trailing zeros dropped.
    private static func decimal(_ value: Int64, scale: Int64, digits: Int) -> String {
        let whole = value / scale
        var fraction = value % scale
        var unit = scale
        for _ in 0..<digits { unit /= 10 }
        fraction /= Swift.max(unit, 1)
        guard fraction > 0 else { return String(whole) }
        var text = String(fraction)
        text = String(repeating: "0", count: digits - text.count) + text
        while text.hasSuffix("0") { text.removeLast() }
        return "\(whole).\(text)"
    }
}
