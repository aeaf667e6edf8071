/// The system's random numbers (`SystemRandomNumberGenerator`) in a generator that has storage, for passing
/// `inout` into generic code.
///
/// `SystemRandomNumberGenerator` is empty, and an empty value has no address: passed `inout` to a generic function
/// (`using random: inout some RandomNumberGenerator`), the callee gets an unspecified pointer. Under
/// `--sanitize=thread` Swift reports every `inout` access to TSan with its address, and TSan writing the shadow
/// of that pointer crashes (swiftlang/swift#35579 skips only types known to be empty where they are accessed). One
/// byte of storage gives the value a real address; the numbers are the system generator's.
package struct SystemRandom: RandomNumberGenerator {
    /// Never read: it exists so that the generator has an address.
    private var storage: UInt8 = 0

    /// Creates a generator.
    package init() {}

    /// The next 64 random bits from the system generator.
    package mutating func next() -> UInt64 {
        var system = SystemRandomNumberGenerator()
        return system.next()
    }
}
