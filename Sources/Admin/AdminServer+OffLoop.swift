import Dispatch
import HTTP1
import Listener

/// Carries a loop-thread connection through a background thread, which never touches it.
private struct LoopBound<Value: AnyObject>: @unchecked Sendable {
    weak var value: Value?
}

extension AdminServer {
    /// Computes the response on a background thread (it reads a file) and writes it from the loop thread; a
    /// connection closed meanwhile gets nothing.
    func answerOffLoop(
        head: RequestHead, connection: ClientConnection, _ compute: @escaping @Sendable () -> AdminResponse
    ) {
        let loop = loop
        let target = LoopBound(value: connection)
        let method = head.method
        DispatchQueue.global().async {
            let response = compute()
            loop.execute {
                target.value?.respond(
                    ResponseHead(status: response.status, headers: response.headers), body: response.body,
                    requestMethod: method)
            }
        }
    }
}
