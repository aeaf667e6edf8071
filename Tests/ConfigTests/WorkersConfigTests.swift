import Testing

@testable import Config

/// `workers`: how many event loops serve the listeners.
@Suite("Workers")
struct WorkersConfigTests {
    @Test func absentMeansOnePerAvailableCPU() throws {
        let config = try parseConfig(minimalUpstream)
        #expect(config.workers == nil)
        #expect(config.workerCount(availableCPUs: 6) == 6)
        #expect(config.workerCount(availableCPUs: 0) == 1, "an empty affinity mask still runs one loop")
    }

    @Test func anExplicitCountWins() throws {
        let config = try parseConfig("workers = 1\n" + minimalUpstream)
        #expect(config.workers == 1)
        #expect(config.workerCount(availableCPUs: 8) == 1)
    }

    @Test(arguments: [
        ("workers = 0\n" + minimalUpstream, "retryd.toml:1: workers: 0 is out of range"),
        ("workers = \"auto\"\n" + minimalUpstream, "retryd.toml:1: workers: expected an integer"),
        (
            minimalUpstream + "\n[limits]\nworkers = 2\n",
            "retryd.toml:6: limits.workers: unknown key (workers is a top-level key"
        ),
    ])
    func badCountsNameLineAndKey(text: String, expected: String) throws {
        let error = try #require(configError(text))
        #expect(error.description.hasPrefix(expected), "\(error)")
    }
}
