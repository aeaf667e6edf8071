import Foundation
import Logging

/// One line retryd logged during the demo, and what the tour's "why" column reads from it.
struct DemoLogEntry: Sendable, Equatable {
    /// What the line says about retrying.
    enum Event: Sendable, Equatable {
        /// retryd is about to wait and retry: `reason` is its label ("503", "429", "no response").
        case retry(reason: String, wait: String)
        /// retryd stopped retrying and gave the client what it had: `reason` as logged ("not safe to retry").
        case giveUp(reason: String)
        /// Anything else.
        case other
    }

    /// The level it was logged at.
    var level: Logger.Level
    /// The message text.
    var message: String
    /// Whether this is the line retryd writes once per finished exchange (it alone carries `attempts` metadata).
    var endsExchange: Bool

    /// The retry event the message describes, read from the wording of Exchange's log lines.
    var event: Event {
        if message.hasPrefix("retrying "), let reason = Self.retryReason(in: message) {
            let wait = message.range(of: ", waiting ").map { String(message[$0.upperBound...]) } ?? ""
            return .retry(reason: reason, wait: wait)
        }
        if message.hasPrefix("retry gave up "), let reason = Self.logfmtValue(named: "reason", in: message) {
            return .giveUp(reason: reason)
        }
        return .other
    }

    /// "503" from "retrying GET /x after 503 (attempt 1 of 5), waiting 150ms".
    static func retryReason(in message: String) -> String? {
        guard let attempt = message.range(of: " (attempt ") else { return nil }
        let head = message[..<attempt.lowerBound]
        guard let after = head.range(of: " after ", options: .backwards) else { return nil }
        return String(head[after.upperBound...])
    }

    /// The value of `name=` in a logfmt line, unquoted: bare up to a space, or quoted with `\"` escapes.
    static func logfmtValue(named name: String, in line: String) -> String? {
        guard let key = line.range(of: " \(name)=") else { return nil }
        let rest = line[key.upperBound...]
        guard rest.first == "\"" else { return String(rest.prefix { $0 != " " }) }
        var value = ""
        var escaped = false
        for character in rest.dropFirst() {
            if escaped {
                value.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                return value
            } else {
                value.append(character)
            }
        }
        return nil
    }
}
