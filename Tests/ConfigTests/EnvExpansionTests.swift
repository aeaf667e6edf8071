import Config
import Testing

@Suite struct EnvExpansionTests {
    private func headerValue(_ value: String, environment: [String: String]) throws -> String {
        let config = try parseConfig(
            minimalUpstream + "\nset_headers = { \"X-Tag\" = \"\(value)\" }\n",
            environment: environment)
        return try #require(config.upstreams.first?.setHeaders.first?.value)
    }

    @Test func expandsVariablesAnywhereInAString() throws {
        let value = try headerValue("a-${ONE}-b-${TWO}", environment: ["ONE": "1", "TWO": "2"])
        #expect(value == "a-1-b-2")
    }

    @Test func doubleDollarEscapesAReference() throws {
        #expect(try headerValue("$${ONE} and ${ONE}", environment: ["ONE": "1"]) == "${ONE} and 1")
    }

    @Test func loneDollarIsLiteral() throws {
        #expect(try headerValue("cost: $5 $$", environment: [:]) == "cost: $5 $$")
    }

    @Test func emptyVariableIsAllowed() throws {
        #expect(try headerValue("[${EMPTY}]", environment: ["EMPTY": ""]) == "[]")
    }

    @Test func expansionAppliesToEveryStringValue() throws {
        let config = try parseConfig(
            """
            [[upstream]]
            name = "${NAME}"
            listen = "127.0.0.1:${PORT}"
            url = "https://${HOST}/v2"
            [upstream.retry]
            schedule = ["${WAIT}"]
            """,
            environment: ["NAME": "vendor", "PORT": "9090", "HOST": "api.example", "WAIT": "3s"]
        )
        let upstream = try #require(config.upstreams.first)
        #expect(upstream.name == "vendor")
        #expect(upstream.listen.port == 9090)
        #expect(upstream.url.host == "api.example")
        #expect(upstream.retry.schedule == [.seconds(3)])
        #expect(config.secrets.isEmpty)
    }

    @Test func unsetVariableNamesLineAndKey() throws {
        let error = try #require(configError(minimalUpstream + "\nset_headers = { \"X-Api-Key\" = \"${VENDOR_KEY}\" }"))
        #expect(
            error.description
                == "retryd.toml:5: upstream[0].set_headers.X-Api-Key: environment variable VENDOR_KEY is not set")
    }

    @Test func unsetVariableInsideAnArrayNamesTheElement() throws {
        let error = try #require(
            configError(minimalUpstream + "\nrequest_id_headers = [\n  \"X-A\",\n  \"${MISSING}\",\n]"))
        #expect(error.line == 7)
        #expect(error.key == "upstream[0].request_id_headers[1]")
    }

    @Test(arguments: ["${", "${NAME", "${}", "${1X}", "${A-B}"])
    func malformedReferencesAreErrors(value: String) throws {
        let error = try #require(configError(minimalUpstream + "\nattempts_header = \"\(value)\""))
        #expect(error.line == 5)
        #expect(error.key == "upstream[0].attempts_header")
    }

    @Test func expandedHeaderValuesAndCredentialHeadersAreSecrets() throws {
        let config = try parseConfig(
            minimalUpstream + """

                [upstream.set_headers]
                X-Api-Key = "literal-key"
                Authorization = "Basic YWJj"
                X-Client-Secret = "shh"
                X-Session-Token = "tok"
                X-Env = "${REGION}"
                X-Trace = "id-${TRACE}"
                X-Plain = "visible"
                """,
            environment: ["REGION": "eu-1", "TRACE": "t7"]
        )
        #expect(Set(config.secrets) == ["literal-key", "Basic YWJj", "shh", "tok", "eu-1", "id-t7", "t7"])
        let line = "X-Api-Key: literal-key, Authorization: Basic YWJj, X-Trace: id-t7, X-Plain: visible"
        #expect(
            config.redacted(line)
                == "X-Api-Key: [redacted], Authorization: [redacted], X-Trace: [redacted], X-Plain: visible"
        )
    }

    @Test func secretsNeverAppearInTheSummary() throws {
        let config = try parseConfig(
            minimalUpstream + "\nset_headers = { \"X-Api-Key\" = \"${KEY}\" }", environment: ["KEY": "s3cr3t-value"]
        )
        #expect(config.summary.contains("X-Api-Key"))
        #expect(!config.summary.contains("s3cr3t-value"))
    }
}
