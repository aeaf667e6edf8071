import Loop

/// Pub/sub on a connection of its own (a subscribed Redis connection runs no other commands), which reconnects by
/// itself and subscribes again to every channel after each reconnect.
///
/// A quiet subscribed connection says nothing, so the subscriber probes it: every
/// ``RedisClientOptions/probeInterval`` it subscribes again to a channel of its own, and a confirmation missing
/// for ``RedisClientOptions/unresponsiveAfter`` counts the connection as dead. (hiredis 0.14 drops the reply to
/// `PING` on a subscribed connection, so `PING` cannot be the probe.)
///
/// Loop thread only, creation and release included.
package final class RedisSubscriber {
    /// The channel the probe subscribes to; nothing is published on it.
    package static let probeChannel = Array("retryd:redis:probe".utf8)

    let driver: ConnectionDriver
    private var handlers: [[UInt8]: ([UInt8]) -> Void] = [:]
    private var probeTimer: LoopTimer!
    private var probeSentAt: Int64?
    private var userStateChange: ((RedisConnectionState) -> Void)?

    /// Creates a subscriber for `url`; nothing happens until ``connect()``.
    /// - Parameter random: the source of reconnect jitter (pass a seeded one in tests).
    package init(
        url: RedisURL, loop: EventLoop, options: RedisClientOptions = .init(),
        random: some RandomNumberGenerator = SystemRandomNumberGenerator()
    ) {
        driver = ConnectionDriver(url: url, loop: loop, options: options, random: random)
        probeTimer = LoopTimer { [unowned self] in probeDue() }
        driver.onReady = { [unowned self] in subscribeAll() }
        driver.onSubscriptionReply = { [unowned self] in received($0) }
        driver.onStateChange = { [unowned self] state in
            if state != .connected {
                driver.loop.cancel(probeTimer)
                probeSentAt = nil
            }
            userStateChange?(state)
        }
    }

    deinit {
        // The driver's callbacks hold this subscriber unowned: none may run while it is being destroyed.
        driver.onStateChange = nil
        driver.onReady = nil
        driver.onSubscriptionReply = nil
        driver.close()
        driver.loop.cancel(probeTimer)
    }

    /// What the connection is doing now.
    package var state: RedisConnectionState { driver.state }

    /// Why the last connection attempt or connection failed.
    package var lastError: RedisError? { driver.lastError }

    /// Called on the loop whenever ``state`` changes.
    package var onStateChange: ((RedisConnectionState) -> Void)? {
        get { userStateChange }
        set { userStateChange = newValue }
    }

    /// The channels subscribed to (whether or not the server has confirmed them yet).
    package var channels: [[UInt8]] { Array(handlers.keys) }

    /// Starts connecting in the background; harmless when already started.
    package func connect() {
        driver.start()
    }

    /// Delivers every message published on `channel` to `onMessage`, on the loop, from now on and after every
    /// reconnect; subscribing again to the same channel replaces the handler. Messages published while
    /// disconnected are lost (pub/sub keeps no history).
    package func subscribe(channel: [UInt8], onMessage: @escaping ([UInt8]) -> Void) {
        guard handlers.updateValue(onMessage, forKey: channel) == nil else { return }
        _ = driver.sendSubscription(ArgumentList([Array("SUBSCRIBE".utf8), channel]))
    }

    /// Subscribes to a channel named by text; otherwise as the byte-array `subscribe`.
    package func subscribe(channel: String, onMessage: @escaping ([UInt8]) -> Void) {
        subscribe(channel: Array(channel.utf8), onMessage: onMessage)
    }

    /// Stops delivering `channel`'s messages; harmless when not subscribed.
    package func unsubscribe(channel: [UInt8]) {
        guard handlers.removeValue(forKey: channel) != nil else { return }
        _ = driver.sendSubscription(ArgumentList([Array("UNSUBSCRIBE".utf8), channel]))
    }

    /// Closes the connection for good.
    package func close() {
        driver.close()
        driver.loop.cancel(probeTimer)
    }

    private func subscribeAll() {
        for channel in handlers.keys {
            _ = driver.sendSubscription(ArgumentList([Array("SUBSCRIBE".utf8), channel]))
        }
        sendProbe()
    }

    private func sendProbe() {
        guard driver.sendSubscription(ArgumentList([Array("SUBSCRIBE".utf8), Self.probeChannel])) else { return }
        probeSentAt = driver.loop.now
        driver.loop.schedule(probeTimer, after: driver.options.unresponsiveAfter)
    }

    private func probeDue() {
        guard probeSentAt == nil else {
            driver.connectionIsUnresponsive("no reply to a probe for \(driver.options.unresponsiveAfter)")
            return
        }
        sendProbe()
    }

    private func received(_ value: RedisValue) {
        guard case .array(let parts) = value, parts.count >= 3, let kind = parts[0].text, let channel = parts[1].bytes
        else { return }
        switch kind {
        case "message":
            if let payload = parts[2].bytes, let handler = handlers[channel] { handler(payload) }
        case "subscribe" where channel == Self.probeChannel:
            probeSentAt = nil
            driver.loop.schedule(probeTimer, after: driver.options.probeInterval)
        default:
            break
        }
    }
}
