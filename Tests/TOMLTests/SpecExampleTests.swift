import TOML
import Testing

/// The examples of the TOML 1.0.0 specification (toml.md at tag 1.0.0): the valid ones load to the values the text
/// states, the ones it marks invalid fail on the line that makes them so.
@Suite struct SpecExampleTests {
    @Test("Comments, bare and quoted keys")
    func keys() {
        let table = document(
            """
            # This is a full-line comment
            key = "value"  # This is a comment at the end of a line
            another = "# This is not a comment"
            bare_key = "value"
            bare-key = "value"
            1234 = "value"
            "127.0.0.1" = "value"
            "character encoding" = "value"
            "ʎǝʞ" = "value"
            'key2' = "value"
            'quoted "value"' = "value"
            "" = "blank"     # VALID but discouraged
            """)
        #expect(table["another"]?.string == "# This is not a comment")
        #expect(table.keys.count == 11)
        for key in ["1234", "127.0.0.1", "character encoding", "ʎǝʞ", "key2", "quoted \"value\"", ""] {
            #expect(table[key] != nil, "\(key)")
        }
        #expect(document("'' = 'blank'")[""]?.string == "blank")
    }

    @Test("Dotted keys, whitespace around dots, and keys that look like floats")
    func dottedKeys() {
        let table = document(
            """
            name = "Orange"
            physical.color = "orange"
            physical.shape = "round"
            site."google.com" = true
            fruit.name = "banana"     # this is best practice
            fruit. color = "yellow"    # same as fruit.color
            fruit . flavor = "banana"   # same as fruit.flavor
            3.14159 = "pi"
            """)
        #expect(table.at("physical", "shape")?.string == "round")
        #expect(table.at("site", "google.com")?.boolean == true)
        #expect(table.at("fruit")?.table?.keys == ["name", "color", "flavor"])
        #expect(table.at("3", "14159")?.string == "pi")
        let discouraged = document(
            "apple.type = \"fruit\"\norange.type = \"fruit\"\napple.skin = \"thin\"\norange.skin = \"thick\"")
        #expect(discouraged.at("apple", "skin")?.string == "thin")
        let extended = document("fruit.apple.smooth = true\nfruit.orange = 2")
        #expect(extended.at("fruit", "orange")?.integer == 2)
    }

    @Test(
        "The specification's invalid examples fail on the right line",
        arguments: [
            ("key = # INVALID", 1), ("first = \"Tom\" last = \"Preston-Werner\" # INVALID", 1),
            ("= \"no key name\"  # INVALID", 1), ("name = \"Tom\"\nname = \"Pradyun\"", 2),
            ("spelling = \"favorite\"\n\"spelling\" = \"favourite\"", 2),
            ("fruit.apple = 1\nfruit.apple.smooth = true", 2),
            ("str5 = \"\"\"Here are three quotation marks: \"\"\".\"\"\"", 1),
            ("apos15 = '''Here are fifteen apostrophes: ''''''''''''''''''", 1),
            ("invalid_float_1 = .7", 1), ("invalid_float_2 = 7.", 1), ("invalid_float_3 = 3.e+20", 1),
            ("[fruit]\napple = \"red\"\n\n[fruit]\norange = \"orange\"", 4),
            ("[fruit]\napple = \"red\"\n\n[fruit.apple]\ntexture = \"smooth\"", 4),
            ("[fruit]\napple.color = \"red\"\napple.taste.sweet = true\n[fruit.apple]", 4),
            ("[fruit]\napple.color = \"red\"\napple.taste.sweet = true\n[fruit.apple.taste]", 4),
            ("[product]\ntype = { name = \"Nail\" }\ntype.edible = false", 3),
            ("[product]\ntype.name = \"Nail\"\ntype = { edible = false }", 3),
            ("[fruit.physical]\ncolor = \"red\"\nshape = \"round\"\n\n[[fruit]]\nname = \"apple\"", 5),
            ("fruits = []\n\n[[fruits]] # Not allowed", 3),
            ("[[fruits]]\nname = \"apple\"\n\n[[fruits.varieties]]\nname = \"red delicious\"\n\n[fruits.varieties]", 7),
            ("[[fruits]]\n[fruits.physical]\ncolor = \"red\"\n\n[[fruits.physical]]\ncolor = \"green\"", 5),
        ])
    func invalidExamples(text: String, line: Int) {
        #expect(failure(text)?.line == line)
    }

