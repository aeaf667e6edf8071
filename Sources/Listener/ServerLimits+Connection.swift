import ListenerCore
import Loop

extension ServerLimits {
    /// The limits a connection's state machine decides with, timeouts in the loop's nanoseconds.
    var connection: ConnectionLimits {
        ConnectionLimits(
            http: http, headerTimeout: headerTimeout.nanoseconds, idleTimeout: idleTimeout.nanoseconds,
            lingerTimeout: lingerTimeout.nanoseconds, outputHighWatermark: outputHighWatermark,
            outputLowWatermark: outputLowWatermark, maxBufferedInput: maxBufferedInput)
    }
}
