/// Picks the retry policy for a request: the first matching endpoint rule wins, else the upstream's policy.
package struct PolicySelector: Sendable, Equatable {
    /// The upstream's policy, used when no rule matches.
    package var base: RetryPolicy
    /// Endpoint rules in configuration order.
    package var rules: [EndpointRule]

    /// Creates a selector.
    package init(base: RetryPolicy, rules: [EndpointRule]) {
        self.base = base
        self.rules = rules
    }

    /// The policy for `method` (compared case-sensitively, as HTTP methods are) and request `target`.
    /// - Parameter target: origin-form (`/v1/jobs?x=1`) or absolute-form (`http://host/v1/jobs`).
    package func policy(method: String, target: String) -> RetryPolicy {
        rule(method: method, target: target)?.policy ?? base
    }

    /// The first rule matching `method` and `target`, or nil when the upstream's own policy applies.
    package func rule(method: String, target: String) -> EndpointRule? {
        let path = Self.path(of: target)
        return rules.first { rule in
            (rule.methods?.contains(method) ?? true) && (rule.path?.matches(path) ?? true)
        }
    }

    /// The path part of a request target; absolute-form loses its scheme and authority.
    package static func path(of target: String) -> String {
        // Origin-form is what clients send: answer it before searching for a scheme.
        guard !target.hasPrefix("/"), let schemeEnd = target.firstRange(of: "://") else {
            return target
        }
        let afterAuthority = target[schemeEnd.upperBound...]
        guard let slash = afterAuthority.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) else { return "/" }
        return afterAuthority[slash] == "/" ? String(afterAuthority[slash...]) : "/" + afterAuthority[slash...]
    }
}
