/// One key of a configuration section: its name, how its value is read onto the module's settings, and how
/// `retryd check` prints the effective value.
///
/// A key has no default of its own: the default is whatever the module's settings struct starts with, so it is
/// written once, beside the field.
struct SettingKey<Settings>: Sendable {
    /// Reads a value onto the settings; values to keep out of logs go to `secrets`.
    typealias Reader = @Sendable (ValueReader, inout Settings, inout [String]) throws(ConfigError) -> Void

    /// The key as written in the file.
    let name: String
    /// Reads the key's value; nil for keys the section reads itself (those it needs to create the settings, and
    /// tables with rules of their own).
    let read: Reader?
    /// The effective value as `retryd check` prints it; nil when `check` describes it in a sentence of its own.
    let show: (@Sendable (Settings) -> String)?
    /// Whether a vendor preset may set it too (the file's value wins).
    let presettable: Bool

    /// A key with its own reader and printer.
    init(_ name: String, presettable: Bool = false, show: (@Sendable (Settings) -> String)? = nil, read: Reader?) {
        self.name = name
        self.read = read
        self.show = show
        self.presettable = presettable
    }

    /// A key stored in `field`: `parse` turns its value into the field's, `format` prints it for `retryd check`.
    static func field<Value>(
        _ name: String, _ field: any WritableKeyPath<Settings, Value> & Sendable, presettable: Bool = false,
        format: (@Sendable (Value) -> String)? = nil,
        parse: @escaping @Sendable (ValueReader) throws(ConfigError) -> Value
    ) -> SettingKey {
        var show: (@Sendable (Settings) -> String)?
        if let format { show = { settings in format(settings[keyPath: field]) } }
        let read: Reader = { (value: ValueReader, settings: inout Settings, _: inout [String]) throws(ConfigError) in
            settings[keyPath: field] = try parse(value)
        }
        return SettingKey(name, presettable: presettable, show: show, read: read)
    }

    /// A key the section reads itself, listed so that it is known, suggested and shown.
    static func structural(_ name: String, presettable: Bool = false, show: (@Sendable (Settings) -> String)? = nil)
        -> SettingKey
    {
        SettingKey(name, presettable: presettable, show: show, read: nil)
    }

    /// The effective value as `retryd check` prints it, or "" for keys it describes elsewhere.
    func shown(in settings: Settings) -> String {
        show?(settings) ?? ""
    }
}
