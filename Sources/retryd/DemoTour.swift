import Loop

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

    /// How many requests go together against the vendor's small quota in the last row.
    var burstSize = 10

    /// Makes every request and returns one row per request, then the row of requests sent together.
    func run() -> [DemoRow] {
        let exchangesBefore = recorder.exchangesEnded
        let rows = scenarios.enumerated().map { index, scenario in
            row(for: scenario, exchangesBefore: exchangesBefore + index)
        }
        return rows + [burstRow(path: "/v1/renditions")]
    }

    /// `burstSize` GETs at once to an endpoint whose quota is 4 a second: retryd's gate holds what the window
    /// cannot take, so the vendor sees no 429.
    private func burstRow(path: String) -> DemoRow {
        let vendorStart = vendor.attemptCount
        let statuses = LockedValue<[Int]>([])
        let started = ContinuousClock.now
        let slowest = LockedValue(Duration.zero)
        let answered = Semaphore()
        for _ in 0..<burstSize {
            DetachedThread.start { [client] in
                let response = try? client.send(method: "GET", path: path)
                let elapsed = ContinuousClock.now - started
                statuses.withLock { $0.append(response?.status ?? 0) }
                slowest.withLock { $0 = max($0, elapsed) }
                answered.signal()
            }
        }
        for _ in 0..<burstSize { answered.wait() }
        let answers = vendor.attempts.dropFirst(vendorStart).map(\.answer.label)
        let ok = answers.filter { $0 == "200" }.count
        let limited = answers.filter { $0 == "429" }.count
        let got = statuses.withLock { $0 }
        let clientOK = got.filter { $0 == 200 }.count
        var row = DemoRow(
            method: "GET", request: "\(burstSize) × GET \(path) at once", vendorAnswers: answers,
            announcedWaits: [], waits: [], retryReasons: [])
        row.burst = DemoRow.Burst(
            answered: "\(ok) × 200, \(limited) × 429 (quota 4 a second)",
            waited: "held at the quota gate, the last \(DemoRow.seconds(slowest.withLock { $0 }))",
            client: clientOK == got.count
                ? "200 × \(clientOK)" : "200 × \(clientOK), others \(got.filter { $0 != 200 })")
        return row
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
            // A verify probe goes to another path of the vendor: shown as such.
            vendorAnswers: attempts.map { $0.path == scenario.path ? $0.answer.label : "probe \($0.answer.label)" },
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
            verdict: events.lazy.compactMap { event in
                if case .verified(let verdict) = event { return verdict }
                return nil
            }.last,
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
