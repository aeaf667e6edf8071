/// When a transport failure happened relative to sending the request.
package enum TransportFailureKind: Sendable, Equatable {
    /// Before the request could have been sent (DNS, connection refused, connect timeout, TLS handshake).
    case unsent
    /// After sending began (reset, empty reply, attempt timeout, cut-off headers): the upstream may have acted.
    case maybeProcessed
}

/// An attempt that ended without an upstream response.
package struct TransportFailure: Sendable, Equatable {
    /// Whether the request could have reached the upstream.
    package var kind: TransportFailureKind
    /// Whether the failure was a timeout; a give-up then answers 504 rather than 502.
    package var isTimeout: Bool
    /// A short human-readable cause for logs, e.g. "connection refused".
    package var message: String
    /// Whether the upstream did answer, but not with a complete, valid response head (cut off, malformed): a give-up
    /// then names a bad response rather than an unreachable upstream.
    package var isBadResponse: Bool

    /// Creates a failure description.
    package init(kind: TransportFailureKind, isTimeout: Bool = false, isBadResponse: Bool = false, message: String) {
        self.kind = kind
        self.isTimeout = isTimeout
        self.isBadResponse = isBadResponse
        self.message = message
    }
}

/// How one attempt ended.
package enum AttemptOutcome: Sendable {
    /// The upstream answered with a status line and headers.
    case response(status: Int, headers: [(name: String, value: String)])
    /// No response arrived.
    case failure(TransportFailure)

    /// A short label for logs: the status ("503") or the failure message ("connection refused").
    package var summary: String {
        switch self {
        case .response(let status, _): String(status)
        case .failure(let failure): failure.message
        }
    }
}

extension AttemptOutcome: Equatable {
    /// Outcomes are equal when status and headers (in order) or failures are equal.
    package static func == (lhs: AttemptOutcome, rhs: AttemptOutcome) -> Bool {
        switch (lhs, rhs) {
        case (.response(let lhsStatus, let lhsHeaders), .response(let rhsStatus, let rhsHeaders)):
            lhsStatus == rhsStatus && lhsHeaders.elementsEqual(rhsHeaders) { $0 == $1 }
        case (.failure(let lhsFailure), .failure(let rhsFailure)):
            lhsFailure == rhsFailure
        default:
            false
        }
    }
}
