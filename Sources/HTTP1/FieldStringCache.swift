#if canImport(Glibc)
    import Glibc
#endif

/// The strings of recently seen header field names and values, so that a field whose bytes came before (a vendor's
/// `Server`, `Content-Type: application/json`, this second's `Date`) is not decoded, validated and stored again. One
/// per event loop, used from that loop only.
///
/// Two-way set-associative and never wrong: a slot's string is reused only when the bytes it was made from equal the
/// field's, so the result is always what `String(decoding:as:)` gives for those bytes.
package final class FieldStringCache: @unchecked Sendable {
    private static let setCount = 128
    private static let slotCount = 2 * setCount
    /// Longer fields are decoded each time: they rarely repeat and would take a slot from one that does.
    private static let longest = 64
    /// Each slot's string, the bytes it was made from (`longest` apiece) and their count; raw storage, because the
    /// bounds checks and reference counting of arrays cost as much as the lookup.
    private let strings: UnsafeMutablePointer<String>
    private let sources: UnsafeMutableRawPointer
    private let counts: UnsafeMutablePointer<Int>
    /// Per set, the way the next miss replaces: the one not hit last.
    private let victims: UnsafeMutablePointer<UInt8>

    /// An empty cache.
    package init() {
        strings = .allocate(capacity: Self.slotCount)
        strings.initialize(repeating: "", count: Self.slotCount)
        sources = .allocate(byteCount: Self.slotCount * Self.longest, alignment: 8)
        counts = .allocate(capacity: Self.slotCount)
        counts.initialize(repeating: 0, count: Self.slotCount)
        victims = .allocate(capacity: Self.setCount)
        victims.initialize(repeating: 0, count: Self.setCount)
    }

    deinit {
        strings.deinitialize(count: Self.slotCount)
        strings.deallocate()
        sources.deallocate()
        counts.deallocate()
        victims.deallocate()
    }

    /// The string of `bytes`, from the cache when the same bytes came into their set before and are still there.
    package func string(_ bytes: UnsafeRawBufferPointer) -> String {
        let count = bytes.count
        guard count > 0, count <= Self.longest, let start = bytes.baseAddress else {
            return String(decoding: bytes, as: UTF8.self)
        }
        // Length and four bytes, mixed: names differ in length or first letters, values of one name in their end.
        func byte(_ index: Int) -> UInt32 { UInt32(start.load(fromByteOffset: index, as: UInt8.self)) }
        var hash = UInt32(truncatingIfNeeded: count) &* 16_777_619
        hash = (hash ^ byte(0)) &* 16_777_619
        hash = (hash ^ byte(count >> 1)) &* 16_777_619
        hash = (hash ^ byte(count - 1)) &* 16_777_619
        if count > 2 { hash = (hash ^ byte(count - 2)) &* 16_777_619 }
        let set = Int(hash >> 7) & (Self.setCount - 1)
        for way in 0..<2 {
            let slot = 2 * set + way
            let source = sources + slot * Self.longest
            if counts[slot] == count && memcmp(source, start, count) == 0 {
                victims[set] = UInt8(1 - way)
                return strings[slot]
            }
        }
        let way = Int(victims[set])
        let slot = 2 * set + way
        let made = String(decoding: bytes, as: UTF8.self)
        strings[slot] = made
        counts[slot] = count
        (sources + slot * Self.longest).copyMemory(from: start, byteCount: count)
        victims[set] = UInt8(1 - way)
        return made
    }
}
