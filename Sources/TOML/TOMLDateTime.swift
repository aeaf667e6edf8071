/// A TOML date, time or date-time, kept as its components and its text.
///
/// There is deliberately no conversion to a point in time: that needs a calendar (and so Foundation), and a
/// configuration file that wants an instant can say so in its own terms.
public struct TOMLDateTime: Hashable, Sendable, CustomStringConvertible {
    /// Which of TOML's four date and time types this is.
    public enum Kind: Hashable, Sendable {
        /// A date, a time and an offset from UTC: `1979-05-27T07:32:00Z`.
        case offsetDateTime
        /// A date and a time without an offset: `1979-05-27T07:32:00`.
        case localDateTime
        /// A date alone: `1979-05-27`.
        case localDate
        /// A time alone: `07:32:00`.
        case localTime
    }

    /// A calendar date.
    public struct Date: Hashable, Sendable {
        /// The year, 0...9999.
        public var year: Int
        /// The month, 1...12.
        public var month: Int
        /// The day of the month, 1...31 (checked against the month and leap years).
        public var day: Int

        /// Creates a date.
        public init(year: Int, month: Int, day: Int) {
            self.year = year
            self.month = month
            self.day = day
        }
    }

    /// A time of day.
    public struct Time: Hashable, Sendable {
        /// The hour, 0...23.
        public var hour: Int
        /// The minute, 0...59.
        public var minute: Int
        /// The second, 0...60 (60 for a leap second, as RFC 3339 allows).
        public var second: Int
        /// The fraction of the second in nanoseconds; digits beyond the ninth are dropped, as TOML allows.
        public var nanosecond: Int

        /// Creates a time.
        public init(hour: Int, minute: Int, second: Int, nanosecond: Int = 0) {
            self.hour = hour
            self.minute = minute
            self.second = second
            self.nanosecond = nanosecond
        }
    }

    /// The date, absent for a local time.
    public var date: Date?
    /// The time, absent for a local date.
    public var time: Time?
    /// The offset from UTC in minutes (`Z` is 0), present only for an offset date-time.
    public var offsetMinutes: Int?
    /// The value exactly as written, for messages and for anyone who wants to hand it to a date library.
    public var text: String

    /// Creates a value; the parser checks that the components agree with `text`.
    public init(date: Date?, time: Time?, offsetMinutes: Int?, text: String) {
        self.date = date
        self.time = time
        self.offsetMinutes = offsetMinutes
        self.text = text
    }

    /// Which kind of value this is, from the components present.
    public var kind: Kind {
        switch (date, time, offsetMinutes) {
        case (.some, .some, .some): .offsetDateTime
        case (.some, .some, nil): .localDateTime
        case (.some, nil, _): .localDate
        default: .localTime
        }
    }

    /// The text as written.
    public var description: String { text }
}
