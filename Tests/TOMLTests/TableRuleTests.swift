import TOML
import Testing

/// Tables, dotted keys, inline tables and arrays of tables, and every rule about defining them twice.
@Suite struct TableRuleTests {
    /// A document that must fail, and the line its error must name.
    struct Invalid: CustomTestStringConvertible, Sendable {
        let text: String
        let line: Int
        var testDescription: String { text.debugDescription }
    }

    @Test(
        "Redefinitions fail on the line of the second definition",
        arguments: [
            Invalid(text: "a = 1\na = 2", line: 2),
            Invalid(text: "a = 1\n\"a\" = 2", line: 2),
            Invalid(text: "[t]\n[t]", line: 2),
            Invalid(text: "[t]\nx = 1\n[t.x]", line: 3),
            Invalid(text: "[t.u]\n[t]\nu = 1", line: 3),
            Invalid(text: "a.b = 1\na.b.c = 2", line: 2),
            Invalid(text: "a = { b = 1 }\na.c = 2", line: 2),
            Invalid(text: "a = { b = 1 }\n[a]", line: 2),
            Invalid(text: "a = { b = 1 }\n[a.c]", line: 2),
            Invalid(text: "a = { b = { c = 1 } }\n[a.b]", line: 2),
            Invalid(text: "[a]\nb.c = 1\n[a.b]", line: 3),
            Invalid(text: "[a.b]\n[a]\nb.c = 1", line: 3),
            Invalid(text: "a = []\n[[a]]", line: 2),
            Invalid(text: "[[a]]\n[a]", line: 2),
            Invalid(text: "[a]\n[[a]]", line: 2),
            Invalid(text: "[[a]]\nb.c = 1\n[a.b]", line: 3),
            Invalid(text: "[[a]]\n[a.b]\n[a.b]", line: 3),
            Invalid(text: "a.b = 1\n[[a]]", line: 2),
            Invalid(text: "[[a]]\n[a.b]\n[[a.b]]", line: 3),
            Invalid(text: "x = { a = 1, a = 2 }", line: 1),
            Invalid(text: "x = { a.b = 1, a = 2 }", line: 1),
            Invalid(text: "x = [1]\nx.y = 2", line: 2),
        ])
    func redefinitions(_ invalid: Invalid) {
        let error = failure(invalid.text)
        #expect(error?.line == invalid.line, "\(String(describing: error))")
    }

    @Test("A super-table may be defined after its sub-tables, once")
    func superTableAfterwards() {
        let table = document("[x.y.z.w]\na = 1\n[x]\nb = 2")
        #expect(table.at("x", "y", "z", "w", "a")?.integer == 1)
        #expect(table.at("x", "b")?.integer == 2)
        #expect(table.entry("x")?.keyPosition.line == 3)
        #expect(failure("[x.y]\n[x]\n[x]")?.line == 3)
    }

    @Test("Sub-tables of a table made by dotted keys may still be opened by headers")
    func subTableOfDottedTable() {
        let table = document("[fruit]\napple.color = \"red\"\n[fruit.apple.texture]\nsmooth = true")
        #expect(table.at("fruit", "apple", "color")?.string == "red")
        #expect(table.at("fruit", "apple", "texture", "smooth")?.boolean == true)
    }

    @Test("Dotted keys may add to tables that only a deeper header named")
    func dottedIntoImplicitTable() {
        let table = document("[a.b.c]\nz = 9\n[a]\nb.d = 1")
        #expect(table.at("a", "b", "d")?.integer == 1)
        #expect(failure("[a.b.c]\n[a]\nb.c.t = 1")?.line == 3)
        #expect(failure("[a.b.c]\n[a]\nb.d = 1\n[a.b]")?.line == 4)
    }

    @Test("A [sub.table] header belongs to the latest element of its array of tables")
    func arrayOfTablesNesting() throws {
        let table = document(
            "[[f]]\nname = \"apple\"\n[f.physical]\ncolor = \"red\"\n[[f.v]]\nname = \"rd\"\n[[f.v]]\nname = \"gs\"\n"
                + "[[f]]\nname = \"banana\"\n[[f.v]]\nname = \"plantain\"")
        let fruits = try #require(table["f"]?.array)
        #expect(fruits.count == 2)
        #expect(fruits[0]["physical"]?["color"]?.string == "red")
        #expect(fruits[0]["v"]?.array?.compactMap { $0["name"]?.string } == ["rd", "gs"])
        #expect(fruits[1]["v"]?[0]?["name"]?.string == "plantain")
        #expect(fruits[1].position.line == 9)
        #expect(fruits[0]["v"]?[1]?.position.line == 7)
    }

    @Test("Inline tables are on one line, without a trailing comma, and may hold arrays over several lines")
    func inlineTables() {
        #expect(value("{}")?.table?.isEmpty == true)
        #expect(value("{ a = 1, b.c = \"x\" }")?["b"]?["c"]?.string == "x")
        #expect(value("{ a = [\n1,\n2] }")?["a"]?.array?.count == 2)
        #expect(failure("v = { a = 1, }") != nil)
        #expect(failure("v = { a = 1\n}")?.line == 1)
        #expect(failure("v = {\na = 1 }")?.line == 1)
        #expect(failure("v = { a = 1 # c\n}") != nil)
        #expect(failure("v = { , }") != nil)
        #expect(failure("v = { a = 1 b = 2 }") != nil)
    }

    @Test("Arrays take any mix of values, newlines, comments and a trailing comma")
    func arrays() {
        let array = value("[\n  1, # one\n  'two',\n  [3.0, { x = 4 }],\n  # only a comment\n]")?.array
        #expect(array?.count == 3)
        #expect(array?[1].string == "two")
        #expect(array?[2][1]?["x"]?.integer == 4)
        #expect(value("[]")?.array?.isEmpty == true)
        #expect(value("[ # c\n]")?.array?.isEmpty == true)
        for bad in ["[,]", "[1,,2]", "[1 2]", "[1", "[1,"] {
            #expect(failure("v = \(bad)") != nil, "\(bad)")
        }
    }

    @Test("Statements end at the line's end: one per line, nothing after a header but a comment")
    func statementEnds() {
        #expect(failure("first = \"Tom\" last = \"Preston-Werner\"")?.line == 1)
        #expect(failure("[a] b = 1")?.line == 1)
        #expect(failure("[a]]")?.line == 1)
        #expect(failure("[[a]")?.line == 1)
        #expect(failure("[[a] ]")?.line == 1)
        #expect(failure("[ [a]]") != nil)
        #expect(failure("[]") != nil)
        #expect(failure("[a.]") != nil)
        #expect(failure("a. = 1") != nil)
        #expect(failure(".a = 1") != nil)
        #expect(failure("a..b = 1") != nil)
        #expect(failure("a b = 1") != nil)
        #expect(failure("a = 1 # fine\nb")?.line == 2)
        #expect(document("[ a . b ]  # c\n[[ c ]]\n")["c"]?.array?.count == 1)
    }
}
