/// A position in the configuration tree, printed the way errors name keys: `upstream[0].retry.max_attempts`.
struct KeyPath: Hashable, Sendable, CustomStringConvertible {
    /// One step down the tree.
    enum Component: Hashable, Sendable {
        case key(String)
        case index(Int)
    }

    /// The steps from the document root.
    var components: [Component] = []

    /// The document root.
    static let root = KeyPath()

    /// The path one key further down.
    func appending(_ key: String) -> KeyPath {
        KeyPath(components: components + [.key(key)])
    }

    /// The path of one array element.
    func appending(index: Int) -> KeyPath {
        KeyPath(components: components + [.index(index)])
    }

    /// The enclosing path, or `nil` at the root.
    var parent: KeyPath? {
        components.isEmpty ? nil : KeyPath(components: Array(components.dropLast()))
    }

    /// The last key name on the path (array indexes skipped), or "" at the root.
    var lastKey: String {
        for component in components.reversed() {
            if case .key(let name) = component { return name }
        }
        return ""
    }

    var description: String {
        var text = ""
        for component in components {
            switch component {
            case .key(let name):
                if !text.isEmpty { text += "." }
                text += KeyPath.isBare(name) ? name : "\"\(name)\""
            case .index(let index):
                text += "[\(index)]"
            }
        }
        return text
    }

    /// Whether `name` can be written as a TOML bare key; others are quoted so the printed path stays unambiguous.
    private static func isBare(_ name: String) -> Bool {
        !name.isEmpty
            && name.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
                    true
                default:
                    false
                }
            }
    }
}
