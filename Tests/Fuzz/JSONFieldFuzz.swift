// libFuzzer target for `JSONField`, which reads request ids and probe verdicts from vendor bodies. Built by
// Tests/Fuzz/fuzz.sh, not by SwiftPM.
//
// The input is a response body. Whatever it holds, reading a field must not crash, and must not depend on what
// follows the field: a value found in a body is found, unchanged, in every longer body that starts with it, since
// bodies are read from their first 64 KiB only. Every check ends in `fatalError`, so libFuzzer reports a crash.

import Retry

let paths = ["a", "a.b", "0", "data.status", "data.result.status", "requestId", "items.1.id", "a.0.b.1"]
    .map { JSONField($0)! }
let suffixes: [[UInt8]] = [Array("}".utf8), Array("0".utf8), Array(",\"x\":1}".utf8), Array("\"".utf8)]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONField(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let body = Array(UnsafeRawBufferPointer(start: data, count: size))
    for field in paths {
        guard let value = field.value(in: body) else { continue }
        for suffix in suffixes {
            let longer = field.value(in: body + suffix)
            if longer != value {
                fatalError(
                    "invariant violated: \(field) is \(value.debugDescription) but \(String(describing: longer)) after \(suffix)"
                )
            }
        }
    }
    return 0
}
