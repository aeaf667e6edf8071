import Proxy
import Retry

extension RetrydConfig {
    /// Each setting of an upstream's retry behaviour with its value and origin (default, preset or file), one a line.
    static func settings(of upstream: UpstreamSettings, provenance: UpstreamProvenance) -> [String] {
        let values =
            RetryKeys.table.keys.map { ("\(UpstreamKeys.retry.name).\($0.name)", $0.shown(in: upstream.retry)) }
            + UpstreamKeys.listedWithOrigin.map { ($0.name, $0.shown(in: upstream)) }
        let width = values.map(\.0.count).max() ?? 0
        return values.map { key, value in
            let origin = provenance.origins[key] ?? .builtIn
            return key + String(repeating: " ", count: width - key.count) + " = \(value)  (\(origin))"
        }
    }

    /// One line saying how a rule's probe decides.
    static func describe(_ verify: VerifyProbe) -> String {
        let judged: String
        switch verify.judge {
        case .field(let field, let notApplied):
            judged = "\(field) in [\(notApplied.sorted().joined(separator: ", "))] means not applied"
        case .status(let notApplied):
            judged = "status \(statuses(notApplied)) means not applied, 2xx applied"
        }
        let answer = verify.onApplied == .accepted ? "202 with the probe's body" : "the vendor's failure"
        return "verify on \(statuses(verify.verifyOn)) or no response: \(verify.method) \(verify.path); \(judged);"
            + " applied answers \(answer)"
    }
}
