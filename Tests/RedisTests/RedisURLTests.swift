import Testing

@testable import Redis

@Suite struct RedisURLTests {
    @Test func hostAloneTakesTheDefaultPortAndDatabase() throws {
        let url = try RedisURL(parsing: "redis://cache.internal")
        #expect(url.endpoint == .tcp(host: "cache.internal", port: 6379))
        #expect(url.database == 0)
        #expect(url.password == nil && url.username == nil)
    }

    @Test func everyPartIsRead() throws {
        let url = try RedisURL(parsing: "redis://quota:s3cr%40t@10.0.0.5:6380/4")
        #expect(url.endpoint == .tcp(host: "10.0.0.5", port: 6380))
        #expect(url.username == "quota")
        #expect(url.password == "s3cr@t")
        #expect(url.database == 4)
    }

    @Test func passwordWithoutUser() throws {
        let url = try RedisURL(parsing: "REDIS://:hunter2@localhost/")
        #expect(url.username == nil)
        #expect(url.password == "hunter2")
        #expect(url.endpoint == .tcp(host: "localhost", port: 6379))
    }

    @Test func bracketedIPv6() throws {
        let url = try RedisURL(parsing: "redis://[::1]:7000/2")
        #expect(url.endpoint == .tcp(host: "::1", port: 7000))
        #expect(url.description == "redis://[::1]:7000/2")
    }

    @Test func unixSocketWithDatabase() throws {
        let url = try RedisURL(parsing: "unix:///run/redis/redis.sock?db=3")
        #expect(url.endpoint == .unix(path: "/run/redis/redis.sock"))
        #expect(url.database == 3)
        let withPassword = try RedisURL(parsing: "unix://:pw@/run/redis.sock")
        #expect(withPassword.password == "pw")
        #expect(withPassword.description == "unix://:***@/run/redis.sock?db=0")
    }

    @Test func descriptionRedactsThePassword() throws {
        #expect(try RedisURL(parsing: "redis://:hunter2@host").description == "redis://:***@host:6379/0")
        #expect(try RedisURL(parsing: "redis://app:hunter2@host:1/9").description == "redis://app:***@host:1/9")
        #expect(try RedisURL(parsing: "redis://host").description == "redis://host:6379/0")
    }

    @Test(arguments: [
        ("http://host", RedisURLError.unsupportedScheme("http")),
        ("rediss://host", .unsupportedScheme("rediss")),
        ("host:6379", .unsupportedScheme("host")),
        ("redis://", .missingHost),
        ("redis://:pw@:6379", .missingHost),
        ("redis://host:0", .invalidPort("0")),
        ("redis://host:65536", .invalidPort("65536")),
        ("redis://host:http", .invalidPort("http")),
        ("redis://host:", .invalidPort("")),
        ("redis://host/x", .invalidDatabase("x")),
        ("redis://host/-1", .invalidDatabase("-1")),
        ("redis://host/1?db=2", .conflictingDatabase),
        ("redis://host?timeout=5", .unknownParameter("timeout")),
        ("redis://user@host", .missingPasswordSeparator),
        ("redis://:pw%4@host", .invalidPercentEncoding(part: "password")),
        ("redis://ho st", .invalidCharacter(part: "host")),
        ("redis://host#frag", .invalidCharacter(part: "fragment")),
        ("unix://", .missingSocketPath),
        ("unix:///", .missingSocketPath),
        ("unix://relative.sock", .invalidCharacter(part: "socket path (it must start with /)")),
    ])
    func rejects(_ text: String, _ expected: RedisURLError) {
        #expect(throws: expected) { try RedisURL(parsing: text) }
    }

    @Test func errorsNameTheProblemAndNeverThePassword() {
        do {
            _ = try RedisURL(parsing: "redis://:topsecret@host:99999")
            Issue.record("parsed an invalid port")
        } catch {
            #expect(error.description.contains("port \"99999\""))
            #expect(!error.description.contains("topsecret"))
        }
        #expect(RedisURLError.unsupportedScheme("rediss").description.contains("TLS"))
    }
}
