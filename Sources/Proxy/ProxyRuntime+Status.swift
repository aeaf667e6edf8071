/// What the admin endpoints report about a running runtime.
extension ProxyRuntime {
    /// Exchanges in flight per upstream name (waiting, attempting or streaming); read on the loop thread.
    package var inFlightExchanges: [String: Int] {
        services.mapValues(\.inFlight)
    }
}
