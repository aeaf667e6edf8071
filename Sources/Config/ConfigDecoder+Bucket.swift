extension ConfigDecoder {
    /// A rule's `bucket`: the name of the vendor quota its requests count against.
    static func bucketName(_ value: ValueReader) throws(ConfigError) -> String {
        let name = try value.string()
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) })
        else {
            throw value.error("\"\(name)\" is not a valid bucket name; use letters, digits, \"_\", \".\" and \"-\"")
        }
        return name
    }
}
