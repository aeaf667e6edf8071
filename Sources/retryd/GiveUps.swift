import ArgumentParser
import Config
import FoundationEssentials
import Journal

#if canImport(Glibc)
    import Glibc
#endif

/// `retryd giveups`: the requests retryd failed (gave up on, or refused with its breaker, gate or budget), from the
/// journal, for a support ticket or a look at last night.
struct GiveUps: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "giveups",
        abstract: "Show the give-ups and refusals recorded in the journal, newest first.")

    @Option(name: .long, help: "The configuration file whose state_dir holds the journal.")
    var config: String?

    @Option(name: .long, help: "The directory holding journal.db (default: the configuration's state_dir).")
    var stateDir: String?

    @Option(name: .long, help: "Only give-ups this recent: 90s, 30m, 1h, 7d.")
    var since: String?

    @Option(name: .long, help: "Only this upstream's give-ups.")
    var upstream: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Only rows with these reason codes, separated by commas.",
            discussion: GiveUpQuery.reasonCodesHelp))
    var reason: String?

    @Option(name: .long, help: "Show at most this many (default \(GiveUpQuery.defaultLimit)).")
    var limit: Int?

    @Flag(
        name: .long, help: "The upstream events instead: breakers opening and closing, quota gates closing and opening."
    )
    var events = false

    @Flag(name: .long, help: "One JSON object per line, with every field.")
    var json = false

    func validate() throws {
        if config != nil && stateDir != nil { throw ValidationError("use either --config or --state-dir, not both") }
        if events && reason != nil { throw ValidationError("--reason picks give-ups and refusals, not --events") }
        if let limit, !(1...GiveUpQuery.maxLimit).contains(limit) {
            throw ValidationError("--limit must be from 1 to \(GiveUpQuery.maxLimit)")
        }
    }

    func run() throws {
        let directory = try resolveDirectory()
        let query: GiveUpQuery
        do throws(GiveUpQueryError) {
            query = try GiveUpQuery.parse(
                since: since, upstream: upstream, reason: reason, limit: limit.map(String.init),
                now: Date().timeIntervalSince1970)
        } catch {
            throw ValidationError("--\(error.message)")
        }
        do {
            // Read-only, beside a running retryd: WAL lets a reader in while the writer commits.
            let store = try JournalStore(readingIn: directory)
            if events {
                let entries = try store.events(matching: query)
                print(
                    json ? entries.map { $0.jsonLine + "\n" }.joined() : UpstreamEventEntry.table(entries),
                    terminator: "")
            } else {
                print(Self.render(try store.giveUps(matching: query), json: json), terminator: "")
            }
        } catch {
            Console.write("retryd: cannot read the journal in \(directory): \(error)\n", to: STDERR_FILENO)
            throw ExitCode.failure
        }
    }

    /// The output: the table, or one JSON object per line.
    static func render(_ entries: [GiveUpEntry], json: Bool) -> String {
        json ? entries.map { $0.jsonLine + "\n" }.joined() : GiveUpEntry.table(entries)
    }

    /// `--state-dir`, else the state_dir of `--config` (or of the file retryd would read), else the default.
    private func resolveDirectory() throws -> String {
        if let stateDir { return stateDir }
        let environment = ProcessInfo.processInfo.environment
        let source = ConfigLoader.resolveSource(
            flag: config, environment: environment, fileExists: { FileManager.default.fileExists(atPath: $0) })
        guard case .file(let path) = source else { return RetrydConfig.defaultStateDir }
        do {
            let loaded = try ConfigLoader.load(path: path, environment: environment)
            guard let directory = loaded.stateDir else {
                Console.write("retryd: \(path) sets state_dir = \"\": no journal\n", to: STDERR_FILENO)
                throw ExitCode.failure
            }
            return directory
        } catch let error as ConfigError {
            Console.write("retryd: \(error)\n", to: STDERR_FILENO)
            throw ExitCode(78)
        }
    }
}
