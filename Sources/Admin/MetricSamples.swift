/// One line of the Prometheus text exposition: a series' name, its labels and its value.
package struct MetricSample: Sendable, Equatable {
    /// The series name, e.g. `retryd_requests_total` or `retryd_upstream_latency_seconds_bucket`.
    package var name: String
    /// The labels, unescaped.
    package var labels: [String: String]
    /// The value (`+Inf` and `NaN` included).
    package var value: Double

    /// Creates a sample.
    package init(name: String, labels: [String: String], value: Double) {
        self.name = name
        self.labels = labels
        self.value = value
    }
}

/// The samples of a Prometheus text exposition (version 0.0.4), read back from `/metrics`' own bytes.
///
/// The status page reads the registry this way because swift-prometheus keeps its values behind `emit` only: the page
/// then shows exactly what a scrape would, and nothing is counted a second time beside the metrics.
package struct MetricSamples: Sendable, Equatable {
    /// Every sample kept, in exposition order.
    package private(set) var samples: [MetricSample] = []

    /// Parses `exposition`, keeping only the series named in `names` (every series when nil); comment lines and lines
    /// that do not parse are skipped.
    package init(exposition: [UInt8], names: Set<String>? = nil) {
        var start = 0
        while start < exposition.count {
            let end = exposition[start...].firstIndex(of: UInt8(ascii: "\n")) ?? exposition.count
            if end > start, exposition[start] != UInt8(ascii: "#"),
                let sample = Self.sample(exposition[start..<end], names: names)
            {
                samples.append(sample)
            }
            start = end + 1
        }
    }

    /// The samples named `name` whose `upstream` label is `upstream`.
    package func named(_ name: String, upstream: String) -> [MetricSample] {
        samples.filter { $0.name == name && $0.labels["upstream"] == upstream }
    }

    /// One line: `name{label="value",...} value [timestamp]` or `name value [timestamp]`.
    private static func sample(_ line: ArraySlice<UInt8>, names: Set<String>?) -> MetricSample? {
        guard let nameEnd = line.firstIndex(where: { $0 == UInt8(ascii: "{") || $0 == UInt8(ascii: " ") }) else {
            return nil
        }
        let name = String(decoding: line[..<nameEnd], as: UTF8.self)
        if let names, !names.contains(name) { return nil }
        var index = nameEnd
        var labels: [String: String] = [:]
        if line[index] == UInt8(ascii: "{") {
            guard let parsed = Self.labels(line, from: &index) else { return nil }
            labels = parsed
        }
        let valueStart = line[index...].firstIndex { $0 != UInt8(ascii: " ") } ?? line.endIndex
        let valueEnd = line[valueStart...].firstIndex(of: UInt8(ascii: " ")) ?? line.endIndex
        guard let value = number(String(decoding: line[valueStart..<valueEnd], as: UTF8.self)) else { return nil }
        return MetricSample(name: name, labels: labels, value: value)
    }

    /// `{key="value",...}` from `index` (at the brace), unescaping `\\`, `\"` and `\n`; leaves `index` past `}`.
    private static func labels(_ line: ArraySlice<UInt8>, from index: inout Int) -> [String: String]? {
        var labels: [String: String] = [:]
        index += 1
        while index < line.endIndex, line[index] != UInt8(ascii: "}") {
            guard let equals = line[index...].firstIndex(of: UInt8(ascii: "=")), equals + 1 < line.endIndex,
                line[equals + 1] == UInt8(ascii: "\"")
            else { return nil }
            let key = String(decoding: line[index..<equals], as: UTF8.self)
            var value: [UInt8] = []
            index = equals + 2
            while index < line.endIndex, line[index] != UInt8(ascii: "\"") {
                if line[index] == UInt8(ascii: "\\"), index + 1 < line.endIndex {
                    index += 1
                    value.append(line[index] == UInt8(ascii: "n") ? UInt8(ascii: "\n") : line[index])
                } else {
                    value.append(line[index])
                }
                index += 1
            }
            guard index < line.endIndex else { return nil }
            labels[key] = String(decoding: value, as: UTF8.self)
            index += 1
            if index < line.endIndex, line[index] == UInt8(ascii: ",") { index += 1 }
        }
        guard index < line.endIndex else { return nil }
        index += 1
        return labels
    }

    /// A sample value or an `le` bound: a decimal, `+Inf`, `-Inf` or `NaN`.
    package static func number(_ text: String) -> Double? {
        switch text {
        case "+Inf": .infinity
        case "-Inf": -.infinity
        case "NaN": .nan
        default: Double(text)
        }
    }
}
