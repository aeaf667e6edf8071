/// Where an upstream's settings came from: what `retryd check` shows beside each value. The proxy never needs it,
/// so it stays here, keyed by upstream name in ``RetrydConfig/provenance``.
package struct UpstreamProvenance: Sendable, Equatable {
    /// The vendor preset the policy starts from, if any.
    package var preset: String?
    /// Where each setting that is not a built-in default came from, by key (`retry.max_attempts`,
    /// `request_id_headers`…).
    package var origins: [String: ValueOrigin] = [:]
    /// Which rules came from the file and which from the preset, in the upstream's rule order.
    package var ruleOrigins: [ValueOrigin] = []

    /// Creates the provenance of an upstream that takes every setting from the built-in defaults.
    package init() {}
}
