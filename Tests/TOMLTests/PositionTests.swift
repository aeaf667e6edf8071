import TOML
import Testing

/// Lines and columns of keys, values and errors, and the checks on the text as a whole.
@Suite struct PositionTests {
    @Test("Keys and values carry their line and column")
    func keysAndValues() throws {
        let table = document("# head\n\nname = \"x\"\n  [srv]\n  port = [\n    1,\n  ]\n")
        let name = try #require(table.entry("name"))
        #expect(name.keyPosition == TOMLPosition(line: 3, column: 1, offset: 8))
        #expect(name.value.position.line == 3 && name.value.position.column == 8)
        let server = try #require(table.entry("srv"))
        #expect(server.keyPosition.line == 4 && server.keyPosition.column == 3)
        let port = try #require(server.value.table?.entry("port"))
        #expect(port.keyPosition.line == 5)
        #expect(port.value[0]?.position.line == 6 && port.value[0]?.position.column == 5)
    }

    @Test("Columns count Unicode scalars, not bytes")
    func unicodeColumns() {
        #expect(document("\"ʎǝʞ\" = 1")["ʎǝʞ"]?.position.column == 9)
    }

    @Test("Errors name the line and column of the problem")
    func errorPlace() throws {
        let error = try #require(failure("a = 1\n[srv]\nport = 1\n    port = 2"))
        #expect(error.line == 4 && error.column == 5)
        #expect(error.description == "line 4, column 5: duplicate key \"port\"")
    }

    @Test("CRLF line endings count one line each, and a bare CR is refused")
    func lineEndings() {
        let table = document("a = 1\r\n\r\n[t]\r\nb = 2 # note\r\n")
        #expect(table.at("t", "b")?.position.line == 4)
        #expect(failure("a = 1\rb = 2")?.line == 1)
    }

    @Test("A byte-order mark is skipped and does not count as a column")
    func byteOrderMark() {
        let table = document("\u{FEFF}a = 1")
        #expect(table["a"]?.integer == 1)
        #expect(table.entry("a")?.keyPosition.column == 1)
    }

    @Test("Invalid UTF-8 is refused where it is found")
    func invalidUTF8() throws {
        for bytes: [UInt8] in [
            [0x61, 0x3D, 0x22, 0xFF, 0x22], [0x61, 0x3D, 0x22, 0xC0, 0xAF, 0x22], [0x23, 0xED, 0xA0, 0x80],
        ] {
            #expect(throws: TOMLError.self) { try TOMLParser.parse(bytes: bytes) }
        }
        let error = try #require(throws: TOMLError.self) {
            try TOMLParser.parse(bytes: Array("a = 1\n# \u{FF}".utf8) + [0xF8])
        }
        #expect(error.line == 2)
    }

    @Test("Control characters are refused even in comments")
    func controlInComment() {
        #expect(failure("a = 1 # \u{00}")?.line == 1)
        #expect(failure("# ok\n# \u{1B}[31m")?.line == 2)
    }

    @Test("Nesting deeper than the limit fails with an error instead of exhausting the stack")
    func depthLimit() throws {
        let deep = "v = " + String(repeating: "[", count: 100_000)
        let error = try #require(failure(deep))
        #expect(error.message.contains("deeper"))
        #expect(failure("v = " + String(repeating: "{a=", count: 10_000)) != nil)
        let dotted = (0..<200).map { "k\($0)" }.joined(separator: ".")
        #expect(failure("\(dotted) = 1") != nil)
        #expect(failure("[\(dotted)]") != nil)
        let ok = "v = " + String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(document(ok)["v"] != nil)
    }

    @Test("Inputs over the size limit are refused before parsing")
    func sizeLimit() {
        var limits = TOMLLimits()
        limits.maxBytes = 8
        #expect(throws: TOMLError.self) { try TOMLParser.parse("a = 12345", limits: limits) }
    }

    @Test("Keys keep the order in which they were first written")
    func order() {
        let table = document("z = 1\na = 2\n[m]\n[b.c]\n[[k]]\ny.x = 1\ny.a = 2")
        #expect(table.keys == ["z", "a", "m", "b", "k"])
        #expect(table.at("k")?[0]?.table?.at("y")?.table?.keys == ["x", "a"])
    }
}
