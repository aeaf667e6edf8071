import CCurl

/// libcurl refused an option retryd's guarantees depend on (a build without a feature, or too old a version).
package struct ForwarderError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The option's name, e.g. `"CURLOPT_PREREQFUNCTION"`.
    package var option: String
    /// libcurl's code for the refusal.
    package var code: Int32
    /// libcurl's text for the code.
    package var message: String

    /// What a user reads at start-up: the option, libcurl's reason and the version in use.
    package var description: String {
        let version = String(cString: curl_version()).split(separator: " ").first.map(String.init) ?? "libcurl"
        return "\(version) refused \(option) (\(message), code \(code)); retryd needs libcurl 7.80 or later"
            + " with HTTP support: without it, it could not keep libcurl from silently re-sending a request"
    }
}

/// Collects the result of a series of setopt calls and keeps the first refusal.
struct OptionCheck {
    private(set) var failure: ForwarderError?

    /// Records `code` for `option`; only the first refusal is kept.
    mutating func check(_ code: CURLcode, _ option: String) {
        guard code != CURLE_OK, failure == nil else { return }
        failure = ForwarderError(
            option: option, code: Int32(code.rawValue), message: String(cString: curl_easy_strerror(code)))
    }

    /// Records a multi or share handle option's `code`.
    mutating func check(_ code: CURLMcode, _ option: String) {
        guard code != CURLM_OK, failure == nil else { return }
        failure = ForwarderError(
            option: option, code: Int32(code.rawValue), message: String(cString: curl_multi_strerror(code)))
    }

    /// Records a share handle option's `code`.
    mutating func check(_ code: CURLSHcode, _ option: String) {
        guard code != CURLSHE_OK, failure == nil else { return }
        failure = ForwarderError(
            option: option, code: Int32(code.rawValue), message: String(cString: curl_share_strerror(code)))
    }

    /// Throws the first refusal, if any.
    func get() throws(ForwarderError) {
        if let failure { throw failure }
    }
}
