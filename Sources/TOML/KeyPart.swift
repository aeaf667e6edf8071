/// One part of a dotted key and where it was written, so an error about any part can point at it.
struct KeyPart {
    /// The part, unquoted and unescaped.
    var name: String
    /// Where the part starts.
    var position: TOMLPosition
}
