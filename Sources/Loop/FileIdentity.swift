/// An open file's device and inode: unique among the files open at one time, sockets included.
package struct FileIdentity: Equatable, Sendable {
    /// The device the file is on (for a socket, the socket file system).
    package var device: UInt64
    /// Its inode on that device.
    package var inode: UInt64
}
