import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The notebook's sync lock: `flock(2)` on `.pushnote/sync.lock`, holding the holder's PID.
///
/// The kernel releases it when the process ends, even on SIGKILL, so a dead holder never blocks
/// the next run. (flock may not work on some network file systems.)
public final class SyncLock: Sendable {
  private let descriptor: Int32

  /// Takes the lock, waiting up to `wait` seconds for a running sync to end.
  ///
  /// - Throws: ``SyncError/locked(path:holder:)`` naming the holder when it stays busy.
  public init(path: String, wait: Double = 0) throws(SyncError) {
    let folder = (path as NSString).deletingLastPathComponent
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw .fileSystem(path: path, message: "cannot open the lock file") }
    let deadline = Date().addingTimeInterval(wait)
    while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
      if Date() >= deadline {
        let holder = Self.holder(descriptor)
        close(descriptor)
        throw .locked(path: path, holder: holder)
      }
      usleep(50_000)
    }
    self.descriptor = descriptor
    let text = Array("pid \(getpid())\n".utf8)
    ftruncate(descriptor, 0)
    _ = text.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
  }

  private static func holder(_ descriptor: Int32) -> String {
    var buffer = [UInt8](repeating: 0, count: 64)
    let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, 64, 0) }
    let text = count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : ""
    return text.isEmpty ? "another process" : text
  }

  deinit {
    flock(descriptor, LOCK_UN)
    close(descriptor)
  }
}
