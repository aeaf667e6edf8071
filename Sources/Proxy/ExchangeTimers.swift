import Loop

/// The timers of one loop's exchanges, lent out and taken back: each exchange needs one timer from its first attempt
/// to its end, and making one per request cost two allocations (the timer and its closure's context).
final class ExchangeTimers {
    /// One lendable timer, firing into the exchange it is lent to.
    final class Slot {
        /// The borrower, set only while lent. The timer is cancelled before the slot is taken back, so it never
        /// fires into an exchange that is gone; `unowned(unsafe)` because a weak reference would give every exchange
        /// a side table (an allocation) and `unowned` could not be cleared.
        unowned(unsafe) var exchange: Exchange?
        private(set) lazy var timer = LoopTimer { [unowned self] in self.exchange?.timerFired() }
    }

    private let loop: EventLoop
    private var free: [Slot] = []
    /// Kept for later at most: a burst's slots beyond this are let go.
    private static let keptAtMost = 1024

    init(loop: EventLoop) {
        self.loop = loop
    }

    /// A slot whose timer fires into `exchange` until it is taken back.
    func lend(to exchange: Exchange) -> Slot {
        let slot = free.popLast() ?? Slot()
        slot.exchange = exchange
        return slot
    }

    /// Cancels the slot's timer and keeps the slot for the next exchange.
    func takeBack(_ slot: Slot) {
        loop.cancel(slot.timer)
        slot.exchange = nil
        if free.count < Self.keptAtMost { free.append(slot) }
    }
}
