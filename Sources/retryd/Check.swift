import ArgumentParser
import Config
import FoundationEssentials
import Loop
import Proxy

/// `retryd check`: validates the configuration and prints each upstream's effective policy.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate the configuration and print the effective policy of each upstream and rule.")

    @OptionGroup var source: ConfigOptions

    func validate() throws {
        try source.validate()
    }

    func run() throws {
        let config = try source.load(environment: ProcessInfo.processInfo.environment)
        print(config.summary)
        let cpus = Sys.availableCPUs()
        print(
            config.workers.map { "workers: \($0) event loops" }
                ?? "workers: \(config.workerCount(availableCPUs: cpus)) event loops (one per CPU this process may use, within its cgroup quota)"
        )
        if let forward = config.proxy.forwardProxy {
            print(Self.forwardProxyLines(forward, routes: ForwardProxyRoutes(config.upstreams)))
        }
        let journal = Self.journalLine(config)
        print(journal.line)
        if let problem = journal.problem {
            // retryd would still serve, without a journal: a problem to fix, not a broken configuration.
            print("problem: \(problem); give-ups would not be journaled")
            throw ExitCode.failure
        }
        print("configuration OK")
    }
}

extension Check {
    /// The forward proxy's listener, CA and the authorities it intercepts.
    static func forwardProxyLines(_ forward: ForwardProxySettings, routes: ForwardProxyRoutes) -> String {
        ([
            "forward proxy: \(forward.listen), other hosts: \(forward.unknownHosts.rawValue), CA: \(forward.ca.certificatePath)"
        ]
            + routes.authorities.map { "  intercepts \($0.authority) -> upstream \($0.upstream)" }).joined(
                separator: "\n")
    }
}
