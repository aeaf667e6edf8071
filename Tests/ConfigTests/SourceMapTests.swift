import TOML
import Testing

@testable import Config

/// Each key's line as the source map takes it from the parser: TOML corners that could shift or hide a line.
@Suite struct SourceMapTests {
    private func line(_ path: String, in text: String) -> Int? {
        sourceMap(text).line(for: keyPath(path))
    }

    /// The map of `text`, or an empty one (which fails every expectation) when `text` is not TOML.
    private func sourceMap(_ text: String) -> SourceMap {
        do {
            return SourceMap(document: try TOMLParser.parse(text))
        } catch {
            Issue.record("not TOML: \(error)")
            return SourceMap()
        }
    }

    /// Builds a path from `a[0].b`-style text (bare keys only).
    private func keyPath(_ text: String) -> KeyPath {
        var path = KeyPath.root
        for part in text.split(separator: ".") {
            var name = Substring(part)
            var indexes: [Int] = []
            while let open = name.lastIndex(of: "["), name.hasSuffix("]") {
                indexes.insert(Int(name[name.index(after: open)..<name.index(before: name.endIndex)])!, at: 0)
                name = name[..<open]
            }
            path = path.appending(String(name))
            for index in indexes { path = path.appending(index: index) }
        }
        return path
    }

    @Test func arraysOfTablesAreCountedPerParent() {
        let text = """
            [[upstream]]
            name = "a"
            [[upstream.rule]]
            path = "/a0"
            [[upstream]]
            name = "b"
            [upstream.retry]
            deadline = "1s"
            [[upstream.rule]]
            path = "/b0"
            [[upstream.rule]]
            path = "/b1"
            """
        #expect(line("upstream[0].rule[0].path", in: text) == 4)
        #expect(line("upstream[1].name", in: text) == 6)
        #expect(line("upstream[1].retry.deadline", in: text) == 8)
        #expect(line("upstream[1].rule[0].path", in: text) == 10)
        #expect(line("upstream[1].rule[1].path", in: text) == 12)
        #expect(line("upstream[1].rule[1]", in: text) == 11)
    }

    @Test func stringsAndCommentsDoNotLookLikeKeysOrHeaders() {
        let text = """
            # [[upstream]] in a comment
            [[upstream]]
            name = "a # not a comment [x]"  # a = 1
            note = '''
            [limits]
            fake = "key"
            '''
            quote = \"\"\"ends with quotes\"\"\"\"\"
            real = 1
            [limits]
            max_connections = 2
            """
        #expect(line("upstream[0].name", in: text) == 3)
        #expect(line("upstream[0].fake", in: text) == 2)
        #expect(line("upstream[0].real", in: text) == 9)
        #expect(line("limits", in: text) == 10)
        #expect(line("limits.max_connections", in: text) == 11)
    }

    @Test func multiLineArraysAndInlineTablesLocateEachElement() {
        let text = """
            [[upstream]]
            schedule = [
              "1s", # first
              [ "nested", "]" ],
              "3s",
            ]
            backoff = { initial = "2s", max = "9s" }
            after = true
            """
        #expect(line("upstream[0].schedule", in: text) == 2)
        #expect(line("upstream[0].schedule[0]", in: text) == 3)
        #expect(line("upstream[0].schedule[1]", in: text) == 4)
        #expect(line("upstream[0].schedule[2]", in: text) == 5)
        #expect(line("upstream[0].backoff.max", in: text) == 7)
        #expect(line("upstream[0].after", in: text) == 8)
    }

    @Test func quotedAndDottedKeys() {
        let text =
            "[[upstream]]\n\"set_headers\" . 'X-Api-Key' = \"v\"\nretry.backoff.initial = \"1s\"\n\"a\\u0062\" = 1"
        var path = KeyPath.root.appending("upstream").appending(index: 0)
        #expect(sourceMap(text).line(for: path.appending("set_headers").appending("X-Api-Key")) == 2)
        #expect(line("upstream[0].retry.backoff.initial", in: text) == 3)
        #expect(line("upstream[0].retry", in: text) == 3)
        path = path.appending("ab")
        #expect(sourceMap(text).line(for: path) == 4)
    }

    @Test func windowsLineEndingsCountLinesTheSame() {
        let text = "[[upstream]]\r\nname = \"a\"\r\n\r\n[limits]\r\nidle_timeout = \"1s\"\r\n"
        #expect(line("limits.idle_timeout", in: text) == 5)
    }

    @Test func missingKeysFallBackToTheirTable() {
        let text = "[[upstream]]\nname = \"a\"\n\n[[upstream]]\nname = \"b\""
        #expect(line("upstream[1].url", in: text) == 4)
        #expect(line("limits.max_connections", in: text) == nil)
    }

    @Test func offsetsOrderKeysOnOneLine() throws {
        let map = sourceMap("h = { b = 1, a = 2 }")
        let b = try #require(map.location(of: keyPath("h.b")))
        let a = try #require(map.location(of: keyPath("h.a")))
        #expect(b.offset < a.offset)
        #expect(a.line == 1)
    }

    @Test func keyPathsPrintLikeErrorsNameThem() {
        let path = KeyPath.root.appending("upstream").appending(index: 2).appending("set_headers").appending("X Y")
        #expect(path.description == "upstream[2].set_headers.\"X Y\"")
    }
}
