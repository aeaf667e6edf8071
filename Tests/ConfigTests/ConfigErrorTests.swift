import Config
import Foundation
import Testing

@Suite struct ConfigErrorTests {
    @Test func descriptionNamesFileLineAndKey() {
        let error = ConfigError(
            file: "retryd.toml", line: 14, key: "upstream[0].retry.max_atempts", message: "unknown key")
        #expect(error.description == "retryd.toml:14: upstream[0].retry.max_atempts: unknown key")
        #expect(ConfigError(file: "f", line: nil, key: "k", message: "m").description == "f: k: m")
        #expect(ConfigError(file: "f", line: 3, key: "", message: "m").description == "f:3: m")
    }

    @Test func typoInRetryReadsLikeTheDocumentation() throws {
        let error = try #require(configError(minimalUpstream + "\n[upstream.retry]\nmax_atempts = 3"))
        #expect(
            error.description
                == "retryd.toml:6: upstream[0].retry.max_atempts: unknown key (did you mean max_attempts?)"
        )
    }

    static let unknownKeys: [ErrorCase] = [
        ErrorCase(
            text: minimalUpstream + "\n\n[limit]\nmax_connections = 1", line: 6, key: "limit",
            message: "unknown key (did you mean limits?)"),
        ErrorCase(text: "verbose = true\n" + minimalUpstream, line: 1, key: "verbose", message: "unknown key"),
        ErrorCase(
            text: minimalUpstream + "\nconect_timeout = \"1s\"", line: 5, key: "upstream[0].conect_timeout",
            message: "unknown key (did you mean connect_timeout?)"),
        ErrorCase(
            text: minimalUpstream + "\n[upstream.retry]\nmax_attempts = 2\nretry_status = [500]", line: 7,
            key: "upstream[0].retry.retry_status", message: "did you mean retry_statuses?"),
        ErrorCase(
            text: minimalUpstream + "\n[upstream.retry]\nbackoff = { initial = \"1s\", jiter = \"full\" }",
            line: 6, key: "upstream[0].retry.backoff.jiter", message: "unknown key (did you mean jitter?)"),
        ErrorCase(
            text: minimalUpstream + "\n[upstream.retry.backoff]\ninitial = \"1s\"\n\nmaximum = \"9s\"", line: 8,
            key: "upstream[0].retry.backoff.maximum", message: "unknown key"),
        ErrorCase(
            text: minimalUpstream + "\n[[upstream.rule]]\npath = \"/a\"\n[[upstream.rule]]\npth = \"/b\"", line: 8,
            key: "upstream[0].rule[1].pth", message: "unknown key (did you mean path?)"),
        ErrorCase(
            text: minimalUpstream + "\n[[upstream.rule]]\n[upstream.rule.retry]\nmax_attempts = 1", line: 6,
            key: "upstream[0].rule[0].retry", message: "retry keys go directly in [[upstream.rule]]"),
        ErrorCase(
            text: minimalUpstream + "\n[limits]\nmax_conections = 5", line: 6, key: "limits.max_conections",
            message: "did you mean max_connections?"),
        ErrorCase(
            text: minimalUpstream + "\nset_headers = { A = \"1\" }\nretry.max_attempts = 1\nretry.colour = 1",
            line: 7, key: "upstream[0].retry.colour", message: "unknown key"),
    ]

    static let wrongTypes: [ErrorCase] = [
        ErrorCase(
            text: "[upstream]\nname = \"a\"", line: 1, key: "upstream",
            message: "expected an array of tables (write [[upstream]], not [upstream]), found a table"),
        ErrorCase(
            text: minimalUpstream + "\n[[limits]]\nmax_connections = 1", line: 5, key: "limits",
            message: "expected a table, found an array"),
        ErrorCase(
            text: "[[upstream]]\nname = \"a\"\nlisten = 8080", line: 3, key: "upstream[0].listen",
            message: "expected a string, found an integer"),
        ErrorCase(
            text: minimalUpstream + "\n[upstream.retry]\nmax_attempts = \"5\"", line: 6,
            key: "upstream[0].retry.max_attempts", message: "expected an integer, found a string"),
        ErrorCase(
            text: minimalUpstream + "\n[upstream.retry]\nmax_attempts = 2.5", line: 6,
            key: "upstream[0].retry.max_attempts", message: "expected an integer, found a float"),
        ErrorCase(
            text: minimalUpstream + "\n[upstream.retry]\nretry_statuses = 500", line: 6,
            key: "upstream[0].retry.retry_statuses", message: "expected an array, found an integer"),
        ErrorCase(
            text: minimalUpstream + "\n[upstream.retry]\nretry_statuses = [\n  500,\n  \"502\",\n]", line: 8,
            key: "upstream[0].retry.retry_statuses[1]",
            message: "\"502\" is not a status range; write an integer (502), or \"500-599\" or \"5xx\""),
        ErrorCase(
            text: minimalUpstream + "\n[upstream.retry]\nbackoff = \"2s\"", line: 6,
            key: "upstream[0].retry.backoff", message: "expected a table, found a string"),
        ErrorCase(
            text: minimalUpstream + "\n[upstream.retry]\nbackoff = { multiplier = \"2\" }", line: 6,
            key: "upstream[0].retry.backoff.multiplier", message: "expected a number, found a string"),
        ErrorCase(
            text: minimalUpstream + "\n[upstream.retry]\ndeadline = 60", line: 6, key: "upstream[0].retry.deadline",
            message: "expected a duration string like \"2s\", found an integer"),
        ErrorCase(
            text: minimalUpstream + "\nset_headers = { X-Count = 1 }", line: 5,
            key: "upstream[0].set_headers.X-Count", message: "expected a string, found an integer"),
        ErrorCase(
            text: minimalUpstream + "\n[[upstream.rule]]\nmethods = \"GET\"", line: 6,
            key: "upstream[0].rule[0].methods", message: "expected an array, found a string"),
        ErrorCase(
            text: minimalUpstream + "\nattempts_header = false", line: 5, key: "upstream[0].attempts_header",
            message: "expected a string, found a boolean"),
        ErrorCase(
            text: minimalUpstream + "\n[limits]\nidle_timeout = 1979-05-27", line: 6, key: "limits.idle_timeout",
            message: "found a date"),
    ]

    static let badValues: [ErrorCase] = [
        ErrorCase(
            text: minimalUpstream + "\n[upstream.retry]\ndeadline = \"60\"", line: 6, key: "upstream[0].retry.deadline",
            message: "\"60\" is not a duration"),
        ErrorCase(
            text: minimalUpstream + "\nconnect_timeout = \"0s\"", line: 5, key: "upstream[0].connect_timeout",
            message: "must be greater than zero"),
        ErrorCase(
            text: minimalUpstream + "\n[upstream.retry]\nschedule = [\"5s\", \"10 s\"]", line: 6,
            key: "upstream[0].retry.schedule[1]", message: "\"10 s\" is not a duration"),
        ErrorCase(
            text: minimalUpstream + "\n[limits]\nheader_timeout = \"1d\"", line: 6, key: "limits.header_timeout",
            message: "\"1d\" is not a duration"),
        ErrorCase(
            text: "[[upstream]]\nname = \"a\"\nlisten = \"127.0.0.1:1\"\nurl = \"ftp://x\"", line: 4,
            key: "upstream[0].url", message: "\"ftp://x\": scheme must be http or https"),
        ErrorCase(
            text: "[[upstream]]\nname = \"a\"\nlisten = \"127.0.0.1:1\"\nurl = \"https://h/v2?k=1\"", line: 4,
            key: "upstream[0].url", message: "query or fragment"),
        ErrorCase(
            text: "[[upstream]]\nname = \"a\"\nlisten = \"example.com:80\"\nurl = \"https://h\"", line: 3,
            key: "upstream[0].listen", message: "\"example.com:80\": expected host:port"),
        ErrorCase(
            text: "[[upstream]]\nname = \"a\"\nlisten = \"127.0.0.1:99999\"\nurl = \"https://h\"", line: 3,
            key: "upstream[0].listen", message: "port must be a number from 0 to 65535"),
        ErrorCase(
            text: "[[upstream]]\nname = \"my upstream\"\nlisten = \"127.0.0.1:1\"\nurl = \"https://h\"", line: 2,
            key: "upstream[0].name", message: "is not a valid name"),
        ErrorCase(
            text: minimalUpstream + "\n[upstream.retry]\nmax_attempts = 0", line: 6,
            key: "upstream[0].retry.max_attempts", message: "0 is out of range 1...100"),
        ErrorCase(
            text: minimalUpstream + "\n[upstream.retry]\nmax_attempts = 101", line: 6,
            key: "upstream[0].retry.max_attempts", message: "101 is out of range 1...100"),
        ErrorCase(
            text: minimalUpstream + "\n[upstream.retry]\nrate_limit_statuses = [429, 600]", line: 6,
            key: "upstream[0].retry.rate_limit_statuses[1]", message: "600 is out of range 100...599"),
        ErrorCase(
            text: minimalUpstream + "\n[upstream.retry]\nbackoff = { multiplier = 0.5 }", line: 6,
            key: "upstream[0].retry.backoff.multiplier", message: "must be at least 1"),
        ErrorCase(
            text: minimalUpstream + "\n[upstream.retry]\nbackoff = { jitter = \"random\" }", line: 6,
            key: "upstream[0].retry.backoff.jitter", message: "use one of none, full, equal, decorrelated"),
        ErrorCase(
            text: minimalUpstream + "\n[upstream.retry]\nbackoff = { initial = \"40s\" }", line: 6,
            key: "upstream[0].retry.backoff", message: "initial (40s) must not exceed max (30s)"),
        ErrorCase(
            text: minimalUpstream + "\n[upstream.retry]\nschedule = []", line: 6, key: "upstream[0].retry.schedule",
            message: "must list at least one wait"),
        ErrorCase(
            text: minimalUpstream + "\n[[upstream.rule]]\nmethods = []", line: 6, key: "upstream[0].rule[0].methods",
            message: "must list at least one method"),
        ErrorCase(
            text: minimalUpstream + "\n[[upstream.rule]]\nmethods = [\"GET\", \"BAD METHOD\"]", line: 6,
            key: "upstream[0].rule[0].methods[1]", message: "\"BAD METHOD\" is not a valid method"),
        ErrorCase(
            text: minimalUpstream + "\n[[upstream.rule]]\npath = \"v1/tasks\"", line: 6,
            key: "upstream[0].rule[0].path", message: "must start with \"/\""),
        ErrorCase(
            text: minimalUpstream + "\nset_headers = { \"X Bad\" = \"1\" }", line: 5,
            key: "upstream[0].set_headers.\"X Bad\"", message: "is not a valid header name"),
        ErrorCase(
            text: minimalUpstream + "\nset_headers = { Content-Length = \"1\" }", line: 5,
            key: "upstream[0].set_headers.Content-Length", message: "managed by retryd"),
        ErrorCase(
            text: minimalUpstream + "\nset_headers = { X-A = \"1\", x-a = \"2\" }", line: 5,
            key: "upstream[0].set_headers.x-a", message: "already set as X-A"),
        ErrorCase(
            text: minimalUpstream + "\nset_headers = { X-A = \"1\\r\\nX-B: 2\" }", line: 5,
            key: "upstream[0].set_headers.X-A", message: "must not contain line breaks"),
        ErrorCase(
            text: minimalUpstream + "\nrequest_id_headers = [\"X-Trace\", \"\"]", line: 5,
            key: "upstream[0].request_id_headers[1]", message: "is not a valid header name"),
        ErrorCase(
            text: minimalUpstream + "\nca_file = \"/nonexistent/retryd-ca.pem\"", line: 5, key: "upstream[0].ca_file",
            message: "/nonexistent/retryd-ca.pem does not exist"),
        ErrorCase(
            text: minimalUpstream + "\nca_file = \"/\"", line: 5, key: "upstream[0].ca_file",
            message: "is not a readable file"),
        ErrorCase(
            text: minimalUpstream + "\n[limits]\nmax_connections = 0", line: 6, key: "limits.max_connections",
            message: "0 is out of range 1 or more"),
    ]

    static let structural: [ErrorCase] = [
        ErrorCase(text: "", line: nil, key: "upstream", message: "at least one [[upstream]] table is required"),
        ErrorCase(
            text: "# nothing yet\nupstream = []", line: 2, key: "upstream",
            message: "at least one [[upstream]] table is required"),
        ErrorCase(
            text: "[[upstream]]\nlisten = \"127.0.0.1:1\"\nurl = \"https://h\"", line: 1, key: "upstream[0].name",
            message: "required key is missing"),
        ErrorCase(
            text: minimalUpstream + "\n\n[[upstream]]\nname = \"b\"\nlisten = \"127.0.0.1:8081\"", line: 6,
            key: "upstream[1].url", message: "required key is missing"),
        ErrorCase(
            text: "[[upstream]]\nname = \"a\"\nurl = \"https://h\"", line: 1, key: "upstream[0].listen",
            message: "required key is missing"),
        ErrorCase(
            text: minimalUpstream + "\n[[upstream]]\nname = \"a\"\nlisten = \"127.0.0.1:8081\"\nurl = \"https://h\"",
            line: 6, key: "upstream[1].name", message: "duplicate name \"a\""),
        ErrorCase(
            text: minimalUpstream + "\n[[upstream]]\nname = \"b\"\nlisten = \"127.0.0.1:8080\"\nurl = \"https://h\"",
            line: 7, key: "upstream[1].listen",
            message: "127.0.0.1:8080 is already the listen address of upstream \"a\""),
        ErrorCase(
            text: minimalUpstream + "\nset_headers = { X-Key = \"${VENDOR_KEY}\" }", line: 5,
            key: "upstream[0].set_headers.X-Key", message: "environment variable VENDOR_KEY is not set"),
    ]

    @Test(arguments: unknownKeys) func unknownKeysAreNamed(_ errorCase: ErrorCase) { check(errorCase) }
    @Test(arguments: wrongTypes) func wrongTypesAreNamed(_ errorCase: ErrorCase) { check(errorCase) }
    @Test(arguments: badValues) func badValuesAreNamed(_ errorCase: ErrorCase) { check(errorCase) }
    @Test(arguments: structural) func structuralProblemsAreNamed(_ errorCase: ErrorCase) { check(errorCase) }

    @Test func tomlSyntaxErrorsCarryTheParsersLine() throws {
        let error = try #require(configError("[[upstream]]\nname = \"a\"\nlisten = \"127.0.0.1:8080\nurl = \"x\""))
        #expect(error.file == "retryd.toml")
        #expect(error.line == 3)
        #expect(error.key == "")
        #expect(!error.message.isEmpty)
    }

    @Test func redefinedKeyIsASyntaxErrorOnTheSecondDefinition() throws {
        let error = try #require(configError(minimalUpstream + "\n\nname = \"b\""))
        #expect(error.line == 6)
        #expect(error.key == "")
    }

    @Test func unreadableFileHasNoLineAndNoKey() {
        do {
            _ = try ConfigLoader.load(path: "/nonexistent/retryd.toml", environment: [:])
            Issue.record("loading a missing file succeeded")
        } catch {
            #expect(error.file == "/nonexistent/retryd.toml")
            #expect(error.line == nil)
            #expect(error.key == "")
            #expect(error.message.hasPrefix("cannot read file"))
        }
    }

    @Test func errorsFromLoadNameThePathGiven() throws {
        let path = try temporaryFile(contents: minimalUpstream + "\n[upstream.retry]\nmax_atempts = 3")
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try ConfigLoader.load(path: path, environment: [:])
            Issue.record("typo accepted")
        } catch {
            #expect(error.description.hasPrefix("\(path):6: upstream[0].retry.max_atempts: unknown key"))
        }
    }
}
