extension Duration {
    /// The duration in whole nanoseconds, saturating: the machine's clock is the loop's nanosecond count, and this
    /// module may not import the loop's own conversion.
    var nanosecondCount: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return scaled &+ attoseconds / 1_000_000_000
    }
}
