import TOML
import Testing

/// Integers in four bases and floats, with their underscores, signs and limits.
@Suite struct NumberTests {
    @Test(
        "Integers read in every form TOML 1.0 allows",
        arguments: [
            ("+99", 99), ("42", 42), ("0", 0), ("-17", -17), ("+0", 0), ("-0", 0), ("1_000", 1000),
            ("5_349_221", 5_349_221), ("1_2_3_4_5", 12345), ("0xDEADBEEF", 0xDEAD_BEEF), ("0xdead_beef", 0xDEAD_BEEF),
            ("0o01234567", 0o1234567), ("0o755", 0o755), ("0b11010110", 0b1101_0110), ("0x00", 0),
            ("9223372036854775807", Int64.max), ("-9223372036854775808", Int64.min),
            ("0x7FFFFFFFFFFFFFFF", Int64.max),
        ] as [(String, Int64)])
    func integers(source: String, expected: Int64) {
        #expect(value(source)?.integer == expected)
    }

    @Test(
        "Malformed or out-of-range integers are rejected",
        arguments: [
            "01", "-01", "00", "1__0", "_1", "1_", "0x", "0x_1", "0x1_", "+0x1", "-0b1", "0X1", "0b2", "0o8", "0xG",
            "9223372036854775808", "-9223372036854775809", "0x8000000000000000", "1a", "- 1",
        ])
    func invalidIntegers(source: String) {
        #expect(failure("v = \(source)")?.line == 1)
    }

    @Test(
        "Floats read with fractions, exponents and underscores",
        arguments: [
            ("+1.0", 1.0), ("3.1415", 3.1415), ("-0.01", -0.01), ("5e+22", 5e22), ("1e06", 1e6), ("-2E-2", -0.02),
            ("6.626e-34", 6.626e-34), ("224_617.445_991_228", 224_617.445_991_228), ("0e0", 0), ("1_0e1_0", 10e10),
            ("-0.0", -0.0), ("0.1", 0.1),
        ])
    func floats(source: String, expected: Double) {
        #expect(value(source)?.float == expected)
    }

    @Test("Infinity and NaN keep their sign")
    func specialFloats() throws {
        #expect(value("inf")?.float == .infinity)
        #expect(value("+inf")?.float == .infinity)
        #expect(value("-inf")?.float == -.infinity)
        let nan = try #require(value("nan")?.float)
        #expect(nan.isNaN && nan.sign == .plus)
        #expect(value("+nan")?.float?.isNaN == true)
        let negativeNaN = try #require(value("-nan")?.float)
        #expect(negativeNaN.isNaN && negativeNaN.sign == .minus)
    }

    @Test(
        "Malformed floats are rejected, the specification's three among them",
        arguments: [
            ".7", "7.", "3.e+20", "1e", "1e+", "1.5.2", "01.5", "1._5", "1.5_", "1e_5", "Inf", "NaN", "infinity",
            "1e400", "+-1.0",
        ])
    func invalidFloats(source: String) {
        #expect(failure("v = \(source)")?.line == 1)
    }

    @Test("Booleans are lowercase true and false, and nothing may follow them")
    func booleans() {
        #expect(value("true")?.boolean == true)
        #expect(value("false")?.boolean == false)
        for source in ["True", "truex", "fals", "yes"] {
            #expect(failure("v = \(source)") != nil, "\(source)")
        }
    }

    @Test("An integer and a float are different kinds")
    func integerIsNotFloat() {
        #expect(value("1")?.float == nil)
        #expect(value("1.0")?.integer == nil)
    }
}
