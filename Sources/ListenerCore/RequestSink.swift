/// One request's consumer on a client connection.
package protocol RequestSink: AnyObject {
    /// A piece of the request body (framing removed); valid only during the call.
    func requestBody(_ bytes: UnsafeRawBufferPointer)
    /// The request body is complete.
    func requestEnd()
    /// Output drained after `ClientConnection.writeBody(_:)` returned false.
    func responseWritable()
    /// The client went away (or timed out) before the response was finished.
    func clientGone()
}
