/// Renders the tour's rows as an aligned plain-text table with a short legend.
enum DemoTable {
    /// The column titles.
    static let titles = ["request", "vendor answered", "waited (why)", "client got"]

    /// The table: titles, a rule, then one line per row, columns padded to their widest cell.
    static func render(_ rows: [DemoRow]) -> String {
        let cells = [titles] + rows.map { [$0.request, $0.answeredText, $0.waitedText, $0.clientText] }
        let widths = titles.indices.map { column in cells.map { $0[column].count }.max() ?? 0 }
        func line(_ values: [String]) -> String {
            let padded = values.enumerated().map { column, value in
                column == values.count - 1 ? value : value + String(repeating: " ", count: widths[column] - value.count)
            }
            return padded.joined(separator: "  ")
        }
        let rule = line(widths.map { String(repeating: "-", count: $0) })
        return ([line(titles), rule] + rows.map { line([$0.request, $0.answeredText, $0.waitedText, $0.clientText]) })
            .joined(separator: "\n") + "\n"
    }

    /// What the columns mean, for someone who has not read the configuration.
    static let legend = """

        vendor answered  the vendor's answer to each attempt retryd made; "reset": the connection was reset, no answer;
                         "probe": retryd asked the encoding's status before sending a start again.
        waited (why)     the pause before each retry as the vendor saw it, and retryd's reason: backoff from 200ms,
                         doubling, with jitter, after a 5xx or no response; the announced wait after a 429; a fixed
                         300ms under the task rule, which also retries 404 while a new task becomes visible.
                         A 504 to a POST is not retried unless it has an Idempotency-Key (the application's, or one
                         retryd adds under a rule): the vendor may have acted. Under a verify rule (Bitmovin's
                         encoding start) retryd probes the status first: started means 202 to the client and no
                         second start; still CREATED means it is sent again.
        client got       the status the application received, and retryd's X-Retryd-Attempts header.
        The last row sends its requests together to an endpoint that allows 4 a second: the quota headers on each
        answer tell retryd how many are left, and it holds the rest at the upstream's gate instead of letting the
        vendor answer 429.

        """
}
