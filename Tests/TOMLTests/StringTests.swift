import TOML
import Testing

/// The four string forms, their escapes and the rules about quotes and newlines inside them.
@Suite struct StringTests {
    @Test(
        "Basic strings decode every escape TOML 1.0 defines",
        arguments: [
            (#""a\bb""#, "a\u{08}b"), (#""\t""#, "\t"), (#""\n""#, "\n"), (#""\f""#, "\u{0C}"), (#""\r""#, "\r"),
            (#""\"""#, "\""), (#""\\""#, "\\"), (#""\u00E9""#, "é"), (#""\U0001F600""#, "😀"), (#""\u0000""#, "\u{0}"),
            ("\"tab\there\"", "tab\there"), (#""ʎǝʞ""#, "ʎǝʞ"),
        ])
    func basicEscapes(source: String, expected: String) {
        #expect(value(source)?.string == expected)
    }

    @Test(
        "Invalid escapes and escapes that are not scalar values are rejected",
        arguments: [#""\e""#, #""\x41""#, #""\ ""#, #""\u12""#, #""\uD800""#, #""\U00110000""#, #""\u00G0""#])
    func invalidEscapes(source: String) {
        #expect(failure("v = \(source)")?.line == 1)
    }

    @Test("Literal strings keep backslashes as written")
    func literal() {
        #expect(value(#"'C:\Users\nodejs\templates'"#)?.string == #"C:\Users\nodejs\templates"#)
        #expect(value(#"'<\i\c*\s*>'"#)?.string == #"<\i\c*\s*>"#)
    }

    @Test("A multi-line basic string trims the first newline and keeps the others as LF, even after CRLF")
    func multilineBasic() {
        #expect(value("\"\"\"\nRoses are red\nViolets are blue\"\"\"")?.string == "Roses are red\nViolets are blue")
        #expect(value("\"\"\"\r\nRoses\r\nViolets\"\"\"")?.string == "Roses\nViolets")
    }

    @Test("A line-ending backslash removes the newline and the whitespace that follows, blank lines included")
    func lineEndingBackslash() {
        #expect(value("\"\"\"\nThe quick \\\n\n\n   fox\"\"\"")?.string == "The quick fox")
        #expect(value("\"\"\"\\  \n  a\"\"\"")?.string == "a")
        #expect(value("\"\"\"a\\\r\n  b\"\"\"")?.string == "ab")
    }

    @Test("Up to two quotes may sit inside the closing delimiter of a multi-line string")
    func quotesBeforeTheEnd() {
        #expect(value("\"\"\"a\"\"\"\"\"")?.string == "a\"\"")
        #expect(value("'''a'''''")?.string == "a''")
        #expect(value("\"\"\"\"\"\"")?.string == "")
        #expect(failure("v = '''a''''''")?.line == 1)
    }

    @Test(
        "Single-line strings cannot span lines and must be closed",
        arguments: ["v = \"a\nb\"", "v = 'a\nb'", "v = \"abc", "v = '''abc", "v = \"\"\"abc\n", "v = \"a\\"])
    func unterminated(source: String) {
        #expect(failure(source) != nil)
    }

    @Test("Control characters must be escaped; a tab may be written as it is")
    func controlCharacters() {
        #expect(failure("v = \"a\u{01}b\"")?.message.contains("U+0001") == true)
        #expect(failure("v = 'a\u{7F}'")?.message.contains("U+007F") == true)
        #expect(failure("v = \"\"\"a\rb\"\"\"") != nil)
        #expect(value("'a\tb'")?.string == "a\tb")
    }

    @Test("A key cannot be a multi-line string, but an empty quoted key is allowed")
    func stringKeys() {
        #expect(failure("\"\"\"k\"\"\" = 1") != nil)
        #expect(document("\"\" = 1")[""]?.integer == 1)
        #expect(document("'a.b' = 1")["a.b"]?.integer == 1)
        #expect(document("\"a\\u0062\" = 1")["ab"]?.integer == 1)
    }
}
