import Foundation

/// A fresh folder under the system's temporary directory, removed when the value is released.
public final class TemporaryDirectory: Sendable {
  /// The folder's path.
  public let path: String

  /// Creates the folder.
  public init(prefix: String = "pushnote-test") throws {
    let base = URL(fileURLWithPath: NSTemporaryDirectory())
      .appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
    path = base.path
  }

  /// A path inside the folder.
  public func appending(_ component: String) -> String { (path as NSString).appendingPathComponent(component) }

  deinit { try? FileManager.default.removeItem(atPath: path) }
}
