import Foundation

/// One pad over Etherpad's realtime socket, as a browser holds it: CLIENT_READY, the text,
/// revision and attributes from CLIENT_VARS, then commits as USER_CHANGES with one change in
/// flight, rebased over the colleagues' NEW_CHANGES that arrive meanwhile (spec section 7).
///
/// `text` is always the server's text at `revision`, with its authorship; a commit returns the
/// server's head after it, which holds the colleagues' edits the server merged in.
///
/// Blocking and not thread-safe: one task at a time uses a connection.
public final class RealtimePadConnection {
  /// Who pushnote is on the pad.
  public struct Identity: Sendable, Equatable {
    /// The author token (`t.` and 20 alphanumerics): the same token is the same author.
    public var token: String
    /// The name the pad shows for this author.
    public var name: String?
    /// Cookies sent with the upgrade besides the token (`express_sid`, `sessionID`).
    public var cookies: [String: String]

    /// An identity from its token, name and cookies.
    public init(token: String, name: String? = nil, cookies: [String: String] = [:]) {
      self.token = token
      self.name = name
      self.cookies = cookies
    }

    /// A fresh token: `t.` and 20 random alphanumerics, which Etherpad accepts.
    public static func makeToken() -> String {
      let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
      var generator = SystemRandomNumberGenerator()
      return "t." + String((0..<20).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }
  }

  /// A revision somebody else made, as it reached this connection.
  public struct Change: Sendable, Equatable {
    /// Its revision number.
    public var revision: Int
    /// Its author id.
    public var author: String
    /// The changeset, numbered in this connection's pool.
    public var changeset: Changeset
  }

  /// What a commit did.
  public struct Commit: Sendable, Equatable {
    /// The server's head text and revision after it.
    public var text: String
    public var revision: Int
    /// The colleagues' revisions that came in meanwhile (the server rebased the commit over them).
    public var foreign: [Change]
    /// Whether the server stored a revision (false for no net change).
    public var stored: Bool
  }

  /// The pad id as joined.
  public let padID: String
  /// This connection's author id (`userId`).
  public let authorID: String
  /// Whether the pad is read-only for this connection.
  public let readOnly: Bool
  /// The server's text at `revision`, with authorship in `pool`'s numbering.
  public private(set) var text: AttributedText
  public private(set) var pool: AttributePool
  public private(set) var revision: Int
  /// Seconds a commit waits for ACCEPT_COMMIT.
  public var commitTimeout: TimeInterval
  /// The pauses before a rate-limited message is sent again (Etherpad's window is 1 s); when
  /// they are spent, ``RealtimeError/rateLimited(padID:)``.
  public var rateLimitPauses: [TimeInterval] = [1, 2, 4]
  private let socket: SocketIOClient
  /// Changes received outside a commit, not yet handed out.
  private var received: [Change] = []

  /// Connects to `padID` on the server at `baseURL` and reads CLIENT_VARS.
  ///
  /// - Throws: ``RealtimeError``: ``RealtimeError/accessDenied(padID:)`` for `accessStatus: deny`,
  ///   ``RealtimeError/socket(_:)`` when the socket cannot be opened, a disconnect reason.
  public init(baseURL: URL, padID: String, identity: Identity, timeout: TimeInterval, caFile: String? = nil) throws(RealtimeError) {
    self.padID = padID
    commitTimeout = max(timeout, 20)
    socket = try Self.open(baseURL: baseURL, padID: padID, identity: identity, timeout: timeout, caFile: caFile)
    try Self.emit(socket, Self.clientReady(padID, identity), padID: padID)
    let deadline = Date().addingTimeInterval(timeout)
    while true {
      let message = try Self.nextMessage(socket, until: deadline, padID: padID, waitingFor: "CLIENT_VARS", seconds: timeout)
      guard message["type"] as? String == "CLIENT_VARS" else { continue }
      guard let data = message["data"] as? [String: Any], let authorID = data["userId"] as? String,
        let collab = data["collab_client_vars"] as? [String: Any], let revision = collab["rev"] as? Int,
        let initial = collab["initialAttributedText"] as? [String: Any], let text = initial["text"] as? String,
        let attribs = initial["attribs"] as? String, let poolObject = collab["apool"],
        let pool = try? JSONDecoder().decode(AttributePool.self, from: JSONSerialization.data(withJSONObject: poolObject)),
        let attributed = try? AttributedText(text: text, attributes: Changeset.unpackOperations(attribs))
      else { throw .malformed(padID: padID, detail: "CLIENT_VARS lacks the text, revision or attribute pool") }
      self.authorID = authorID
      self.readOnly = data["readonly"] as? Bool ?? false
      self.revision = revision
      self.pool = pool
      self.text = attributed
      return
    }
  }

