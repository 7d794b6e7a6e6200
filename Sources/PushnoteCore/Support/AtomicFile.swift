import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files so that a reader sees the old bytes or the new bytes, never a mix, and a crash
/// leaves one or the other: a temporary file beside the target, fsync, rename, fsync of the folder.
public enum AtomicFile {
  /// Replaces (or creates) `path` with `bytes`, keeping an existing file's permissions.
  ///
  /// - Throws: ``NotebookError/fileSystem(path:message:)`` naming the path and the system's reason.
  public static func write(_ bytes: [UInt8], to path: String) throws(NotebookError) {
    let directory = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
    let name = (path as NSString).lastPathComponent
    let temporary = (directory as NSString).appendingPathComponent(".\(name).pushnote-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp")
    var mode: mode_t = 0o644
    var existing = stat()
    if stat(path, &existing) == 0 { mode = existing.st_mode & 0o7777 }
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
    guard descriptor >= 0 else { throw failure(path, "cannot create a temporary file in \(directory)") }
    var written = 0
    let ok = bytes.withUnsafeBytes { buffer -> Bool in
      while written < buffer.count {
        let result = Glibc.write(descriptor, buffer.baseAddress.map { $0 + written }, buffer.count - written)
        if result < 0 {
          if errno == EINTR { continue }
          return false
        }
        written += result
      }
      return true
    }
    let synced = ok && fsync(descriptor) == 0
    fchmod(descriptor, mode)
    close(descriptor)
    guard synced, rename(temporary, path) == 0 else {
      let reason = String(cString: strerror(errno))
      unlink(temporary)
      throw .fileSystem(path: path, message: "cannot write: \(reason)")
    }
    let folder = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if folder >= 0 {
      fsync(folder)
      close(folder)
    }
  }

  /// Writes a string as UTF-8.
  public static func write(_ text: String, to path: String) throws(NotebookError) {
    try write(Array(text.utf8), to: path)
  }

  /// Reads a whole file's bytes.
  ///
  /// - Throws: ``NotebookError/fileSystem(path:message:)`` when it cannot be read.
  public static func read(_ path: String) throws(NotebookError) -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw failure(path, FileManager.default.fileExists(atPath: path) ? "cannot read the file" : "no such file")
    }
    return [UInt8](data)
  }

  private static func failure(_ path: String, _ message: String) -> NotebookError {
    .fileSystem(path: path, message: "\(message): \(String(cString: strerror(errno)))")
  }
}
