import Metrics
import Prometheus

/// The give-up journal's counters: `retryd_journal_{written,dropped,pruned,errors}_total`. Incremented from the
/// journal's writer thread; the registry's counters are thread-safe.
package final class JournalSeries: Sendable {
    /// One of the journal's totals.
    package enum Name: String, Sendable, CaseIterable {
        /// Give-ups committed to the journal.
        case written
        /// Give-ups not recorded: the hand-off to the writer was full, or the write failed.
        case dropped
        /// Rows deleted by retention (age or row count).
        case pruned
        /// Failed opens and writes of the journal (missing or read-only state_dir, full disk, corrupt file).
        case errors

        var help: String {
            switch self {
            case .written: "Give-ups written to the journal."
            case .dropped: "Give-ups not written to the journal: the hand-off was full or the write failed."
            case .pruned: "Journal rows deleted by retention (age or max_rows)."
            case .errors: "Failed opens and writes of the journal file; the proxy keeps serving."
            }
        }
    }

    private let counters: [Name: CoreMetrics.Counter]

    init(metrics: RetrydMetrics) {
        var counters: [Name: CoreMetrics.Counter] = [:]
        for name in Name.allCases {
            let descriptor = MetricNameDescriptor(
                namespace: "retryd", metricName: "journal_\(name.rawValue)", unitName: "total", helpText: name.help)
            let handler = metrics.registry.makeCounter(descriptor: descriptor, labels: [])
            counters[name] = CoreMetrics.Counter(
                label: descriptor.name, dimensions: [], handler: handler, factory: metrics.factory)
        }
        self.counters = counters
    }

    /// Adds `amount` to the total `name`.
    package func add(_ name: Name, _ amount: Int) {
        counters[name]?.increment(by: amount)
    }
}

extension RetrydMetrics {
    /// Creates the journal's counters at zero, so scrapes show them before the first give-up.
    package func makeJournalSeries() -> JournalSeries {
        JournalSeries(metrics: self)
    }
}
