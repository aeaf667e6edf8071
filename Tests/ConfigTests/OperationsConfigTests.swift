import Admin
import Config
import Forwarder
import Listener
import Notify
import Testing

/// `log_format`, `log_level`, `[admin]` and `[notify]`: values, defaults, secrets and located errors.
@Suite struct OperationsConfigTests {
    @Test func operationsAreOffAndDefaultWithoutTheirKeys() throws {
        let config = try parseConfig(minimalUpstream)
        #expect(config.admin == nil)
        #expect(config.notify == nil)
        #expect(config.log == LogConfig())
        #expect(config.log.format == .text)
        #expect(config.log.level == "info")
    }

    @Test func everyOperationsKeyLandsInItsField() throws {
        let config = try parseConfig(
            "log_format = \"json\"\nlog_level = \"debug\"\n" + minimalUpstream + """

                [admin]
                listen = "[::1]:9000"

                [notify]
                webhook = "http://hooks.example:8080/retryd/"
                max_queue = 10
                max_attempts = 3
                timeout = "2.5s"
                headers = { "X-Zeta" = "z", Authorization = "Bearer ${HOOK_TOKEN}" }
                """,
            environment: ["HOOK_TOKEN": "t-1"]
        )
        #expect(config.log.format == .json)
        #expect(config.log.level == "debug")
        #expect(config.admin == AdminSettings(listen: ListenAddress(host: "::1", port: 9000)))
        let notify = try #require(config.notify)
        #expect(notify.webhook == UpstreamURL(scheme: "http", host: "hooks.example", port: 8080, basePath: "/retryd"))
        #expect(notify.maxQueue == 10)
        #expect(notify.maxAttempts == 3)
        #expect(notify.timeout == .milliseconds(2500))
        // Source order, not alphabetical order.
        #expect(notify.headers.map(\.name) == ["X-Zeta", "Authorization"])
        #expect(notify.headers.map(\.value) == ["z", "Bearer t-1"])
    }

    @Test func everyLogLevelIsAccepted() throws {
        for level in ["trace", "debug", "info", "notice", "warning", "error", "critical"] {
            let config = try parseConfig("log_level = \"\(level)\"\n" + minimalUpstream)
            #expect(config.log.level == level)
        }
    }

    @Test func emptyAdminTableListensOnLoopback() throws {
        let config = try parseConfig(minimalUpstream + "\n[admin]")
        #expect(config.admin?.listen == ListenAddress(host: "127.0.0.1", port: 9901))
    }

    @Test func notifyWithOnlyAWebhookGetsEveryDefault() throws {
        let config = try parseConfig(minimalUpstream + "\n[notify]\nwebhook = \"https://hooks.example/retryd\"")
        let expected = NotifySettings(webhook: UpstreamURL(scheme: "https", host: "hooks.example", basePath: "/retryd"))
        #expect(config.notify == expected)
        #expect(expected.maxQueue == 1000)
        #expect(expected.maxAttempts == 5)
        #expect(expected.timeout == .seconds(10))
        #expect(expected.headers.isEmpty)
        #expect(config.secrets.isEmpty)
    }

    @Test func everyNotifyHeaderValueIsASecret() throws {
        let config = try parseConfig(
            minimalUpstream + "\n[notify]\nwebhook = \"https://h\"\nheaders = { X-Plain = \"p-1\", X-Env = \"${T}\" }",
            environment: ["T": "t-2"]
        )
        #expect(config.secrets.contains("p-1"))
        #expect(config.secrets.contains("t-2"))
        #expect(config.redacted("sent p-1 and t-2") == "sent [redacted] and [redacted]")
    }

    @Test func webhookPartsFromTheEnvironmentAreSecrets() throws {
        let config = try parseConfig(
            minimalUpstream + "\n[notify]\nwebhook = \"https://hooks.example/services/${HOOK_PATH}\"",
            environment: ["HOOK_PATH": "T0/B0/xyz"]
        )
        #expect(config.notify?.webhook.basePath == "/services/T0/B0/xyz")
        #expect(config.secrets == ["T0/B0/xyz"])
    }

