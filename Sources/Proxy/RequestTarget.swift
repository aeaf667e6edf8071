/// Turns the client's request-target into the one sent upstream.
enum RequestTarget {
    /// The origin-form target for the upstream: absolute-form loses its scheme and authority (RFC 9112 §3.2.2),
    /// and the upstream's base path is prefixed. Returns nil for forms a reverse proxy cannot forward
    /// (authority-form, or anything not starting with "/" except "*").
    static func upstreamTarget(_ target: String, method: String, basePath: String) -> String? {
        var path = Substring(target)
        if target.hasPrefix("http://") || target.hasPrefix("https://") {
            let afterScheme = path[path.index(path.firstIndex(of: ":")!, offsetBy: 3)...]
            if let slash = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) {
                path = afterScheme[slash...]
                if path.first == "?" { path = "/" + path }
            } else {
                path = "/"
            }
        }
        if path == "*" {
            guard method == "OPTIONS" else { return nil }
            return basePath.isEmpty ? "*" : basePath
        }
        guard path.first == "/" else { return nil }
        return basePath + path
    }

    /// The path without its query, for rule matching and logs.
    static func path(of target: String) -> Substring {
        // Searched as bytes: a Character search walks grapheme clusters (5k instructions a request, in the access
        // log line alone). "?" is ASCII, so its byte index is a valid String index.
        if let query = target.utf8.firstIndex(of: UInt8(ascii: "?")) { return target[..<query] }
        return Substring(target)
    }
}
