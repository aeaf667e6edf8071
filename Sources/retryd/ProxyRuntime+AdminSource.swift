import Admin
import Proxy

/// The runtime is what the admin endpoints read.
extension ProxyRuntime: AdminSource {}
