import HTTP1
import Testing

/// The loop's cache of header field strings gives exactly what decoding the bytes gives, from any history.
@Suite struct FieldStringCacheTests {
    private static func string(_ cache: FieldStringCache, _ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { cache.string($0) }
    }

    @Test("every lookup equals String(decoding:), hits, misses, evictions and invalid UTF-8 alike")
    func equalsDecoding() {
        let cache = FieldStringCache()
        var inputs: [[UInt8]] = [
            Array("Content-Type".utf8), Array("application/json".utf8), Array("Date".utf8),
            Array("Mon, 07 Dec 2026 19:28:00 GMT".utf8), Array("Mon, 07 Dec 2026 19:28:01 GMT".utf8),
            [0xFF, 0xFE, 0x41], [0xC3], [0xC3, 0xA9], Array(repeating: 0x61, count: 64),
            Array(repeating: 0x61, count: 65), [0x41],
        ]
        // Many same-length values that differ in the middle only: they share sets and evict each other.
        for index in 0..<600 { inputs.append(Array("x-\(index % 10)\(index / 10)-y".utf8)) }
        for round in 0..<3 {
            for bytes in inputs {
                let got = Self.string(cache, bytes)
                #expect(got == String(decoding: bytes, as: UTF8.self), "round \(round): \(bytes)")
            }
        }
    }

    @Test("a repeated field is the stored string, not a new one")
    func repeatsShareStorage() {
        let cache = FieldStringCache()
        let value = Array("application/vnd.vendor.v2+json; charset=utf-8".utf8)
        let first = Self.string(cache, value)
        let second = Self.string(cache, value)
        #expect(first == second)
        // Equal strings with one storage: the cache handed back what it kept instead of decoding again.
        let sameStorage = first.utf8.withContiguousStorageIfAvailable { a in
            second.utf8.withContiguousStorageIfAvailable { b in a.baseAddress == b.baseAddress }
        }
        #expect(sameStorage == true)
    }
}
