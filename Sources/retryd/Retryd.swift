import ArgumentParser

/// The `retryd` command: a retrying reverse proxy in front of vendor APIs.
@main
struct Retryd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retryd",
        abstract: "A localhost reverse proxy that retries vendor API calls the way the vendors' docs ask.",
        version: RetrydVersion.string,
        subcommands: [Run.self, Check.self, GiveUps.self, CA.self, Demo.self],
        defaultSubcommand: Run.self
    )
}

/// The version printed by `--version`.
enum RetrydVersion {
    static let string = "0.1.0"
}
