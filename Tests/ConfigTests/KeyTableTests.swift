import Testing

@testable import Config

/// The key tables are what decodes a section, rejects unknown keys and prints `retryd check`: each must be coherent.
@Suite struct KeyTableTests {
    static let tables: [(String, [String])] = [
        ("root", RootKeys.table.names), ("upstream", UpstreamKeys.table.names), ("retry", RetryKeys.table.names),
        ("backoff", BackoffKeys.table.names), ("rule", RuleKeys.table.names), ("quota", QuotaKeys.table.names),
        ("breaker", BreakerKeys.table.names), ("budget", BudgetKeys.table.names), ("limits", LimitsKeys.table.names),
        ("admin", AdminKeys.table.names), ("notify", NotifyKeys.table.names), ("shared", SharedKeys.table.names),
        ("journal", JournalKeys.table.names),
    ]

    @Test(arguments: tables.map(\.0)) func keyNamesAreUniqueWithinATable(_ section: String) throws {
        let names = try #require(Self.tables.first { $0.0 == section }?.1)
        #expect(Set(names).count == names.count)
    }

    @Test func aRuleTakesEveryRetryKeyAndNoneOfItsOwnCollides() {
        #expect(Set(RuleKeys.table.names).isDisjoint(with: RetryKeys.table.names))
    }

    @Test func presetsMaySetExactlyThePresettableUpstreamKeys() {
        #expect(Preset.allowedKeys == ["request_id_headers", "request_id_fields", "idempotency_key", "retry", "rule"])
    }

    @Test func checkListsEveryRetryKeyWithItsOriginFromTheTable() throws {
        let config = try parseConfig(minimalUpstream + "\n[upstream.retry]\nmax_attempts = 2")
        let lines = config.summary.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        for name in RetryKeys.table.names {
            #expect(lines.contains { $0.hasPrefix("retry.\(name) ") }, "retry.\(name)")
        }
        #expect(lines.contains { $0.hasPrefix("retry.max_attempts ") && $0.hasSuffix("= 2  (file)") })
        for key in UpstreamKeys.listedWithOrigin {
            #expect(lines.contains { $0.hasPrefix("\(key.name) ") && $0.hasSuffix("(default)") }, "\(key.name)")
        }
    }

    @Test func aKeyThatIsReadTakesTheStructsDefaultWhenAbsent() throws {
        let config = try parseConfig(minimalUpstream + "\n[limits]\nmax_connections = 7")
        #expect(config.limits.maxConnections == 7)
        #expect(LimitsKeys.idleTimeout.shown(in: config.limits) == LimitsKeys.idleTimeout.shown(in: .init()))
    }
}
