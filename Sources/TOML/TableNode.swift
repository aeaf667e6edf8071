/// A table while the document is being read: a reference, so that headers and dotted keys can reach into it
/// and add keys, and a record of how it came to exist, which is what TOML's redefinition rules turn on.
final class TableNode {
    /// How the table came to exist; it decides what may still add to it.
    enum Origin {
        /// The document itself.
        case root
        /// An inline table while its braces are read; it becomes a finished value when they close.
        case inline
        /// Named on the way to a deeper header (`a` in `[a.b]`): a later `[a]` may still define it, once.
        case implicit
        /// Defined by its own `[header]` or as an element of `[[header]]`: nothing else may define it again.
        case header
        /// Created by a dotted key (`a.b = 1`): more dotted keys may add to it, a header may not define it.
        case dotted
    }

    /// What a key holds while the document is read.
    enum Node {
        /// A finished value: a scalar, a static array or an inline table, none of which may be extended.
        case value(TOMLValue)
        /// A table that headers and dotted keys may still reach into.
        case table(TableNode)
        /// An array of tables, to which each `[[header]]` adds an element.
        case tables(TableArrayNode)
    }

    /// One key with its node.
    struct Slot {
        var keyPosition: TOMLPosition
        var node: Node
    }

    var origin: Origin
    var position: TOMLPosition
    /// Levels below the root; bounded by ``TOMLLimits/maxDepth``.
    let depth: Int
    private(set) var order: [String] = []
    private(set) var slots: [String: Slot] = [:]

    init(origin: Origin, position: TOMLPosition, depth: Int) {
        self.origin = origin
        self.position = position
        self.depth = depth
    }

    subscript(key: String) -> Slot? {
        slots[key]
    }

    /// Adds a key the caller has checked is new.
    func insert(_ key: String, _ node: Node, at keyPosition: TOMLPosition) {
        if slots.updateValue(Slot(keyPosition: keyPosition, node: node), forKey: key) == nil { order.append(key) }
    }

    /// Moves an implicit table's key to the header that finally defines it, where an error should point.
    func relocate(_ key: String, to keyPosition: TOMLPosition) {
        slots[key]?.keyPosition = keyPosition
    }

    /// The finished, immutable table.
    func frozen() -> TOMLTable {
        var table = TOMLTable()
        for key in order {
            let slot = slots[key]!
            table.set(TOMLTable.Entry(key: key, keyPosition: slot.keyPosition, value: Self.frozen(slot.node)))
        }
        return table
    }

    private static func frozen(_ node: Node) -> TOMLValue {
        switch node {
        case .value(let value):
            value
        case .table(let table):
            TOMLValue(.table(table.frozen()), at: table.position)
        case .tables(let array):
            TOMLValue(
                .array(array.elements.map { TOMLValue(.table($0.frozen()), at: $0.position) }), at: array.position)
        }
    }
}

/// An array of tables while the document is being read.
final class TableArrayNode {
    /// Where the first `[[header]]` was.
    let position: TOMLPosition
    /// One table per `[[header]]`, in order.
    var elements: [TableNode] = []

    init(position: TOMLPosition) {
        self.position = position
    }
}
