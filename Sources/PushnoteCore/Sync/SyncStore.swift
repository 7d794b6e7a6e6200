import Foundation

/// Where a notebook keeps what sync remembers about each pad.
///
/// The base (the text both sides had at the last successful sync) lives in
/// `.pushnote/base/<pad>.md`, tracked by git so that a colleague with a clone continues from it.
/// The state (`.pushnote/state/<pad>.json`: pad revision, base checksum, the journal of a push
/// not yet confirmed) is this machine's, ignored by git. Both are written atomically.
public struct SyncStore: Sendable {
  /// What the last sync recorded.
  public struct State: Codable, Sendable, Equatable {
    /// The pad's head revision when the base was recorded.
    public var revision: Int?
    /// Whether the pad held exactly the base at that revision.
    public var padMatchesBase = false
    /// FNV-1a 64 checksum of the base text, to tell a damaged base file.
    public var baseChecksum: String?
    /// The API version the server spoke.
    public var apiVersion: String?
    /// The text of a push whose outcome is not known yet (the journal).
    public var pending: String?
    /// Files were written but the commit may not have happened (a killed run): commit them next time.
    public var uncommitted = false

    /// An empty state.
    public init() {}
  }

  /// What was found of the base.
  public enum Base: Sendable, Equatable {
    /// Never synced: no base, no state.
    case none
    /// The base text, checked.
    case text(String)
    /// A sync happened but the base is missing or damaged; it is not taken as empty.
    case lost(reason: String)
  }

  /// The notebook's folder.
  public let root: String
  /// The pad id.
  public let padID: String

  /// The store of one pad in the notebook at `root`.
  public init(root: String, padID: String) {
    self.root = root
    self.padID = padID
  }

  /// The base file, relative to the notebook.
  public var baseRelativePath: String { ".pushnote/base/\(padID).md" }
  /// The base file's path.
  public var basePath: String { (root as NSString).appendingPathComponent(baseRelativePath) }
  /// The `.gitignore` keeping the state and the lock out of git, relative to the notebook.
  public var ignoreRelativePath: String { ".pushnote/.gitignore" }
  /// The state file's path.
  public var statePath: String { (root as NSString).appendingPathComponent(".pushnote/state/\(padID).json") }
  /// The lock file's path.
  public var lockPath: String { (root as NSString).appendingPathComponent(".pushnote/sync.lock") }

  /// The recorded state; an empty state when there is none or it is unreadable.
  public func loadState() -> State {
    guard let data = FileManager.default.contents(atPath: statePath),
      let state = try? JSONDecoder().decode(State.self, from: data)
    else { return State() }
    return state
  }

  /// Whether a state file exists at all (readable or not).
  public var hasState: Bool { FileManager.default.fileExists(atPath: statePath) }

  /// The base, checked against the state's checksum.
  public func loadBase(state: State) -> Base {
    let exists = FileManager.default.fileExists(atPath: basePath)
    guard exists else { return hasState ? .lost(reason: "the base file \(baseRelativePath) is missing") : .none }
    guard let data = FileManager.default.contents(atPath: basePath), !data.isEmpty else {
      return .lost(reason: "the base file \(baseRelativePath) is empty")
    }
    guard let text = String(validating: [UInt8](data), as: UTF8.self) else {
      return .lost(reason: "the base file \(baseRelativePath) is not UTF-8")
    }
    if let checksum = state.baseChecksum, checksum != Self.checksum(text) {
      return .lost(reason: "the base file \(baseRelativePath) does not match its checksum")
    }
    return .text(text)
  }

  /// Writes the base atomically.
  public func saveBase(_ text: String) throws(SyncError) {
    try write(Array(text.utf8), to: basePath)
  }

  /// Writes the state atomically (and the `.gitignore` that keeps it out of git).
  public func saveState(_ state: State) throws(SyncError) {
    let ignore = (root as NSString).appendingPathComponent(ignoreRelativePath)
    if !FileManager.default.fileExists(atPath: ignore) { try write(Array("state/\nsync.lock\n".utf8), to: ignore) }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
    guard let data = try? encoder.encode(state) else { throw .fileSystem(path: statePath, message: "cannot encode the state") }
    try write([UInt8](data), to: statePath)
  }

  private func write(_ bytes: [UInt8], to path: String) throws(SyncError) {
    let folder = (path as NSString).deletingLastPathComponent
    do {
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    } catch {
      throw .fileSystem(path: folder, message: "cannot create the folder")
    }
    do {
      try AtomicFile.write(bytes, to: path)
    } catch {
      throw .fileSystem(path: path, message: error.description)
    }
  }

  /// FNV-1a 64 of the text's UTF-8, as 16 hex digits.
  public static func checksum(_ text: String) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x0000_0100_0000_01B3
    }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
  }
}
