/// Runs the scripted requests one after another through retryd and turns what happened into table rows.
///
/// Requests are strictly sequential, so every vendor attempt and log line between two requests belongs to the
/// first of them. Call ``run()`` on a thread of its own: the client blocks while the loop serves.
struct DemoTour: Sendable {
    /// The client, pointed at retryd.
    var client: DemoClient
    /// The simulated vendor, for its attempt log.
    var vendor: DemoVendor
    /// retryd's recorded log, for the reasons behind each wait.
    var recorder: DemoLogRecorder
    /// The requests to make.
    var scenarios: [DemoScenario] = DemoScenario.tour

    /// Makes every request and returns one row per request.
    func run() -> [DemoRow] {
        let exchangesBefore = recorder.exchangesEnded
        return scenarios.enumerated().map { index, scenario in
            row(for: scenario, exchangesBefore: exchangesBefore + index)
        }
    }

    private func row(for scenario: DemoScenario, exchangesBefore: Int) -> DemoRow {
        let vendorStart = vendor.attemptCount
        let eventStart = recorder.count
        var headers = scenario.headers
        if !scenario.body.isEmpty { headers.append(DemoHeader(name: "Content-Type", value: "application/json")) }
        let result = Result { () throws(DemoClientError) in
            try client.send(
                method: scenario.method, path: scenario.path, headers: headers, body: Array(scenario.body.utf8))
        }
        if case .success = result {
            // retryd ends an exchange (and reports any give-up) as its last bytes go out; wait for that.
            _ = recorder.waitForExchanges(exchangesBefore + 1, timeout: .seconds(2))
        }
        let attempts = Array(vendor.attempts.dropFirst(vendorStart))
        let events = recorder.events(from: eventStart)
        var row = DemoRow(
            method: scenario.method,
            request: scenario.label,
            vendorAnswers: attempts.map(\.answer.label),
            announcedWaits: attempts.map(\.answer.announcedWait),
            waits: zip(attempts, attempts.dropFirst()).map { .nanoseconds($1.receivedAt - $0.receivedAt) },
            retryReasons: events.compactMap { event in
                if case .retry(let reason, _) = event { return reason }
                return nil
            },
            giveUpReason: events.lazy.compactMap { event in
                if case .giveUp(let reason) = event { return reason }
                return nil
            }.first,
            note: scenario.note)
        switch result {
        case .success(let response):
            row.clientStatus = response.status
            row.clientAttempts = response.header("X-Retryd-Attempts").flatMap { Int($0) }
        case .failure(let error):
            row.clientError = error.message
        }
        return row
    }
}
