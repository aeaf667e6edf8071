import Foundation
import Logging
import Proxy
import Retry
import TestSupport

extension ProxyHarness {
    /// retryd in front of `upstream` with `RetryPolicy.quick()`; `configure` adjusts it further.
    static func quick(
        _ upstream: TestUpstream,
        logger: Logger = Logger(label: "retryd-test", factory: { _ in SwiftLogNoOpLogHandler() }),
        workers: Int = 1,
        configure: (inout UpstreamSettings, inout ProxyLimits) -> Void = { _, _ in }
    ) throws -> ProxyHarness {
        try quick(upstreamURL: upstream.baseURL, logger: logger, workers: workers, configure: configure)
    }

    /// retryd in front of `upstreamURL` with `RetryPolicy.quick()`; `configure` adjusts it further.
    static func quick(
        upstreamURL: String,
        logger: Logger = Logger(label: "retryd-test", factory: { _ in SwiftLogNoOpLogHandler() }),
        workers: Int = 1,
        configure: (inout UpstreamSettings, inout ProxyLimits) -> Void = { _, _ in }
    ) throws -> ProxyHarness {
        try ProxyHarness(upstreamURL: upstreamURL, logger: logger, workers: workers) { upstream, limits in
            upstream.retry = .quick()
            configure(&upstream, &limits)
        }
    }
}

/// Request and response pieces shared by the retry tests.
enum RetryFixture {
    /// A body that is not all one byte, so a replay that drops or reorders bytes shows.
    static func body(count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
    }

    /// An upstream whose first `failures` requests get `failure`, and every later one a 200 naming its index.
    static func upstream(failing failures: Int, with failure: UpstreamAction) throws -> TestUpstream {
        try TestUpstream(handler: { _, index in
            index < failures ? failure : .respond(status: 200, text: "ok \(index)")
        })
    }

    /// A response with this status and a body that names it, so the client can tell whose answer it got.
    static func status(_ status: Int, headers: [(String, String)] = []) -> UpstreamAction {
        .respond(status: status, headers: headers, text: "vendor says \(status)")
    }
}

extension RecordedRequest {
    /// Every value of the headers named `name` (case-insensitive), in order.
    func headers(named name: String) -> [String] {
        headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }
}
