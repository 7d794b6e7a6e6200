import Foundation

/// Where a notebook keeps what sync remembers about each pad.
///
/// The base (the text both sides had at the last successful sync) lives in
/// `.pushnote/base/<pad>.md`, tracked by git so that a colleague with a clone continues from it.
/// Its first line is a header naming the pad, the text's length and its checksum, so that a
/// truncated, damaged or foreign base is told in any clone. The state (`.pushnote/state/<pad>.json`:
/// pad revision, the write record of a push not yet confirmed) is this machine's, ignored by git.
/// Both are written atomically.
public struct SyncStore: Sendable {
  /// What the last sync recorded.
  public struct State: Codable, Sendable, Equatable {
    /// The pad's head revision when the base was recorded.
    public var revision: Int?
    /// Whether the pad held exactly the base at that revision.
    public var padMatchesBase = false
    /// The checksum of a base written without its header (before the base carried its own).
    public var baseChecksum: String?
    /// The API version the server spoke.
    public var apiVersion: String?
    /// The write to the pad made last, until the base it leads to is recorded.
    public var writeRecord: WriteRecord?
    /// Files were written but the commit may not have happened (a killed run, or conflict blocks
    /// that are never committed): commit them next time.
    public var uncommitted = false
    /// The last sync left conflict blocks in the file.
    public var conflicted = false

    /// An empty state.
    public init() {}

    /// Reads a state file; fields a older pushnote did not write take their defaults.
    public init(from decoder: Decoder) throws {
      let values = try decoder.container(keyedBy: CodingKeys.self)
      revision = try values.decodeIfPresent(Int.self, forKey: .revision)
      padMatchesBase = try values.decodeIfPresent(Bool.self, forKey: .padMatchesBase) ?? false
      baseChecksum = try values.decodeIfPresent(String.self, forKey: .baseChecksum)
      apiVersion = try values.decodeIfPresent(String.self, forKey: .apiVersion)
      writeRecord = try values.decodeIfPresent(WriteRecord.self, forKey: .writeRecord)
      uncommitted = try values.decodeIfPresent(Bool.self, forKey: .uncommitted) ?? false
      conflicted = try values.decodeIfPresent(Bool.self, forKey: .conflicted) ?? false
    }
  }

  /// What a sync is about to write to the pad, saved before `setText`: with it, a later sync that
  /// finds the write in the pad's history merges again every colleague's edit it overwrote.
  public struct WriteRecord: Codable, Sendable, Equatable {
    /// The pad revision the merge read, checked right before the write.
    public var revision: Int
    /// The text `setText` is given.
    public var text: String
    /// The file the merge makes (what the sync writes once the push is confirmed).
    public var local: String
    /// The file as the sync read it.
    public var file: String
    /// The base the file as read descends from (nil when there was none).
    public var base: String?
    /// The author id of a write sent over the realtime socket (nil for `setText`): the server
    /// rebases such a write over colleagues' edits, so its revision is found by its author,
    /// not by its text.
    public var author: String?

    /// A record of writing `text` over revision `revision` (as `author` over the socket).
    public init(revision: Int, text: String, local: String, file: String, base: String?, author: String? = nil) {
      self.revision = revision
      self.text = text
      self.local = local
      self.file = file
      self.base = base
      self.author = author
    }
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

  /// The base, checked against its header (or, for a base without one, the state's checksum).
  public func loadBase(state: State) -> Base {
    let exists = FileManager.default.fileExists(atPath: basePath)
    guard exists else { return hasState ? .lost(reason: "the base file \(baseRelativePath) is missing") : .none }
    guard let data = FileManager.default.contents(atPath: basePath), !data.isEmpty else {
      return .lost(reason: "the base file \(baseRelativePath) is empty")
    }
    guard let content = String(validating: [UInt8](data), as: UTF8.self) else {
      return .lost(reason: "the base file \(baseRelativePath) is not UTF-8")
    }
    guard content.hasPrefix(Self.headerStart) else {
      // Written before the base carried its header: only the state's checksum vouches for it.
      guard let checksum = state.baseChecksum else {
        return .lost(reason: "the base file \(baseRelativePath) has no header naming its pad, length and checksum")
      }
      if checksum != Self.checksum(content) {
        return .lost(reason: "the base file \(baseRelativePath) does not match its checksum")
      }
      return .text(content)
    }
    let headerLine = content.prefix { $0 != "\n" }
    let text = String(content.dropFirst(headerLine.count + 1))
    let fields = headerLine.dropFirst(Self.headerStart.count).split(separator: " ")
    guard fields.count >= 4, let length = Int(fields[1]) else {
      return .lost(reason: "the base file \(baseRelativePath) has a damaged header")
    }
    if fields[0] != padID { return .lost(reason: "the base file \(baseRelativePath) belongs to the pad \(fields[0])") }
    if text.utf8.count != length {
      return .lost(reason: "the base file \(baseRelativePath) holds \(text.utf8.count) of its \(length) bytes")
    }
    if fields[3] != Self.checksum(text) { return .lost(reason: "the base file \(baseRelativePath) does not match its checksum") }
    return .text(text)
  }

  /// The base file's header starts so: `<!-- pushnote-base <pad> <bytes> fnv1a64 <checksum> -->`.
  static let headerStart = "<!-- pushnote-base "

  /// Writes the base atomically, behind its header.
  public func saveBase(_ text: String) throws(SyncError) {
    let header = "\(Self.headerStart)\(padID) \(text.utf8.count) fnv1a64 \(Self.checksum(text)) -->\n"
    try write(Array((header + text).utf8), to: basePath)
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
