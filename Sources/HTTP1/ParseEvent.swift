/// Events the parser emits, one per `parse` call at most.
package enum ParseEvent: Sendable, Equatable {
    /// The request line and headers are complete and valid.
    case head(RequestHead)
    /// Body bytes at this range inside the buffer passed to this `parse` call (zero-copy; chunk framing stripped).
    case body(Range<Int>)
    /// The message is complete (chunked trailers are consumed and dropped); the parser is ready for the next request.
    case end
}