  /// A socket to the server with the identity's cookies (`token`, `express_sid`, `sessionID`)
  /// on the upgrade, as a browser sends them.
  static func open(
    baseURL: URL, padID: String, identity: Identity, timeout: TimeInterval, caFile: String? = nil
  ) throws(RealtimeError) -> SocketIOClient {
    var cookies = identity.cookies
    cookies["token"] = identity.token
    let header = cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
    do {
      return try SocketIOClient(
        baseURL: baseURL, query: [URLQueryItem(name: "padId", value: padID)], headers: [("Cookie", header)], timeout: timeout,
        caFile: caFile)
    } catch {
      throw .socket(error)
    }
  }

  /// CLIENT_READY for `padID` as `identity` (the session id and name too, when it has them).
  static func clientReady(_ padID: String, _ identity: Identity) -> [String: Any] {
    var ready: [String: Any] = ["component": "pad", "type": "CLIENT_READY", "padId": padID, "token": identity.token]
    if let session = identity.cookies["sessionID"] { ready["sessionID"] = session }
    if let name = identity.name, !name.isEmpty { ready["userInfo"] = ["name": name] }
    return ready
  }

  // A deinit may run on any thread, the cooperative pool's too: it does not wait for the server.
  deinit { socket.close(wait: 0) }

  /// The changes colleagues made since the last call, waiting at most `wait` seconds for the
  /// first; `text` and `revision` follow them.
  ///
  /// - Throws: ``RealtimeError`` for a disconnect or a broken socket.
  public func changes(wait: TimeInterval) throws(RealtimeError) -> [Change] {
    var none: Changeset?
    if received.isEmpty, let message = try nextMessage(wait: wait) { try take(message, inFlight: &none) }
    while let message = try nextMessage(wait: 0) { try take(message, inFlight: &none) }
    defer { received = [] }
    return received
  }

  /// Makes the pad's text `newText` with one changeset, awaited until ACCEPT_COMMIT.
  ///
  /// The changeset goes from `text` (the server's text at `revision`), touches only what differs,
  /// and its inserts are this author's; it is sent as USER_CHANGES (then `sent` is called).
  /// Colleagues' revisions arriving meanwhile are applied and the change rebased over them, as
  /// the server does. A `rateLimited` answer (the server dropped the message) sends the change
  /// again, rebased, after each pause of `rateLimitPauses`.
  ///
  /// - Throws: ``RealtimeError/readOnly(padID:)``; ``RealtimeError/badChangeset(padID:)`` and
  ///   the other disconnect reasons; ``RealtimeError/rateLimited(padID:)`` once the pauses are
  ///   spent; ``RealtimeError/noAnswer(padID:waitingFor:seconds:)``.
  public func commit(_ newText: String, sent: () -> Void = {}) throws(RealtimeError) -> Commit {
    guard !readOnly else { throw .readOnly(padID: padID) }
    var messagePool = AttributePool()
    let author = messagePool.put(.init("author", authorID))
    let changeset = Changeset.between(text.text, newText, insertAttributes: [author])
    var foreign = received
    received = []
    guard !changeset.isIdentity else { return Commit(text: text.text, revision: revision, foreign: foreign, stored: false) }
    do {
      try changeset.validated()
    } catch {
      throw .malformed(padID: padID, detail: "pushnote built an invalid changeset: \(error)")
    }
    var inFlight: Changeset
    do {
      inFlight = try messagePool.renumber(changeset, into: &pool)
    } catch {
      throw .malformed(padID: padID, detail: "\(error)")
    }
    var pauses = rateLimitPauses[...]
    while true {
      try sendChanges(inFlight)
      sent()
      do {
        let stored = try awaitAcceptance(&inFlight)
        foreign += received
        received = []
        return Commit(text: text.text, revision: revision, foreign: foreign, stored: stored)
      } catch .rateLimited where !pauses.isEmpty {
        // The message was dropped, the socket stays: wait out the server's window, send again.
        Thread.sleep(forTimeInterval: pauses.removeFirst())
      }
    }
  }

  /// Sends `change` (in this connection's pool) as USER_CHANGES against `revision`.
  private func sendChanges(_ change: Changeset) throws(RealtimeError) {
    var messagePool = AttributePool()
    let wire: Changeset
    do {
      wire = try pool.renumber(change, into: &messagePool)
    } catch {
      throw .malformed(padID: padID, detail: "\(error)")
    }
    let poolJSON = (try? JSONSerialization.jsonObject(with: JSONEncoder().encode(messagePool))) ?? [:]
    try Self.emit(
      socket,
      [
        "component": "pad", "type": "COLLABROOM",
        "data": ["type": "USER_CHANGES", "baseRev": revision, "changeset": wire.packed, "apool": poolJSON],
      ], padID: padID)
  }

