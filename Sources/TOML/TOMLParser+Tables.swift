extension TOMLParser {
    // MARK: Keys

    /// A key, dotted or not: `a`, `"a b".c`, `'x'`.
    mutating func parseKey() throws(TOMLError) -> [KeyPart] {
        var parts: [KeyPart] = []
        while true {
            skipWhitespace()
            let start = position()
            let name: String
            switch peek() {
            case .quote?, .apostrophe?:
                guard peek(1) != peek() || peek(2) != peek() else {
                    throw error("a key cannot be a multi-line string")
                }
                name = try parseString()
            case let byte? where byte.isBareKeyByte:
                let from = index
                while let next = peek(), next.isBareKeyByte { index += 1 }
                name = String(decoding: bytes[from..<index], as: UTF8.self)
            case let byte?:
                throw error("expected a key, found \(describe(byte))")
            case nil:
                throw error("expected a key, found the end of the document")
            }
            parts.append(KeyPart(name: name, position: start))
            skipWhitespace()
            guard skip(.dot) else { return parts }
        }
    }

    /// How a key path reads in a message: `"a.b.'c d'"`, quoted so that it stands out from the words around it.
    func describe(_ parts: some Collection<KeyPart>) -> String {
        let path = parts.map { part in
            !part.name.isEmpty && part.name.utf8.allSatisfy(\.isBareKeyByte) ? part.name : "'\(part.name)'"
        }.joined(separator: ".")
        return "\"\(path)\""
    }

    // MARK: Key/value pairs

    /// `key = value`, added to `table` by TOML's rules for dotted keys.
    ///
    /// - Parameter depth: The depth of `table`, from which the value's depth follows.
    mutating func parseKeyValue(into table: TableNode, depth: Int) throws(TOMLError) {
        let key = try parseKey()
        guard skip(.equals) else {
            throw error("expected \"=\" after the key \(describe(key)), found \(peek().map(describe) ?? "the end")")
        }
        skipWhitespace()
        var target = table
        for (offset, part) in key.dropLast().enumerated() {
            target = try dottedTable(part, in: target, depth: depth + offset + 1, key: key.prefix(offset + 1))
        }
        let last = key[key.count - 1]
        guard target[last.name] == nil else {
            throw error("duplicate key \(describe(key))", at: last.position.offset)
        }
        let value = try parseValue(depth: depth + key.count)
        target.insert(last.name, .value(value), at: last.position)
    }

    /// The table a dotted key's part names, created if new.
    private mutating func dottedTable(
        _ part: KeyPart, in table: TableNode, depth: Int, key: ArraySlice<KeyPart>
    ) throws(TOMLError) -> TableNode {
        try checkDepth(depth, at: part.position.offset)
        guard let slot = table[part.name] else {
            let created = TableNode(origin: .dotted, position: part.position, depth: depth)
            table.insert(part.name, .table(created), at: part.position)
            return created
        }
        switch slot.node {
        case .table(let existing) where existing.origin == .dotted:
            return existing
        case .table(let existing) where existing.origin == .implicit:
            // From now on it counts as defined by dotted keys, so a later [header] cannot define it again.
            existing.origin = .dotted
            return existing
        case .table:
            throw error(
                "cannot add to the table \(describe(key)) with a dotted key: it was defined by a [header] on line"
                    + " \(slot.keyPosition.line)", at: part.position.offset)
        case .tables:
            throw error(
                "cannot add to the array of tables \(describe(key)) with a dotted key", at: part.position.offset)
        case .value(let value):
            throw error(
                "\(describe(key)) is already \(Self.article(value)) (line \(slot.keyPosition.line)),"
                    + " not a table that a dotted key can extend", at: part.position.offset)
        }
    }

    // MARK: Headers

    /// `[a.b]` or `[[a.b]]`: makes the named table the current one.
    mutating func parseHeader() throws(TOMLError) {
        let start = position()
        index += 1
        let isArray = skip(.openBracket)
        let key = try parseKey()
        guard skip(.closeBracket), !isArray || skip(.closeBracket) else {
            throw error("expected \(isArray ? "\"]]\"" : "\"]\"") to close the table header")
        }
        var table = root
        for (offset, part) in key.dropLast().enumerated() {
            table = try headerTable(part, in: table, key: key.prefix(offset + 1), header: start)
        }
        let last = key[key.count - 1]
        try checkDepth(table.depth + 1, at: last.position.offset)
        let name = describe(key)
        if isArray {
            let element = TableNode(origin: .header, position: start, depth: table.depth + 1)
            switch table[last.name]?.node {
            case nil:
                let array = TableArrayNode(position: start)
                array.elements.append(element)
                table.insert(last.name, .tables(array), at: start)
            case .tables(let array)?:
                array.elements.append(element)
            case .table?:
                throw error("cannot make \(name) an array of tables: it is already a table", at: start.offset)
            case .value(let value)?:
                throw error(
                    "cannot make \(name) an array of tables: it is already \(Self.article(value))", at: start.offset)
            }
            current = element
            return
        }
        switch table[last.name]?.node {
        case nil:
            let created = TableNode(origin: .header, position: start, depth: table.depth + 1)
            table.insert(last.name, .table(created), at: start)
            current = created
        case .table(let existing)? where existing.origin == .implicit:
            existing.origin = .header
            existing.position = start
            table.relocate(last.name, to: start)
            current = existing
        case .table(let existing)?:
            let how = existing.origin == .dotted ? "by dotted keys" : "by a [header]"
            throw error(
                "the table \(name) is already defined \(how) on line \(table[last.name]!.keyPosition.line)",
                at: start.offset)
        case .tables?:
            throw error(
                "the table \(name) is already an array of tables (write [[\(name.dropFirst().dropLast())]])",
                at: start.offset)
        case .value(let value)?:
            throw error("the table \(name) is already \(Self.article(value))", at: start.offset)
        }
    }

    /// The table a header's leading part names: created implicitly if new, the last element of an array of tables.
    private mutating func headerTable(
        _ part: KeyPart, in table: TableNode, key: ArraySlice<KeyPart>, header: TOMLPosition
    ) throws(TOMLError) -> TableNode {
        try checkDepth(table.depth + 1, at: part.position.offset)
        switch table[part.name]?.node {
        case nil:
            let created = TableNode(origin: .implicit, position: header, depth: table.depth + 1)
            table.insert(part.name, .table(created), at: header)
            return created
        case .table(let existing)?:
            return existing
        case .tables(let array)?:
            return array.elements[array.elements.count - 1]
        case .value(let value)?:
            throw error(
                "\(describe(key)) is already \(Self.article(value)), not a table", at: part.position.offset)
        }
    }

    /// Refuses nesting deeper than the limit, before the recursion that would follow it.
    mutating func checkDepth(_ depth: Int, at offset: Int) throws(TOMLError) {
        guard depth <= limits.maxDepth else {
            throw error("nested deeper than \(limits.maxDepth) levels", at: offset)
        }
    }

    /// "a string", "an inline table", … for messages about a value in the way.
    static func article(_ value: TOMLValue) -> String {
        switch value.content {
        case .string: "a string"
        case .integer: "an integer"
        case .float: "a float"
        case .boolean: "a boolean"
        case .dateTime: "a date-time"
        case .array: "a static array"
        case .table: "an inline table"
        }
    }
}