    @Test func webhookErrorsQuoteTheURLAsWritten() throws {
        let error = try #require(
            configError(
                minimalUpstream + "\n[notify]\nwebhook = \"ftp://h/${HOOK_PATH}\"", environment: ["HOOK_PATH": "xyz"]
            ))
        #expect(error.key == "notify.webhook")
        #expect(error.line == 6)
        #expect(error.message.contains("\"ftp://h/${HOOK_PATH}\": scheme must be http or https"))
        #expect(!error.message.contains("xyz"))
    }

    @Test func summaryShowsOperationsButNoSecrets() throws {
        let config = try parseConfig(
            minimalUpstream + """

                [admin]
                [notify]
                webhook = "https://hooks.example/services/secret-path"
                headers = { Authorization = "Bearer s-1" }
                """
        )
        let summary = config.summary
        let lines = summary.split(separator: "\n").map(String.init)
        #expect(lines.contains("log: text lines at level info and above"))
        #expect(lines.contains("admin: 127.0.0.1:9901"))
        #expect(
            lines.contains(
                "notify: give-ups to https://hooks.example, up to 5 attempts of 10s each, queue 1000;"
                    + " sets headers: Authorization"))
        #expect(!summary.contains("secret-path"))
        #expect(!summary.contains("s-1"))
        #expect(lines.last?.hasPrefix("limits:") == true)
    }

    static let badOperations: [ErrorCase] = [
        ErrorCase(
            text: "loglevel = \"debug\"\n" + minimalUpstream, line: 1, key: "loglevel",
            message: "unknown key (did you mean log_level?)"),
        ErrorCase(
            text: "log = { format = \"json\" }\n" + minimalUpstream, line: 1, key: "log",
            message: "write log_format and log_level at the top of the file"),
        ErrorCase(
            text: minimalUpstream + "\nlog_level = \"debug\"", line: 5, key: "upstream[0].log_level",
            message: "log_level is a top-level key; move it above the first table"),
        ErrorCase(
            text: minimalUpstream + "\n[limits]\nlog_format = \"json\"", line: 6, key: "limits.log_format",
            message: "log_format is a top-level key; move it above the first table"),
        ErrorCase(
            text: minimalUpstream + "\n[notify]\nwebhook = \"https://h\"\nlog_level = \"debug\"", line: 7,
            key: "notify.log_level", message: "log_level is a top-level key"),
        ErrorCase(
            text: minimalUpstream + "\n[admin]\nlog_format = \"json\"", line: 6, key: "admin.log_format",
            message: "log_format is a top-level key"),
        ErrorCase(
            text: "log_format = \"xml\"\n" + minimalUpstream, line: 1, key: "log_format",
            message: "\"xml\" is not a log format; use one of text, json"),
        ErrorCase(
            text: "log_level = \"verbose\"\n" + minimalUpstream, line: 1, key: "log_level",
            message: "use one of trace, debug, info, notice, warning, error, critical"),
        ErrorCase(
            text: "log_level = 3\n" + minimalUpstream, line: 1, key: "log_level",
            message: "expected a string, found an integer"),
        ErrorCase(
            text: minimalUpstream + "\n[admin]\nport = 9901", line: 6, key: "admin.port", message: "unknown key"),
        ErrorCase(
            text: minimalUpstream + "\n[admin]\nlisten = \"example.com:9901\"", line: 6, key: "admin.listen",
            message: "\"example.com:9901\": expected host:port"),
        ErrorCase(
            text: minimalUpstream + "\n[admin]\nlisten = \"127.0.0.1:8080\"", line: 6, key: "admin.listen",
            message: "127.0.0.1:8080 is already the listen address of upstream \"a\""),
        ErrorCase(
            text: "[[upstream]]\nname = \"a\"\nlisten = \"127.0.0.1:9901\"\nurl = \"https://h\"\n[admin]", line: 5,
            key: "admin", message: "127.0.0.1:9901 is already the listen address of upstream \"a\""),
        ErrorCase(
            text: "notify = \"https://h\"\n" + minimalUpstream, line: 1, key: "notify",
            message: "expected a table, found a string"),
        ErrorCase(
            text: minimalUpstream + "\n[[notify]]\nwebhook = \"https://h\"", line: 5, key: "notify",
            message: "expected a table, found an array"),
        ErrorCase(
            text: minimalUpstream + "\n[notify]\nmax_queue = 5", line: 5, key: "notify.webhook",
            message: "required key is missing"),
        ErrorCase(
            text: minimalUpstream + "\n[notify]\nurl = \"https://h\"", line: 6, key: "notify.url",
            message: "unknown key (the key is webhook)"),
        ErrorCase(
            text: minimalUpstream + "\n[notify]\nwebhook = \"https://h\"\nmax_queu = 5", line: 7,
            key: "notify.max_queu", message: "unknown key (did you mean max_queue?)"),
        ErrorCase(
            text: minimalUpstream + "\n[notify]\nwebhook = \"https://h/hook?token=1\"", line: 6, key: "notify.webhook",
            message: "a query or fragment is not supported; send tokens in [notify] headers"),
        ErrorCase(
            text: minimalUpstream + "\n[notify]\nwebhook = \"https://${HOOK_HOST}/x\"", line: 6, key: "notify.webhook",
            message: "environment variable HOOK_HOST is not set"),
        ErrorCase(
            text: minimalUpstream + "\n[notify]\nwebhook = \"https://h\"\nmax_queue = 0", line: 7,
            key: "notify.max_queue", message: "0 is out of range 1 or more"),
        ErrorCase(
            text: minimalUpstream + "\n[notify]\nwebhook = \"https://h\"\nmax_queue = \"10\"", line: 7,
            key: "notify.max_queue", message: "expected an integer, found a string"),
        ErrorCase(
            text: minimalUpstream + "\n[notify]\nwebhook = \"https://h\"\nmax_attempts = 101", line: 7,
            key: "notify.max_attempts", message: "101 is out of range 1...100"),
        ErrorCase(
            text: minimalUpstream + "\n[notify]\nwebhook = \"https://h\"\ntimeout = 10", line: 7, key: "notify.timeout",
            message: "expected a duration string like \"2s\", found an integer"),
        ErrorCase(
            text: minimalUpstream + "\n[notify]\nwebhook = \"https://h\"\ntimeout = \"0s\"", line: 7,
            key: "notify.timeout", message: "must be greater than zero"),
        ErrorCase(
            text: minimalUpstream + "\n[notify]\nwebhook = \"https://h\"\nheaders = [\"A\"]", line: 7,
            key: "notify.headers", message: "expected a table, found an array"),
        ErrorCase(
            text: minimalUpstream + "\n[notify]\nwebhook = \"https://h\"\nheaders = { X-Count = 1 }", line: 7,
            key: "notify.headers.X-Count", message: "expected a string, found an integer"),
        ErrorCase(
            text: minimalUpstream + "\n[notify]\nwebhook = \"https://h\"\n[notify.headers]\nTransfer-Encoding = \"x\"",
            line: 8, key: "notify.headers.Transfer-Encoding", message: "managed by retryd"),
        ErrorCase(
            text: minimalUpstream + "\n[notify]\nwebhook = \"https://h\"\nheaders = { A = \"1\", a = \"2\" }", line: 7,
            key: "notify.headers.a", message: "already set as A"),
    ]

    @Test(arguments: badOperations) func operationsErrorsAreNamed(_ errorCase: ErrorCase) { check(errorCase) }
}
