import Glibc

/// Keeps two `ainews publish` runs (the weekly timer and someone at a terminal) from sending at
/// the same time, which could send one recipient the digest twice: an exclusive `flock` on a
/// file beside the database, held for the object's life and dropped by the kernel if the process
/// dies, so a `kill -9` never leaves a stale lock.
public final class PublishLock {
    private let descriptor: Int32

    public struct Busy: Error, CustomStringConvertible {
        public var description: String
    }

    public init(path: String) throws(Busy) {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Busy(description: "\(path): cannot open the lock file: \(String(cString: strerror(errno)))") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let reason = errno == EWOULDBLOCK ? "another ainews publish is running" : String(cString: strerror(errno))
            close(descriptor)
            throw Busy(description: "\(path): \(reason)")
        }
        self.descriptor = descriptor
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
