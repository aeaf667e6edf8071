import Retry

/// Requests one of an upstream's protections refused, summed per method and path with the first and last time:
/// what a webhook event says instead of one event per refused request.
///
/// Paths often carry ids (`/v1/jobs/8f2c`), so the distinct method and path pairs are bounded: past
/// ``maxEntries`` further pairs are only counted in ``others``. Each request is in the journal regardless.
package struct RefusalTally: Sendable, Equatable {
    /// The refusals of one method and path.
    package struct Entry: Sendable, Equatable {
        /// The request method.
        package var method: String
        /// The path, without its query.
        package var path: String
        /// Requests refused.
        package var count: Int
        /// When the first was refused, seconds since the epoch.
        package var first: Double
        /// When the last was refused, seconds since the epoch.
        package var last: Double

        /// Creates an entry.
        package init(method: String, path: String, count: Int, first: Double, last: Double) {
            self.method = method
            self.path = path
            self.count = count
            self.first = first
            self.last = last
        }
    }

    /// The most method and path pairs listed; a webhook body stays small however many ids the paths carry.
    package static let maxEntries = 50

    /// Requests refused in all.
    package private(set) var total = 0
    /// Requests refused whose method and path came after ``maxEntries`` others.
    package private(set) var others = 0
    /// Each method and path, in the order first refused.
    package private(set) var entries: [Entry] = []
    /// When the first request was refused, seconds since the epoch.
    package private(set) var first: Double?
    /// When the last request was refused, seconds since the epoch.
    package private(set) var last: Double?
    private var index: [String: Int] = [:]

    /// An empty tally.
    package init() {}

    /// Whether nothing was refused.
    package var isEmpty: Bool { total == 0 }

    /// Counts one refused request.
    package mutating func add(method: String, path: String, time: Double) {
        total += 1
        if first == nil { first = time }
        last = max(last ?? time, time)
        let key = method + " " + path
        if let position = index[key] {
            entries[position].count += 1
            entries[position].last = max(entries[position].last, time)
        } else if entries.count < Self.maxEntries {
            index[key] = entries.count
            entries.append(Entry(method: method, path: path, count: 1, first: time, last: time))
        } else {
            others += 1
        }
    }

    /// Counts the refused request `report` describes.
    package mutating func add(_ report: GiveUpReport) {
        add(method: report.method, path: report.path, time: report.time)
    }

    /// The JSON object members that describe the tally: `"refused":12,"refusedRequests":[{"method":"POST",
    /// "path":"/v1/jobs","count":12,"first":"…","last":"…"}]`, and `"refusedOther":N` when pairs were left out.
    package var jsonMembers: [String] {
        func time(_ seconds: Double) -> String { TextEscaping.jsonString(WallTime(epochSeconds: seconds).iso8601) }
        let objects = entries.map { entry in
            "{\"method\":\(TextEscaping.jsonString(entry.method)),\"path\":\(TextEscaping.jsonString(entry.path)),"
                + "\"count\":\(entry.count),\"first\":\(time(entry.first)),\"last\":\(time(entry.last))}"
        }
        var members = ["\"refused\":\(total)", "\"refusedRequests\":[\(objects.joined(separator: ","))]"]
        if others > 0 { members.append("\"refusedOther\":\(others)") }
        return members
    }
}
