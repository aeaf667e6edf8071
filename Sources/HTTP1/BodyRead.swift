/// What a streaming request body's source produced when the upstream side asked for bytes.
package enum BodyRead: Sendable, Equatable {
    /// This many bytes were copied into the buffer; 0 means the body is complete.
    case bytes(Int)
    /// Nothing available yet; libcurl waits until the transfer is resumed.
    case pause
    /// The body cannot be completed (the client went away).
    case abort
}