    @Test("Strings: escapes, multi-line forms, line-ending backslashes and quotes inside")
    func strings() {
        let table = document(
            #"""
            str = "I'm a string. \"You can quote me\". Name\tJos\u00E9\nLocation\tSF."
            str1 = """
            Roses are red
            Violets are blue"""
            fox1 = "The quick brown fox jumps over the lazy dog."
            fox2 = """
            The quick brown \


              fox jumps over \
                the lazy dog."""
            fox3 = """\
                   The quick brown \
                   fox jumps over \
                   the lazy dog.\
                   """
            str4 = """Here are two quotation marks: "". Simple enough."""
            str5 = """Here are three quotation marks: ""\"."""
            str6 = """Here are fifteen quotation marks: ""\"""\"""\"""\"""\"."""
            str7 = """"This," she said, "is just a pointless statement.""""
            winpath  = 'C:\Users\nodejs\templates'
            winpath2 = '\\ServerX\admin$\system32\'
            quoted   = 'Tom "Dubs" Preston-Werner'
            regex    = '<\i\c*\s*>'
            regex2 = '''I [dw]on't need \d{2} apples'''
            lines  = '''
            The first newline is
            trimmed in raw strings.
               All other whitespace
               is preserved.
            '''
            quot15 = '''Here are fifteen quotation marks: """""""""""""""'''
            apos15 = "Here are fifteen apostrophes: '''''''''''''''"
            str8 = ''''That,' she said, 'is still pointless.''''
            """#)
        #expect(table["str"]?.string == "I'm a string. \"You can quote me\". Name\tJosé\nLocation\tSF.")
        #expect(table["str1"]?.string == "Roses are red\nViolets are blue")
        #expect(table["fox2"]?.string == table["fox1"]?.string)
        #expect(table["fox3"]?.string == table["fox1"]?.string)
        #expect(table["str4"]?.string == "Here are two quotation marks: \"\". Simple enough.")
        #expect(table["str5"]?.string == "Here are three quotation marks: \"\"\".")
        #expect(
            table["str6"]?.string == "Here are fifteen quotation marks: " + String(repeating: "\"", count: 15) + ".")
        #expect(table["str7"]?.string == "\"This,\" she said, \"is just a pointless statement.\"")
        #expect(table["winpath2"]?.string == #"\\ServerX\admin$\system32\"#)
        #expect(table["quoted"]?.string == "Tom \"Dubs\" Preston-Werner")
        #expect(table["regex2"]?.string == #"I [dw]on't need \d{2} apples"#)
        #expect(
            table["lines"]?.string
                == "The first newline is\ntrimmed in raw strings.\n   All other whitespace\n   is preserved.\n")
        #expect(table["quot15"]?.string == "Here are fifteen quotation marks: " + String(repeating: "\"", count: 15))
        #expect(table["apos15"]?.string == "Here are fifteen apostrophes: " + String(repeating: "'", count: 15))
        #expect(table["str8"]?.string == "'That,' she said, 'is still pointless.'")
    }

    @Test("Numbers, booleans, dates and times as the specification writes them")
    func scalars() {
        let table = document(
            """
            int1 = +99
            int7 = 53_49_221  # Indian number system grouping
            hex3 = 0xdead_beef
            oct1 = 0o01234567
            bin1 = 0b11010110
            flt4 = 5e+22
            flt8 = 224_617.445_991_228
            sf3 = -inf # negative infinity
            sf6 = -nan # valid, actual encoding is implementation-specific
            bool2 = false
            odt4 = 1979-05-27 07:32:00Z
            ldt2 = 1979-05-27T00:32:00.999999
            ld1 = 1979-05-27
            lt2 = 00:32:00.999999
            """)
        #expect(table["int1"]?.integer == 99)
        #expect(table["int7"]?.integer == 5_349_221)
        #expect(table["hex3"]?.integer == 0xdead_beef)
        #expect(table["oct1"]?.integer == 342_391)
        #expect(table["bin1"]?.integer == 214)
        #expect(table["flt4"]?.float == 5e22)
        #expect(table["flt8"]?.float == 224_617.445_991_228)
        #expect(table["sf3"]?.float == -.infinity)
        #expect(table["sf6"]?.float?.isNaN == true)
        #expect(table["bool2"]?.boolean == false)
        #expect(table["odt4"]?.dateTime?.offsetMinutes == 0)
        #expect(table["ldt2"]?.dateTime?.kind == .localDateTime)
        #expect(table["ld1"]?.dateTime?.date == TOMLDateTime.Date(year: 1979, month: 5, day: 27))
        #expect(table["lt2"]?.dateTime?.time?.nanosecond == 999_999_000)
    }

    @Test("Arrays, tables, inline tables and arrays of tables")
    func structures() throws {
        let table = document(
            """
            nested_mixed_array = [ [ 1, 2 ], ["a", "b", "c"] ]
            string_array = [ "all", 'strings', \"\"\"are the same\"\"\", '''type''' ]
            numbers = [ 0.1, 0.2, 0.5, 1, 2, 5 ]
            contributors = [
              "Foo Bar <foo@example.com>",
              { name = "Baz Qux", email = "bazqux@example.com", url = "https://example.com/bazqux" }
            ]
            integers3 = [
              1,
              2, # this is ok
            ]
            points = [ { x = 1, y = 2, z = 3 },
                       { x = 7, y = 8, z = 9 },
                       { x = 2, y = 4, z = 8 } ]
            animal = { type.name = "pug" }

            [dog."tater.man"]
            type.name = "pug"

            [ j . "ʞ" . 'l' ]  # same as [j."ʞ".'l']

            [[products]]
            name = "Hammer"
            sku = 738594937

            [[products]]  # empty table within the array

            [[products]]
            name = "Nail"
            sku = 284758393

            color = "gray"
            """)
        #expect(table["nested_mixed_array"]?[1]?[2]?.string == "c")
        #expect(table["string_array"]?.array?.compactMap(\.string) == ["all", "strings", "are the same", "type"])
        #expect(table["numbers"]?[3]?.integer == 1)
        #expect(table["contributors"]?[1]?["url"]?.string == "https://example.com/bazqux")
        #expect(table["integers3"]?.array?.count == 2)
        #expect(table["points"]?[2]?["z"]?.integer == 8)
        #expect(table.at("animal", "type", "name")?.string == "pug")
        #expect(table.at("dog", "tater.man", "type", "name")?.string == "pug")
        #expect(table.at("j", "ʞ", "l")?.table?.isEmpty == true)
        let products = try #require(table["products"]?.array)
        #expect(products.count == 3)
        #expect(products[1].table?.isEmpty == true)
        #expect(products[2]["color"]?.string == "gray")
        #expect(products[2].position.line == 28)
    }
}
