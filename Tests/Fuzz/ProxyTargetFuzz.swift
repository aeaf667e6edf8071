// libFuzzer target for `ProxyTarget`, which reads the CONNECT authority or absolute-form target a forward-proxy
// client sends. Built by Tests/Fuzz/fuzz.sh, not by SwiftPM.
//
// The input is "METHOD SP target": what the request-line parser hands over once it has checked that the method is a
// token and the target printable ASCII. Whatever it holds, classifying must not crash, and what it finds must be
// what it would find again in the canonical form of its answer: a host it accepts is lower-case, non-empty and
// without brackets, a port is 1...65535, and writing the authority back (`host:port`, an IPv6 host in brackets)
// classifies to the same answer. Every check ends in `fatalError`, so libFuzzer reports a crash.

import HTTP1

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProxyTarget(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: data, count: size))
    guard let space = bytes.firstIndex(of: UInt8(ascii: " ")), space > 0 else { return 0 }
    let methodBytes = bytes[..<space]
    let targetBytes = bytes[(space + 1)...]
    // What RequestLine guarantees before the proxy sees a target.
    guard methodBytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "/") }),
        !targetBytes.isEmpty, targetBytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
    else { return 0 }
    let method = String(decoding: methodBytes, as: UTF8.self)
    let target = String(decoding: targetBytes, as: UTF8.self)
    let found = ProxyTarget(method: method, target: target)
    switch found {
    case .connect(let host, let port):
        check(host: host, port: port, found)
        let again = ProxyTarget(method: "CONNECT", target: authority(host, port))
        if again != found { fatalError("CONNECT \(target): \(found), but its authority gives \(again)") }
    case .absolute(let scheme, let host, let port):
        check(host: host, port: port ?? 1, found)
        if scheme != "http" && scheme != "https" { fatalError("\(target): scheme \(scheme)") }
        let again = ProxyTarget(method: "GET", target: "\(scheme)://\(authority(host, port))/")
        if again != found { fatalError("\(target): \(found), but its canonical form gives \(again)") }
    case .notProxied, .malformed:
        break
    }
    return 0
}

func authority(_ host: String, _ port: UInt16?) -> String {
    (host.contains(":") ? "[\(host)]" : host) + (port.map { ":\($0)" } ?? "")
}

func check(host: String, port: UInt16, _ found: ProxyTarget) {
    if host.isEmpty || host != host.lowercased() || host.contains("[") || host.contains("]") || host.contains("@") {
        fatalError("bad host in \(found)")
    }
    if port == 0 { fatalError("port 0 in \(found)") }
}
