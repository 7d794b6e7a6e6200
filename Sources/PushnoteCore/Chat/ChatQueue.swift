import Foundation

/// The messages that wait for their server, and the ids already delivered: this machine's
/// untracked state in `.pushnote/chat/` (beside sync's), kept out of git by its own `.gitignore`.
///
/// Messages are stored rendered, so a message queued on a train reads as it would have read
/// then. The file is written atomically under a lock; a damaged file is an error, never taken as
/// empty (that would post everything again).
public struct ChatQueue: Sendable {
  /// One message for one destination.
  public struct Entry: Codable, Sendable, Equatable {
    /// ``ChatDestination/description`` of where it goes.
    public var destination: String
    /// The event's id.
    public var id: String
    /// The event's kind.
    public var kind: ChatEventKind
    /// The rendered message (the topic for a topic event).
    public var text: String
    /// When it was queued.
    public var queuedAt: Date
    /// How many deliveries failed.
    public var attempts = 0
    /// Why the last one failed (no secrets).
    public var lastError: String?

    /// An entry queued now.
    public init(destination: String, id: String, kind: ChatEventKind, text: String, queuedAt: Date = Date()) {
      self.destination = destination
      self.id = id
      self.kind = kind
      self.text = text
      self.queuedAt = queuedAt
    }

    /// The key of the entry in the delivered set.
    var key: String { destination + "\u{1F}" + id }
  }

  /// The file's content.
  struct Store: Codable, Equatable {
    /// Waiting, oldest first.
    var queued: [Entry] = []
    /// Delivered ids (destination U+001F id) and when; kept 90 days.
    var sent: [String: Date] = [:]

    /// Whether this destination was sent or is queued this id.
    func knows(_ key: String) -> Bool { sent[key] != nil || queued.contains { $0.key == key } }
  }

  /// The notebook's folder.
  public let root: String
  /// How long delivered ids are remembered.
  static let memory: TimeInterval = 90 * 86_400

  /// The queue of the notebook at `root`.
  public init(root: String) { self.root = root }

  /// The folder, relative to the notebook.
  public static let folder = ".pushnote/chat"
  /// The queue file's path.
  public var path: String { (root as NSString).appendingPathComponent(Self.folder + "/queue.json") }
  /// The lock around reading and writing the file.
  var stateLockPath: String { (root as NSString).appendingPathComponent(Self.folder + "/queue.lock") }
  /// The lock one delivering process holds.
  var deliveryLockPath: String { (root as NSString).appendingPathComponent(Self.folder + "/deliver.lock") }

  /// The messages waiting, oldest first: what `pushnote status` shows.
  ///
  /// - Throws: ``ChatError/queue(path:message:)`` when the file is damaged.
  public func pending() throws(ChatError) -> [Entry] { try load().queued }

  /// Reads the file; an empty store when there is none.
  func load() throws(ChatError) -> Store {
    guard FileManager.default.fileExists(atPath: path) else { return Store() }
    guard let data = FileManager.default.contents(atPath: path) else { throw .queue(path: path, message: "cannot read the chat queue") }
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .iso8601
    do {
      return try decoder.decode(Store.self, from: data)
    } catch {
      throw .queue(path: path, message: "the chat queue is damaged (\(error)); fix or remove it, nothing was posted")
    }
  }

  /// Changes the store under the lock and writes it back atomically.
  @discardableResult
  func update<T>(_ change: (inout Store) throws(ChatError) -> T) throws(ChatError) -> T {
    try createFolder()
    let lock: SyncLock
    do {
      lock = try SyncLock(path: stateLockPath, wait: 10)
    } catch {
      throw .queue(path: stateLockPath, message: error.description)
    }
    defer { withExtendedLifetime(lock) {} }
    var store = try load()
    let before = store
    let result = try change(&store)
    let horizon = Date().addingTimeInterval(-Self.memory)
    store.sent = store.sent.filter { $0.value > horizon }
    if store != before { try save(store) }
    return result
  }

  private func save(_ store: Store) throws(ChatError) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.dateEncodingStrategy = .iso8601
    guard let data = try? encoder.encode(store) else { throw .queue(path: path, message: "cannot encode the chat queue") }
    do {
      try AtomicFile.write([UInt8](data), to: path)
    } catch {
      throw .queue(path: path, message: error.description)
    }
  }

  /// Makes the folder and its `.gitignore` (everything in it is this machine's).
  func createFolder() throws(ChatError) {
    let folder = (root as NSString).appendingPathComponent(Self.folder)
    let ignore = (folder as NSString).appendingPathComponent(".gitignore")
    guard !FileManager.default.fileExists(atPath: ignore) else { return }
    do {
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      try AtomicFile.write("*\n", to: ignore)
    } catch {
      throw .queue(path: folder, message: "cannot create the chat folder: \(error)")
    }
  }
}
