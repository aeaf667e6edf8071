/// How retryd finds out whether a non-idempotent request that may have been processed was applied: a request of its
/// own (usually a GET of the resource's status) whose answer says "applied" or "not applied".
///
/// Bitmovin's guidance for a 504 on the encoding start is the model: check the encoding's status, and if it is still
/// `CREATED` the start did not happen and may be sent again; any other status means it did.
package struct VerifyProbe: Sendable, Equatable {
    /// What in the probe's answer tells "not applied" from "applied".
    package enum Judge: Sendable, Equatable {
        /// A field of the probe's 2xx JSON body: one of `notApplied` means not applied, any other value applied, a
        /// missing field nothing.
        case field(JSONField, notApplied: Set<String>)
        /// The probe's status alone: one of `notApplied` (say 404) means not applied, a 2xx applied.
        case status(notApplied: Set<Int>)
    }

    /// What the client gets when the probe says the request was applied.
    package enum OnApplied: String, Sendable, Equatable, CaseIterable {
        /// `202 Accepted` with the probe's body: a success the client can act on.
        case accepted
        /// The vendor's failure as it came, marked `X-Retryd-Verified: applied`.
        case original
    }

    /// The probe's method.
    package var method = "GET"
    /// The probe's path; `{1}` stands for what the rule path's first `*` matched, `{2}` for the second.
    package var path: String
    /// How its answer is read.
    package var judge: Judge
    /// Statuses of the original request that call for a probe (besides a reset or a timeout after sending).
    package var verifyOn: Set<Int> = [500, 502, 503, 504]
    /// The answer when the request was applied.
    package var onApplied = OnApplied.accepted

    /// Creates a probe.
    package init(method: String = "GET", path: String, judge: Judge) {
        self.method = method
        self.path = path
        self.judge = judge
    }

    /// The highest `{N}` in ``path`` (0 when there is none), or nil when a brace is not a `{N}` with N ≥ 1.
    package static func highestCapture(in template: String) -> Int? {
        var highest = 0
        var rest = Substring(template)
        while let open = rest.firstIndex(where: { $0 == "{" || $0 == "}" }) {
            guard rest[open] == "{", let close = rest[open...].firstIndex(of: "}"),
                let number = Int(rest[rest.index(after: open)..<close]), number >= 1
            else { return nil }
            highest = max(highest, number)
            rest = rest[rest.index(after: close)...]
        }
        return highest
    }

    /// ``path`` with each `{N}` replaced by capture N; nil when there are fewer captures than it needs.
    package func path(captures: [String]) -> String? {
        var result = ""
        var rest = Substring(path)
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}"),
                let number = Int(rest[rest.index(after: open)..<close]), (1...captures.count).contains(number)
            else { return nil }
            result += captures[number - 1]
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    /// What a probe's answer says; `nil` when it says nothing yet and the probe may be retried (a 5xx, a 429).
    package func verdict(status: Int, body: some Collection<UInt8>) -> ProbeVerdict? {
        let isSuccess = (200..<300).contains(status)
        switch judge {
        case .status(let notApplied):
            if notApplied.contains(status) { return .notApplied(String(status)) }
            if isSuccess { return .applied(String(status)) }
        case .field(let field, let notApplied):
            if isSuccess {
                guard let value = field.value(in: body) else { return .inconclusive("\(field) missing in the answer") }
                return notApplied.contains(value) ? .notApplied(value) : .applied(value)
            }
        }
        if status == 429 || status >= 500 { return nil }
        return .inconclusive("the probe was answered \(status)")
    }
}

/// What a probe found out.
package enum ProbeVerdict: Sendable, Equatable, CustomStringConvertible {
    /// The request took effect (the value or status that shows it).
    case applied(String)
    /// The request did not take effect and may be sent again.
    case notApplied(String)
    /// The probe could not tell (why).
    case inconclusive(String)

    /// The `X-Retryd-Verified` value: `applied`, `not-applied` or `unknown`.
    package var headerValue: String {
        switch self {
        case .applied: "applied"
        case .notApplied: "not-applied"
        case .inconclusive: "unknown"
        }
    }

    /// A short phrase for logs, e.g. `applied (RUNNING)`.
    package var description: String {
        switch self {
        case .applied(let evidence): "applied (\(evidence))"
        case .notApplied(let evidence): "not applied (\(evidence))"
        case .inconclusive(let why): "unknown (\(why))"
        }
    }
}
