import Config
import Testing

/// Where the CLI looks for its configuration, one branch per test, first match wins.
@Suite struct ConfigSourceTests {
    static let defaultPath = "/etc/retryd/retryd.toml"

    private func resolve(
        flag: String? = nil, _ environment: [String: String] = [:], existing: Set<String> = []
    ) -> ConfigSource {
        ConfigLoader.resolveSource(flag: flag, environment: environment, fileExists: existing.contains)
    }

    @Test func flagWinsOverEverythingElse() {
        let source = resolve(
            flag: "/srv/retryd.toml",
            ["RETRYD_CONFIG": "/env/retryd.toml", "RETRYD_LISTEN": "127.0.0.1:1", "RETRYD_UPSTREAM": "https://h"],
            existing: [Self.defaultPath])
        #expect(source == .file("/srv/retryd.toml"))
    }

    @Test func environmentVariableWinsOverTheDefaultFile() {
        let source = resolve(["RETRYD_CONFIG": "/env/retryd.toml"], existing: [Self.defaultPath])
        #expect(source == .file("/env/retryd.toml"))
    }

    @Test func defaultFileIsUsedWhenItExists() {
        #expect(ConfigLoader.defaultPath == Self.defaultPath)
        let source = resolve(
            ["RETRYD_LISTEN": "127.0.0.1:1", "RETRYD_UPSTREAM": "https://h"], existing: [Self.defaultPath])
        #expect(source == .file(Self.defaultPath))
    }

    @Test func containerVariablesMakeAQuickStart() {
        let source = resolve(["RETRYD_LISTEN": "0.0.0.0:8080", "RETRYD_UPSTREAM": "https://api.vendor.example"])
        #expect(source == .quickStart(listen: "0.0.0.0:8080", upstream: "https://api.vendor.example"))
    }

    @Test func emptyVariablesCountAsUnset() {
        let source = resolve(
            ["RETRYD_CONFIG": "", "RETRYD_LISTEN": "127.0.0.1:1", "RETRYD_UPSTREAM": "https://h"])
        #expect(source == .quickStart(listen: "127.0.0.1:1", upstream: "https://h"))
    }

    @Test func nothingConfiguredExplainsEveryWay() throws {
        guard case .none(let message) = resolve() else {
            Issue.record("resolved without any source")
            return
        }
        for way in ["--config", "RETRYD_CONFIG", Self.defaultPath, "--listen", "--upstream", "RETRYD_LISTEN"] {
            #expect(message.contains(way), "\(message)")
        }
    }

    @Test func halfAQuickStartNamesTheMissingVariable() {
        guard case .none(let listenOnly) = resolve(["RETRYD_LISTEN": "127.0.0.1:1"]) else {
            Issue.record("RETRYD_LISTEN alone resolved to a source")
            return
        }
        #expect(listenOnly.hasPrefix("RETRYD_LISTEN is set but RETRYD_UPSTREAM is not"))
        guard case .none(let upstreamOnly) = resolve(["RETRYD_UPSTREAM": "https://h", "RETRYD_LISTEN": ""]) else {
            Issue.record("RETRYD_UPSTREAM alone resolved to a source")
            return
        }
        #expect(upstreamOnly.hasPrefix("RETRYD_UPSTREAM is set but RETRYD_LISTEN is not"))
    }

    @Test func theDefaultFileIsOnlyCheckedWhenNothingNamesAFile() {
        var asked: [String] = []
        _ = ConfigLoader.resolveSource(flag: "/a.toml", environment: ["RETRYD_CONFIG": "/b.toml"]) {
            asked.append($0)
            return true
        }
        #expect(asked.isEmpty)
        _ = ConfigLoader.resolveSource(flag: nil, environment: [:]) {
            asked.append($0)
            return false
        }
        #expect(asked == [Self.defaultPath])
    }
}