  /// Waits for ACCEPT_COMMIT, rebasing `inFlight` over the revisions that come first; returns
  /// whether the server stored a revision.
  private func awaitAcceptance(_ inFlight: inout Changeset) throws(RealtimeError) -> Bool {
    let deadline = Date().addingTimeInterval(commitTimeout)
    while true {
      let message = try Self.nextMessage(
        socket, until: deadline, padID: padID, waitingFor: "ACCEPT_COMMIT", seconds: commitTimeout)
      let data = message["data"] as? [String: Any] ?? [:]
      if message["type"] as? String == "COLLABROOM", data["type"] as? String == "ACCEPT_COMMIT" {
        guard let newRevision = data["newRev"] as? Int else { throw .malformed(padID: padID, detail: "ACCEPT_COMMIT without newRev") }
        let stored = newRevision == revision + 1
        if stored {
          do {
            try text.apply(inFlight, pool: &pool)
          } catch {
            throw .malformed(padID: padID, detail: "the accepted change does not apply: \(error)")
          }
        }
        revision = newRevision
        return stored
      }
      try take(message, inFlight: &inFlight)
    }
  }

  /// Closes the socket.
  public func close() { socket.close() }

  /// Takes a NEW_CHANGES (others are ignored), rebasing `inFlight` over it.
  private func take(_ message: [String: Any], inFlight: inout Changeset?) throws(RealtimeError) {
    guard message["type"] as? String == "COLLABROOM", let data = message["data"] as? [String: Any],
      data["type"] as? String == "NEW_CHANGES"
    else { return }
    guard let newRevision = data["newRev"] as? Int, let packed = data["changeset"] as? String, let poolObject = data["apool"]
    else { throw .malformed(padID: padID, detail: "NEW_CHANGES without newRev, changeset or apool") }
    guard newRevision == revision + 1 else { return }
    do {
      let messagePool = try JSONDecoder().decode(AttributePool.self, from: JSONSerialization.data(withJSONObject: poolObject))
      let changeset = try messagePool.renumber(Changeset(packed: packed), into: &pool)
      try text.apply(changeset, pool: &pool)
      if let pending = inFlight { inFlight = try changeset.follow(pending, reverse: false, pool: &pool) }
      revision = newRevision
      received.append(Change(revision: newRevision, author: data["author"] as? String ?? "", changeset: changeset))
    } catch {
      throw .malformed(padID: padID, detail: "NEW_CHANGES \(newRevision) does not apply: \(error)")
    }
  }

  private func take(_ message: [String: Any], inFlight: inout Changeset) throws(RealtimeError) {
    var optional: Changeset? = inFlight
    try take(message, inFlight: &optional)
    if let optional { inFlight = optional }
  }

  private func nextMessage(wait: TimeInterval) throws(RealtimeError) -> [String: Any]? {
    let deadline = Date().addingTimeInterval(wait)
    do {
      return try Self.nextMessage(socket, until: deadline, padID: padID, waitingFor: "")
    } catch .noAnswer {
      return nil
    }
  }

  /// The next `message` event before `deadline`; disconnects, denials and error acks throw.
  static func nextMessage(
    _ socket: SocketIOClient, until deadline: Date, padID: String, waitingFor: String, seconds: Double = 0
  ) throws(RealtimeError) -> [String: Any] {
    while true {
      let event: SocketIOClient.Event?
      do {
        event = try socket.receive(wait: max(deadline.timeIntervalSinceNow, 0))
      } catch {
        throw .socket(error)
      }
      switch event {
      case nil:
        throw .noAnswer(padID: padID, waitingFor: waitingFor, seconds: seconds)
      case .acknowledgement(_, let arguments):
        let values = (try? JSONSerialization.jsonObject(with: arguments)) as? [Any] ?? []
        if let error = values.first as? [String: Any], let text = error["message"] as? String {
          if text.contains("read-only") { throw .readOnly(padID: padID) }
          if text == "access denied" { throw .accessDenied(padID: padID) }
          throw .refusedMessage(padID: padID, message: text)
        }
      case .message(let data):
        guard let message = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { continue }
        if message["accessStatus"] as? String == "deny" { throw .accessDenied(padID: padID) }
        if let reason = message["disconnect"] as? String { throw .disconnect(reason, padID: padID) }
        return message
      }
    }
  }

  static func emit(_ socket: SocketIOClient, _ message: [String: Any], padID: String) throws(RealtimeError) {
    guard let data = try? JSONSerialization.data(withJSONObject: message, options: [.sortedKeys]) else {
      throw .malformed(padID: padID, detail: "a message pushnote could not encode")
    }
    do {
      try socket.emit(data, acknowledged: true)
    } catch {
      throw .socket(error)
    }
  }
}
