import Config
import Journal
import Testing

/// `state_dir` and `[journal]`: the default, turning the journal off, and located errors.
@Suite struct JournalConfigTests {
    @Test func aFileWithoutStateDirJournalsInVarLibRetrydWithTheDefaultBounds() throws {
        let config = try parseConfig(minimalUpstream)
        #expect(config.stateDir == "/var/lib/retryd")
        #expect(config.journal == JournalPolicy())
        #expect(config.journal.retention == .seconds(7 * 86_400))
        #expect(config.journal.maxRows == 100_000)
    }

    @Test func stateDirAndJournalKeysLandInTheirFields() throws {
        let config = try parseConfig(
            "state_dir = \"/srv/retryd\"\n" + minimalUpstream + "\n[journal]\nretention = \"36h\"\nmax_rows = 500\n")
        #expect(config.stateDir == "/srv/retryd")
        #expect(config.journal.retention == .seconds(36 * 3600))
        #expect(config.journal.maxRows == 500)
        #expect(
            try parseConfig(minimalUpstream + "\n[journal]\nretention = \"30d\"\n").journal.retention
                == .seconds(30 * 86_400))
    }

    @Test func anEmptyStateDirTurnsTheJournalOff() throws {
        #expect(try parseConfig("state_dir = \"\"\n" + minimalUpstream).stateDir == nil)
    }

    @Test func theQuickStartHasNoJournal() throws {
        #expect(try RetrydConfig.quickStart(listen: "127.0.0.1:8080", upstream: "https://api.example").stateDir == nil)
    }

    @Test(arguments: [
        (
            "state_dir = \"var/lib\"\n" + minimalUpstream,
            "retryd.toml:1: state_dir: \"var/lib\" is not an absolute path"
        ),
        ("state_dir = 3\n" + minimalUpstream, "retryd.toml:1: state_dir: expected a string"),
        (
            minimalUpstream + "\n[journal]\nretention = \"forever\"\n",
            "retryd.toml:6: journal.retention: \"forever\" is not a duration"
        ),
        (
            minimalUpstream + "\n[journal]\nretention = \"0d\"\n",
            "retryd.toml:6: journal.retention: 0 days is out of range"
        ),
        (minimalUpstream + "\n[journal]\nmax_rows = 0\n", "retryd.toml:6: journal.max_rows: 0 is out of range"),
        (
            minimalUpstream + "\n[journal]\nstate_dir = \"/x\"\n",
            "retryd.toml:6: journal.state_dir: unknown key (state_dir is a top-level key)"
        ),
    ])
    func badJournalKeysNameLineAndKey(text: String, expected: String) throws {
        let error = try #require(configError(text))
        #expect(error.description.hasPrefix(expected), "\(error)")
    }
}
