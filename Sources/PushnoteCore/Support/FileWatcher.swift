import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Tells when a file was saved: inotify on the file's folder where the kernel has it (editors
/// save by writing a new file and renaming it over the old one, which a watch on the file itself
/// would miss), else by comparing the file's size, modification time and inode at each look.
///
/// Nonblocking: ``changed()`` says whether the file may have changed since the last call; the
/// caller reads the file to know. Not thread-safe: one task at a time uses a watcher.
public final class FileWatcher {
  /// How a watcher notices saves.
  public enum Method: Sendable, Equatable {
    /// inotify on the folder (the file's name closed after writing, or renamed to).
    case inotify
    /// A `stat` of the file at each look.
    case polling
  }

  /// The watched file.
  public let path: String
  /// How this watcher notices saves.
  public let method: Method
  private let descriptor: Int32
  private let name: [UInt8]
  private var lastStat: [Int]

  /// Watches `path`; `method` nil takes inotify where it works, else polling.
  public init(path: String, method: Method? = nil) {
    self.path = path
    name = Array((path as NSString).lastPathComponent.utf8)
    lastStat = Self.statKey(path)
    var descriptor: Int32 = -1
    #if os(Linux)
    if method != .polling {
      let folder = (path as NSString).deletingLastPathComponent
      descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
      // A save is complete when the file is closed after writing or renamed into place; a write
      // in progress (IN_MODIFY) or a file just created would start a round on half a note.
      let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO)
      if descriptor >= 0, inotify_add_watch(descriptor, folder.isEmpty ? "." : folder, mask) < 0 {
        close(descriptor)
        descriptor = -1
      }
    }
    #endif
    self.descriptor = descriptor
    self.method = descriptor >= 0 ? .inotify : .polling
  }

  deinit { if descriptor >= 0 { close(descriptor) } }

  /// Whether the file may have changed since the last call (or since the watcher began).
  public func changed() -> Bool {
    guard descriptor >= 0 else {
      let key = Self.statKey(path)
      defer { lastStat = key }
      return key != lastStat
    }
    var seen = false
    #if os(Linux)
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
      let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
      guard count > 0 else { break }
      var offset = 0
      let header = MemoryLayout<inotify_event>.size
      while offset + header <= count {
        let length = buffer.withUnsafeBytes { Int($0.loadUnaligned(fromByteOffset: offset, as: inotify_event.self).len) }
        let start = offset + header
        // The name is NUL-padded to the record's length.
        let eventName = buffer[start..<min(start + length, count)].prefix { $0 != 0 }
        if Array(eventName) == name { seen = true }
        offset = start + length
      }
    }
    #endif
    return seen
  }

  /// Size, modification time and inode: what a save changes.
  private static func statKey(_ path: String) -> [Int] {
    var info = stat()
    guard stat(path, &info) == 0 else { return [] }
    return [Int(info.st_size), Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec), Int(info.st_ino)]
  }
}
