extension AdminServer {
    /// The complete response for `route`, computed now.
    package func response(for route: AdminRoute) -> AdminResponse {
        switch route {
        case .page(let query):
            return statusPage(query: query).response
        case .health:
            return .json(status: 200, ["status": "ok"])
        case .readiness:
            return readiness() ? .json(status: 200, ["status": "ready"]) : .json(status: 503, ["status": "not_ready"])
        case .metrics:
            return AdminResponse(
                status: 200, contentType: AdminResponse.prometheusContentType, body: metrics.exposition())
        case .status:
            return .json(status: 200, status(.nanoseconds(loop.now - startedAt), readiness()))
        case .giveUps:
            // Answered off the loop by ``giveUps`` when a journal is configured; here only without one.
            return .error(
                status: 404, code: "no_journal", detail: "this retryd runs without a journal (no state_dir)")
        case .methodNotAllowed:
            return .error(
                status: 405, code: "method_not_allowed", detail: "admin endpoints answer GET and HEAD only",
                extraHeaders: [("Allow", AdminRoute.allowedMethods)])
        case .notFound:
            return .error(
                status: 404, code: "not_found",
                detail: "admin endpoints are /, /healthz, /readyz, /metrics, /status and /giveups")
        }
    }
}
