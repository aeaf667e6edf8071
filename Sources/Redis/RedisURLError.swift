/// What is wrong with a Redis URL, worded for someone fixing a config file. Never contains the password.
package enum RedisURLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text does not start with `redis://` or `unix://`.
    case unsupportedScheme(String)
    /// `redis://` without a host name or address.
    case missingHost
    /// The port is not a number from 1 to 65535.
    case invalidPort(String)
    /// The database is not a non-negative number.
    case invalidDatabase(String)
    /// `unix://` without an absolute socket path.
    case missingSocketPath
    /// A `%` escape in the user name or password is not two hex digits.
    case invalidPercentEncoding(part: String)
    /// A query parameter other than `db`.
    case unknownParameter(String)
    /// The database is given both in the path and as `?db=`.
    case conflictingDatabase
    /// User information without the `:` that starts the password (`redis://user@host`).
    case missingPasswordSeparator
    /// A character that cannot appear in this part of the URL.
    case invalidCharacter(part: String)

    /// The problem as one sentence.
    package var description: String {
        switch self {
        case .unsupportedScheme(let scheme):
            "Redis URL scheme \"\(scheme)\" is not supported: use redis://host[:port][/db] or unix:///path[?db=N]"
                + (scheme.lowercased() == "rediss" ? " (TLS is not supported)" : "")
        case .missingHost:
            "Redis URL has no host: use redis://host[:port][/db]"
        case .invalidPort(let port):
            "Redis URL port \"\(port)\" is not a number from 1 to 65535"
        case .invalidDatabase(let database):
            "Redis URL database \"\(database)\" is not a non-negative number"
        case .missingSocketPath:
            "Redis URL has no socket path: use unix:///absolute/path.sock"
        case .invalidPercentEncoding(let part):
            "Redis URL \(part) has a % that is not followed by two hex digits"
        case .unknownParameter(let name):
            "Redis URL parameter \"\(name)\" is not known: only db=N is"
        case .conflictingDatabase:
            "Redis URL gives the database twice, in the path and as ?db="
        case .missingPasswordSeparator:
            "Redis URL user information needs a ':' before the password: redis://[user]:password@host"
        case .invalidCharacter(let part):
            "Redis URL \(part) contains a character that is not allowed there (spaces, '/', '?', '#' or '@')"
        }
    }
}
