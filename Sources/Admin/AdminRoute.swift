/// What an admin request asks for; pure, so routing is tested without sockets.
package enum AdminRoute: Sendable, Equatable {
    /// `/`: the HTML status page; carries the query (`refresh=`).
    case page(query: String)
    /// `/healthz`: the process is alive and its loop turns.
    case health
    /// `/readyz`: listeners bound and configuration loaded.
    case readiness
    /// `/metrics`: the Prometheus exposition.
    case metrics
    /// `/status`: upstreams, policies and in-flight counts as JSON.
    case status
    /// `/giveups?since=&upstream=&limit=`: the journal's give-ups, one JSON object per line; carries the query.
    case giveUps(query: String)
    /// A known path with a method other than GET or HEAD.
    case methodNotAllowed
    /// Any other path.
    case notFound

    /// The methods every admin endpoint accepts, as sent in `Allow`.
    package static let allowedMethods = "GET, HEAD"

    /// Routes a request by method and target; only `/` and `/giveups` read the query, so `/metrics?x=1` is
    /// `/metrics`, and an absolute-form target (`http://host/metrics`, RFC 9112 §3.2.2) counts by its path.
    package init(method: String, target: String) {
        var path = target.prefix { $0 != "?" && $0 != "#" }
        if let schemeEnd = path.firstRange(of: "://"), !path.hasPrefix("/") {
            let afterScheme = path[schemeEnd.upperBound...]
            path = afterScheme.firstIndex(of: "/").map { afterScheme[$0...] } ?? "/"
        }
        let route: AdminRoute
        let query = target.firstIndex(of: "?").map { String(target[$0...].dropFirst()) } ?? ""
        switch path {
        case "/": route = .page(query: query)
        case "/healthz": route = .health
        case "/readyz": route = .readiness
        case "/metrics": route = .metrics
        case "/status": route = .status
        case "/giveups": route = .giveUps(query: query)
        default:
            self = .notFound
            return
        }
        self = method == "GET" || method == "HEAD" ? route : .methodNotAllowed
    }
}
