/// The series selectors a PromQL expression names: each metric and the labels its matchers use.
///
/// Enough of PromQL's lexical rules to tell a metric from what looks like one: strings, range and subquery brackets
/// (`[5m]`, `[$__rate_interval]`), numbers and durations are skipped; an identifier followed by `(` is a function;
/// so is an aggregation's (`sum by (le) (...)`); the parenthesised lists after `by`, `without`, `on`, `ignoring`,
/// `group_left` and `group_right` are label names; operators' keywords are keywords. Every other identifier is a
/// metric name.
struct PromQLSelector: Hashable, CustomStringConvertible {
    var metric: String
    var labels: Set<String>

    var description: String { labels.isEmpty ? metric : "\(metric){\(labels.sorted().joined(separator: ","))}" }

    static let keywords: Set<String> = ["and", "or", "unless", "bool", "offset", "atan2", "inf", "nan"]
    /// Operators that may put their `by (...)` between their name and their `(`.
    static let aggregations: Set<String> = [
        "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk", "quantile",
    ]
    static let labelListKeywords: Set<String> = ["by", "without", "on", "ignoring", "group_left", "group_right"]

    /// The selectors `expression` names; a Grafana `label_values(selector, label)` query names its selector.
    static func all(in expression: String) -> [PromQLSelector] {
        var text = Array(expression.unicodeScalars)
        if expression.hasPrefix("label_values("), let comma = text.lastIndex(of: ",") {
            text = Array(text[13..<comma])
        } else if expression.hasPrefix("label_values(") {
            return []  // label_values(label): names no metric
        }
        var scanner = Scanner(text: text)
        return scanner.selectors()
    }

    private struct Scanner {
        let text: [Unicode.Scalar]
        var index = 0

        init(text: [Unicode.Scalar]) {
            self.text = text
        }

        var current: Unicode.Scalar? { index < text.count ? text[index] : nil }

        static func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
            scalar == "_" || scalar == ":" || (scalar.isASCII && scalar.properties.isAlphabetic)
        }

        static func isIdentifierPart(_ scalar: Unicode.Scalar) -> Bool {
            isIdentifierStart(scalar) || ("0"..."9").contains(scalar)
        }

        mutating func selectors() -> [PromQLSelector] {
            var found: [PromQLSelector] = []
            while let scalar = current {
                switch scalar {
                case "\"", "'", "`": skipString()
                case "[": skip(to: "]")
                case "{": _ = matcherLabels()  // a selector without a metric name: {__name__=~"..."}
                case "0"..."9", ".": skipNumber()
                case _ where Self.isIdentifierStart(scalar):
                    let word = identifier()
                    skipSpaces()
                    if PromQLSelector.labelListKeywords.contains(word), current == "(" {
                        skip(to: ")")
                    } else if current == "(" || PromQLSelector.aggregations.contains(word)
                        || PromQLSelector.keywords.contains(word.lowercased())
                    {
                        continue  // a function's or an aggregation's name, or an operator
                    } else {
                        let labels = current == "{" ? matcherLabels() : []
                        found.append(PromQLSelector(metric: word, labels: labels))
                    }
                default: index += 1
                }
            }
            return found
        }

        mutating func identifier() -> String {
            var word = ""
            while let scalar = current, Self.isIdentifierPart(scalar) {
                word.unicodeScalars.append(scalar)
                index += 1
            }
            return word
        }

        mutating func skipSpaces() {
            while let scalar = current, scalar.properties.isWhitespace { index += 1 }
        }

        /// Digits, a fraction, an exponent or a duration's units: `0.99`, `1e3`, `5m`, `1h30m`.
        mutating func skipNumber() {
            while let scalar = current, Self.isIdentifierPart(scalar) || scalar == "." { index += 1 }
        }

        mutating func skipString() {
            let quote = text[index]
            index += 1
            while let scalar = current, scalar != quote {
                index += scalar == "\\" && quote != "`" ? 2 : 1
            }
            index += 1
        }

        mutating func skip(to closing: Unicode.Scalar) {
            while let scalar = current, scalar != closing {
                if scalar == "\"" || scalar == "'" { skipString() } else { index += 1 }
            }
            index += 1
        }

        /// The label names of the matchers in `{...}`: each name before `=`, `!=`, `=~` or `!~`.
        mutating func matcherLabels() -> Set<String> {
            var labels: Set<String> = []
            index += 1
            while let scalar = current, scalar != "}" {
                if scalar == "\"" || scalar == "'" || scalar == "`" {
                    skipString()
                } else if Self.isIdentifierStart(scalar) {
                    labels.insert(identifier())
                } else {
                    index += 1
                }
            }
            index += 1
            return labels
        }
    }
}

/// What a `/metrics` exposition declares: each family's type, and the label names each series name carries.
struct ExpositionIndex {
    var types: [String: String] = [:]
    var seriesLabels: [String: Set<String>] = [:]

    /// Series Prometheus adds to every target; the exposition never holds them.
    static let scrapeSeries: Set<String> = ["up", "scrape_duration_seconds", "scrape_samples_scraped"]
    /// Labels Prometheus adds to every series from its target.
    static let targetLabels: Set<String> = ["job", "instance"]

    init(_ text: String) {
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 4, fields[0] == "#", fields[1] == "TYPE" {
                types[String(fields[2])] = String(fields[3])
            } else if !line.hasPrefix("#"), let name = fields.first?.split(separator: "{").first {
                var labels = seriesLabels[String(name), default: []]
                if let open = line.firstIndex(of: "{") {
                    let selector = PromQLSelector.all(in: "x" + line[open...]).first
                    labels.formUnion(selector?.labels ?? [])
                }
                seriesLabels[String(name)] = labels
            }
        }
    }

    /// Why `selector` names nothing this exposition exports, or nil when it does.
    func problem(with selector: PromQLSelector) -> String? {
        let name = selector.metric
        if Self.scrapeSeries.contains(name) { return nil }
        let histogramParts = ["_bucket", "_sum", "_count"]
        let family =
            types[name] != nil
            ? name
            : histogramParts.lazy.compactMap { suffix -> String? in
                guard name.hasSuffix(suffix) else { return nil }
                let base = String(name.dropLast(suffix.count))
                return types[base] == "histogram" ? base : nil
            }.first
        guard family != nil else { return "\(name) is not a metric /metrics exports" }
        if types[name] == "histogram" { return "\(name) is a histogram: name its _bucket, _sum or _count" }
        let unknown = selector.labels.subtracting(Self.targetLabels).subtracting(seriesLabels[name] ?? [])
        guard unknown.isEmpty else { return "\(name) has no label \(unknown.sorted().joined(separator: ", "))" }
        return nil
    }
}
