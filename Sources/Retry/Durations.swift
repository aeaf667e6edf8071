/// Reads and writes the duration strings of the configuration: `"250ms"`, `"2s"`, `"1.5s"`, `"1m"`, `"1h"`.
package enum Durations {
    private static let nanosecondsPerUnit: [(suffix: String, nanoseconds: Int64)] = [
        ("ms", 1_000_000), ("s", 1_000_000_000), ("m", 60_000_000_000), ("h", 3_600_000_000_000),
    ]

    /// Parses a non-negative decimal number followed by `ms`, `s`, `m` or `h`.
    ///
    /// - Returns: `nil` for anything else (no unit, a sign, spaces, exponent, or a value beyond ~292 years).
    package static func parse(_ text: String) -> Duration? {
        // "ms" comes first in the table: "250ms" also ends in "s".
        guard let entry = nanosecondsPerUnit.first(where: { text.hasSuffix($0.suffix) }) else { return nil }
        let unit = entry.nanoseconds
        let number = text.dropLast(entry.suffix.count)
        let parts = number.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.allSatisfy(Self.isDigit) else { return nil }
        var fraction = parts.count == 2 ? parts[1] : ""
        guard parts.count == 1 || !fraction.isEmpty, fraction.allSatisfy(Self.isDigit) else { return nil }
        // Nine decimals reach a nanosecond for seconds; trailing zeros beyond that are harmless.
        while fraction.count > 9, fraction.last == "0" { fraction = fraction.dropLast() }
        guard fraction.count <= 9, let wholeValue = Int64(whole) else { return nil }

        let (wholeNanos, overflow) = wholeValue.multipliedReportingOverflow(by: unit)
        guard !overflow else { return nil }
        var fractionNanos: Int64 = 0
        if !fraction.isEmpty, let digits = Int64(fraction) {
            var scale: Int64 = 1
            for _ in 0..<fraction.count { scale *= 10 }
            // unit × digits can overflow Int64 for hours, so split unit into quotient and remainder by scale first.
            fractionNanos = unit / scale * digits + (unit % scale) * digits / scale
        }
        let (total, overflowSum) = wholeNanos.addingReportingOverflow(fractionNanos)
        guard !overflowSum else { return nil }
        return .nanoseconds(total)
    }

    /// Formats with the largest unit that keeps the value exact: `"1h"`, `"1m"`, `"2s"`, `"1.5s"`, `"250ms"`.
    ///
    /// The output parses back to the same duration; negative durations get a leading `-`.
    package static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let (secondsNanos, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return "\(seconds)s" }
        let totalNanos = secondsNanos + attoseconds / 1_000_000_000
        if totalNanos < 0 { return "-" + format(.nanoseconds(-totalNanos)) }
        if totalNanos == 0 { return "0s" }
        for (suffix, unit) in nanosecondsPerUnit.reversed() where suffix != "ms" && totalNanos % unit == 0 {
            return "\(totalNanos / unit)\(suffix)"
        }
        if totalNanos >= 1_000_000_000 { return decimal(totalNanos, unit: 1_000_000_000) + "s" }
        return decimal(totalNanos, unit: 1_000_000) + "ms"
    }

    /// `value / unit` written with as many decimals as needed (unit is a power of ten).
    private static func decimal(_ value: Int64, unit: Int64) -> String {
        var fraction = String(value % unit)
        let width = String(unit).count - 1
        fraction = String(repeating: "0", count: width - fraction.count) + fraction
        while fraction.last == "0" { fraction.removeLast() }
        return fraction.isEmpty ? "\(value / unit)" : "\(value / unit).\(fraction)"
    }

    private static func isDigit(_ character: Character) -> Bool {
        character.isASCII && character.isNumber
    }
}
