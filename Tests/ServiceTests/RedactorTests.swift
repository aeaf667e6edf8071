import Service
import Testing

@Suite struct RedactorTests {
    @Test func replacesEveryOccurrenceOfASecret() {
        let redactor = Redactor(secrets: ["sk-live-123"])

        let text = redactor.redact("GET /v1?key=sk-live-123 failed; retrying with sk-live-123")

        #expect(text == "GET /v1?key=[redacted] failed; retrying with [redacted]")
    }

    @Test func removesTheLongerOfOverlappingSecretsWhole() {
        let redactor = Redactor(secrets: ["abc", "abcdef"])

        #expect(redactor.redact("token abcdef and abc") == "token [redacted] and [redacted]")
    }

    @Test func ignoresEmptySecrets() {
        let redactor = Redactor(secrets: [""])

        #expect(redactor.redact("nothing secret") == "nothing secret")
    }

    @Test(arguments: [
        ("Authorization: Bearer eyJhbGciOi", "Authorization: [redacted]"),
        ("authorization:Basic dXNlcjpwYXNz", "authorization:[redacted]"),
        ("Proxy-Authorization: Basic Zm9v", "Proxy-Authorization: [redacted]"),
        ("X-Api-Key: 0123456789", "X-Api-Key: [redacted]"),
        ("Cookie: session=abc; theme=dark", "Cookie: [redacted]"),
        ("Set-Cookie: session=abc; HttpOnly", "Set-Cookie: [redacted]"),
    ])
    func hidesCredentialHeaderValues(input: String, expected: String) {
        #expect(Redactor().redact(input) == expected)
    }

    @Test func hidesOnlyTheHeaderLineNotTheNextOne() {
        let headers = "Accept: application/json\r\nAuthorization: Bearer abc\r\nUser-Agent: legacy/1.0\r\n"

        let text = Redactor().redact(headers)

        #expect(text == "Accept: application/json\r\nAuthorization: [redacted]\r\nUser-Agent: legacy/1.0\r\n")
    }

    @Test func leavesTheWordAloneWithoutAHeaderColon() {
        let text = "Authorization failed for X-Api-Keys; MyAuthorization: not a header name"

        #expect(Redactor().redact(text) == text)
    }

    @Test func namesSensitiveKeysCaseInsensitively() {
        let redactor = Redactor()
        #expect(redactor.isSensitive(name: "Authorization"))
        #expect(redactor.isSensitive(name: "x-api-key"))
        #expect(!redactor.isSensitive(name: "content-type"))
    }

    @Test func namesSensitiveKeysOnlyWhenWhollyEqual() {
        let redactor = Redactor()
        #expect(redactor.isSensitive(name: "SET-COOKIE"))
        #expect(!redactor.isSensitive(name: "cookies"))
        #expect(!redactor.isSensitive(name: "cooki"))
        // U+212A KELVIN SIGN lowercases to an ASCII "k", so "Coo\u{212A}ie" is "cookie" once lowercased.
        #expect(redactor.isSensitive(name: "Coo\u{212A}ie"))
    }

    @Test func hidesSecretsInLinesWithoutAColon() {
        #expect(Redactor(secrets: ["tok"]).redact("GET /a?t=tok 200") == "GET /a?t=[redacted] 200")
    }
}
