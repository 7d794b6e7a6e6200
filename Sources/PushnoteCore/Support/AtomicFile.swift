import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one way pushnote writes a file: a reader sees the old bytes or the new bytes, never a mix,
/// a crash leaves one or the other, and an editor's save made meanwhile is never overwritten.
///
/// A write goes to a temporary file beside the target (`.<name>.pushnote-<pid>-<n>.tmp`), is
/// fsynced, then renamed over the target, and the folder is fsynced. When the caller gives the
/// ``Snapshot`` it read, the target is compared with it after the temporary file is complete and
/// right before the rename (size, modification time and content, byte for byte); a difference
/// stops the write with ``NotebookError/changedOnDisk(path:)`` and leaves the target untouched.
/// (One window remains, as in every tool that renames: a save landing between that check and the
/// rename itself, a few microseconds.) Temporary files that killed processes left beside the
/// target are removed by the next write. A new file gets the mode the umask gives; a replaced file
/// keeps its mode.
public enum AtomicFile {
  /// What a file was when it was read: the write compares the target with it before the rename.
  public struct Snapshot: Sendable, Equatable {
    /// The file's bytes; empty when it did not exist.
    public var bytes: [UInt8]
    /// Whether the file existed.
    public var exists: Bool
    /// Its size in bytes.
    public var size: Int
    /// Its modification time, seconds and nanoseconds since 1970.
    public var modified: (seconds: Int, nanoseconds: Int)

    /// A file that does not exist: the write must create it, never replace one made meanwhile.
    public static let absent = Snapshot(bytes: [], exists: false, size: 0, modified: (0, 0))

    public static func == (first: Snapshot, second: Snapshot) -> Bool {
      first.exists == second.exists && first.size == second.size && first.modified == second.modified
        && first.bytes == second.bytes
    }
  }

  /// Called after the temporary file is complete and before the target is checked and replaced,
  /// with the target's path (tests save the file there, as an editor would).
  @TaskLocal public static var beforeRename: (@Sendable (String) -> Void)?

  /// Replaces (or creates) `path` with `bytes`, keeping an existing file's permissions.
  ///
  /// - Parameter expecting: what the caller read; the write is refused when the file is no longer that.
  /// - Throws: ``NotebookError/changedOnDisk(path:)`` when the file differs from `expecting`;
  ///   ``NotebookError/noteExists(path:)`` when `expecting` is ``Snapshot/absent`` and the file
  ///   exists; ``NotebookError/fileSystem(path:message:)`` naming the path and the system's reason.
  public static func write(_ bytes: [UInt8], to path: String, expecting: Snapshot? = nil) throws(NotebookError) {
    let directory = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
    let name = (path as NSString).lastPathComponent
    removeAbandonedTemporaries(besides: path)
    let temporary = (directory as NSString).appendingPathComponent(
      ".\(name).pushnote-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp")
    var existing = stat()
    let keptMode: mode_t? = stat(path, &existing) == 0 ? existing.st_mode & 0o7777 : nil
    // A new file: 0666 less the umask, as every other program makes files.
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, keptMode ?? 0o666)
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
    if let keptMode { fchmod(descriptor, keptMode) }
    close(descriptor)
    guard synced else {
      let reason = String(cString: strerror(errno))
      unlink(temporary)
      throw .fileSystem(path: path, message: "cannot write: \(reason)")
    }
    beforeRename?(path)
    if let expecting {
      let current = try? snapshot(path)
      guard current == expecting || (!expecting.exists && current == nil) else {
        unlink(temporary)
        throw expecting.exists ? .changedOnDisk(path: path) : .noteExists(path: path)
      }
    }
    var placed = false
    if expecting?.exists == false {
      // link(2) fails when the target exists: a file made meanwhile is never replaced.
      if link(temporary, path) == 0 {
        unlink(temporary)
        placed = true
      } else if errno == EEXIST || access(path, F_OK) == 0 {
        unlink(temporary)
        throw .noteExists(path: path)
      }
    }
    // A file system without hard links gets the rename, right after the check above.
    if !placed { placed = rename(temporary, path) == 0 }
    guard placed else {
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
  public static func write(_ text: String, to path: String, expecting: Snapshot? = nil) throws(NotebookError) {
    try write(Array(text.utf8), to: path, expecting: expecting)
  }

  /// Reads a whole file's bytes.
  ///
  /// - Throws: ``NotebookError/fileSystem(path:message:)`` when it cannot be read.
  public static func read(_ path: String) throws(NotebookError) -> [UInt8] {
    try snapshot(path).bytes
  }

  /// Reads a file with what a later ``write(_:to:expecting:)`` compares: size, modification time, bytes.
  ///
  /// The size and time are those of the open file before and after the read, so a save during the
  /// read is seen (it is read again).
  ///
  /// - Throws: ``NotebookError/fileSystem(path:message:)`` when it cannot be read.
  public static func snapshot(_ path: String) throws(NotebookError) -> Snapshot {
    for _ in 0..<5 {
      let descriptor = open(path, O_RDONLY | O_CLOEXEC)
      guard descriptor >= 0 else { throw failure(path, errno == ENOENT ? "no such file" : "cannot read the file") }
      defer { close(descriptor) }
      var before = stat(), after = stat()
      guard fstat(descriptor, &before) == 0 else { throw failure(path, "cannot read the file") }
      // One byte more than the file holds, so that the read that meets the end needs no more room.
      var bytes = [UInt8](repeating: 0, count: max(Int(before.st_size), 0) + 1)
      var count = 0
      while true {
        if count == bytes.count { bytes.append(contentsOf: repeatElement(0, count: max(4096, bytes.count))) }
        let result = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress.map { $0 + count }, $0.count - count) }
        if result < 0 {
          if errno == EINTR { continue }
          throw failure(path, "cannot read the file")
        }
        if result == 0 { break }
        count += result
      }
      bytes.removeSubrange(count...)
      guard fstat(descriptor, &after) == 0 else { throw failure(path, "cannot read the file") }
      let time = (seconds: Int(after.st_mtim.tv_sec), nanoseconds: Int(after.st_mtim.tv_nsec))
      if before.st_size == after.st_size && before.st_mtim.tv_sec == after.st_mtim.tv_sec
        && before.st_mtim.tv_nsec == after.st_mtim.tv_nsec && Int(after.st_size) == count
      {
        return Snapshot(bytes: bytes, exists: true, size: count, modified: time)
      }
    }
    throw .changedOnDisk(path: path)
  }

  /// Deletes temporary files that a killed write left beside `path`, when the process that made
  /// them is gone (a running one's are left alone).
  public static func removeAbandonedTemporaries(besides path: String) {
    let folder = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
    let prefix = ".\((path as NSString).lastPathComponent).pushnote-"
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
    for name in names where name.hasPrefix(prefix) && name.hasSuffix(".tmp") {
      let pidText = name.dropFirst(prefix.count).prefix { $0 != "-" }
      guard let pid = Int32(pidText), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
      unlink((folder as NSString).appendingPathComponent(name))
    }
  }

  private static func failure(_ path: String, _ message: String) -> NotebookError {
    .fileSystem(path: path, message: "\(message): \(String(cString: strerror(errno)))")
  }
}
