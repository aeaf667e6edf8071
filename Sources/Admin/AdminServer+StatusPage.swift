extension AdminServer {
    /// The status page now, without the journal's give-ups (those are read off the loop); on the loop thread, since
    /// it reads `/status`'s sources and moves the rate window on.
    func statusPage(query: String) -> StatusPage {
        let now = loop.now
        let samples = MetricSamples(exposition: metrics.exposition(), names: UpstreamFigures.seriesNames)
        let figures = UpstreamFigures.byUpstream(samples)
        let baseline = figureWindow.advance(to: figures, at: now)
        return StatusPage(
            report: status(.nanoseconds(now - startedAt), readiness()), figures: figures, baseline: baseline,
            loopNow: now, wallClock: wallClock(), transitions: breakerHistory.recent,
            refreshSeconds: StatusPage.refreshSeconds(query: query))
    }
}
