import Glibc

/// Checks `condition` every `interval` until it holds or `timeout` passes; returns whether it held.
///
/// For live tests, where retryd's own thread changes what the test waits for and offers nothing to block on. The
/// condition is checked once more at the deadline, so a condition that became true during the last sleep counts;
/// a timeout is the upper bound of a wait, never a claim about how long something takes.
/// - Parameters:
///   - timeout: How long to keep checking; generous, because a loaded CI machine is slow, and a passing test pays
///     only for the time it really waits.
///   - interval: The pause between checks.
///   - condition: What to wait for; it may throw, which ends the wait with that error.
package func poll(
    timeout: Duration = .seconds(10), every interval: Duration = .milliseconds(5), until condition: () throws -> Bool
) rethrows -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if try condition() { return true }
        let (seconds, attoseconds) = interval.components
        usleep(UInt32(seconds * 1_000_000 + attoseconds / 1_000_000_000_000))
    }
    return try condition()
}

/// Checks `probe` every `interval` until it yields a value or `timeout` passes; returns the value, or nil.
/// - Parameters:
///   - timeout: How long to keep checking.
///   - interval: The pause between checks.
///   - probe: Returns the awaited value once it is there, nil before.
package func poll<Value>(
    timeout: Duration = .seconds(10), every interval: Duration = .milliseconds(5), for probe: () throws -> Value?
) rethrows -> Value? {
    var found: Value?
    _ = try poll(timeout: timeout, every: interval) {
        found = try probe()
        return found != nil
    }
    return found
}
