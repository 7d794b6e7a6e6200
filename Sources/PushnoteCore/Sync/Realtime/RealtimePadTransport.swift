import Foundation

/// The pad's realtime path as the sync engine uses it: read the pad (text and revision from
/// CLIENT_VARS) and write the pad's side of the merge as one minimal changeset against the
/// revision read, returning the head the server made of it with the colleagues' edits it
/// rebased over.
///
/// In `auto` mode a refused socket or a read-only pad gives nil from ``read(_:)`` and a notice:
/// the engine then uses the HTTP API. One socket per sync, with one author token per user and
/// server, kept in the token cache's folder outside the notebook.
public final class RealtimePadTransport: @unchecked Sendable {
  /// The server's base URL.
  public let server: URL
  /// Which transport the notebook asks for.
  public let mode: NotebookConfig.PadConfig.Transport
  /// Who pushnote is on the pad, made on first use: a sync with nothing to do never opens the
  /// socket, so it neither reads the token cache nor parses the note for the name.
  public var identity: RealtimePadConnection.Identity {
    identityLock.withLock {
      if let madeIdentity { return madeIdentity }
      let made = makeIdentity()
      madeIdentity = made
      return made
    }
  }
  private let makeIdentity: @Sendable () -> RealtimePadConnection.Identity
  private var madeIdentity: RealtimePadConnection.Identity?
  private let identityLock = NSLock()
  /// Basic credentials for a server with requireAuthentication (`PUSHNOTE_PAD_USER`/`_PASSWORD`).
  private let basic: (user: String, password: String)?
  private let timeout: TimeInterval
  private let api: EtherpadClient?
  private let queue = DispatchQueue(label: "pushnote.realtime-pad")
  /// The open socket (LiveSync.swift reuses it across syncs).
  var connection: RealtimePadConnection?
  /// Whether ``read(_:)`` reuses the open socket instead of opening one (`sync --watch`).
  public var keepsConnection = false
  /// One-line notices for the user (a fallback to the HTTP API), in order.
  public private(set) var notices: [String] = []
  /// Socket.IO packets sent and bytes of them, for the benchmark.
  public private(set) var packetsSent = 0
  /// The author of each revision after the one ``read(_:historyAfter:)`` was given (nil when
  /// not asked or not readable).
  public private(set) var revisionAuthors: [Int: String]?
  /// The pauses before a rate-limited message is sent again; when spent, the sync stops with
  /// ``RealtimeError/rateLimited(padID:)`` (exit 75), nothing lost.
  public var rateLimitPauses: [TimeInterval] = [1, 2, 4]

  /// A transport to `server`.
  ///
  /// - Parameters:
  ///   - basic: credentials for `GET /p/<pad>` on a server that requires authentication.
  ///   - api: the HTTP API client that makes the session a group pad (`g.…$name`) needs.
  public init(
    server: URL, mode: NotebookConfig.PadConfig.Transport, identity: @autoclosure @escaping @Sendable () -> RealtimePadConnection.Identity,
    basic: (user: String, password: String)? = nil, timeout: TimeInterval = 20, api: EtherpadClient? = nil
  ) {
    self.server = server
    self.mode = mode
    self.makeIdentity = identity
    self.basic = basic
    self.timeout = timeout
    self.api = api
  }

  /// This user's author on the server's HTTP side, mapped from the author token.
  private var authorMapper: String { EtherpadClient.authorMapper(token: identity.token) }

  /// The author identity of this user on `server`: a token made once and kept private in
  /// `cache` (the OAuth token cache's folder), named `name`.
  public static func identity(server: String, cache: PadTokenCache?, name: String?) -> RealtimePadConnection.Identity {
    let clientID = "realtime-author-token"
    if let token = cache?.token(server: server, clientID: clientID, secret: "") { return .init(token: token, name: name) }
    let token = RealtimePadConnection.Identity.makeToken()
    cache?.store(token, server: server, clientID: clientID, secret: "", expiresAt: .distantFuture)
    return .init(token: token, name: name)
  }

  /// The pad's text and revision as the socket reads them, or nil when the API is to be used
  /// (mode `api`, or in `auto` a refused socket or a read-only pad, with a notice).
  ///
  /// With `historyAfter`, the authors of the revisions after it are read first (see
  /// ``revisionAuthors``). A `rateLimited` answer to CLIENT_READY is tried again after each of
  /// `rateLimitPauses`.
  ///
  /// - Throws: ``SyncError/realtime(_:)`` (in `auto` only for what the API could not do better:
  ///   denied access, a deleted pad, a broken connection).
  public func read(_ padID: String, historyAfter: Int? = nil) async throws(SyncError) -> (text: String, revision: Int)? {
    guard mode != .api else { return nil }
    if let open = try await reused(padID) { return open }
    var identity = self.identity
    if let basic {
      identity.cookies.merge(try await authorize(padID, basic), uniquingKeysWith: { $1 })
    }
    let group = EtherpadClient.group(ofPad: padID).flatMap { group in api.map { (group, $0) } }
    if let (group, api) = group {
      identity.cookies["sessionID"] = try await api.session(group: group, authorMapper: authorMapper, name: identity.name)
    }
    var freshSession = false
    revisionAuthors = nil
    if let historyAfter {
      // Before the pad is joined: a second socket of the same author would kick the first (userdup).
      let history = await run { [server, timeout] () throws(RealtimeError) -> [Int: String] in
        try RealtimePadConnection.authors(after: historyAfter, baseURL: server, padID: padID, identity: identity, timeout: timeout)
      }
      revisionAuthors = try? history.get()
    }
    var pauses = rateLimitPauses[...]
    while true {
      let result = await run { [server, timeout, rateLimitPauses] () throws(RealtimeError) -> RealtimePadConnection in
        let connection = try RealtimePadConnection(baseURL: server, padID: padID, identity: identity, timeout: timeout)
        connection.rateLimitPauses = rateLimitPauses
        return connection
      }
      switch result {
      case .success(let opened):
        if opened.readOnly {
          opened.close()
          return try fallBack(.readOnly(padID: padID))
        }
        connection = opened
        return (opened.text.text, opened.revision)
      case .failure(.rateLimited) where !pauses.isEmpty:
        try? await Task.sleep(for: .seconds(pauses.removeFirst()))
      case .failure(.accessDenied) where group != nil && !freshSession:
        // A cached session the server no longer knows (restarted, deleted, expired early): once more with a new one.
        freshSession = true
        if let (group, api) = group {
          identity.cookies["sessionID"] = try await api.session(
            group: group, authorMapper: authorMapper, name: identity.name, fresh: true)
        }
      case .failure(let error):
        return try fallBack(error)
      }
    }
  }

  /// Writes `newText` over the text read, as one changeset.
  ///
  /// Returns the server's head text and revision after it and how many colleagues' revisions it
  /// was rebased over. `sent` is called once the changeset is on its way (tests stop the process
  /// there). A `rateLimited` answer sends the changeset again, rebased, after each of `rateLimitPauses`.
  ///
  /// - Throws: ``SyncError/realtime(_:)``.
  public func write(
    _ padID: String, _ newText: String, sent: @escaping @Sendable () -> Void = {}
  ) async throws(SyncError) -> (text: String, revision: Int, foreign: Int) {
    guard let connection else { throw .realtime(.disconnected(padID: padID, reason: "write before read")) }
    let result = await run { () throws(RealtimeError) -> RealtimePadConnection.Commit in try connection.commit(newText, sent: sent) }
    switch result {
    case .success(let commit): return (commit.text, commit.revision, commit.foreign.count)
    case .failure(let error): throw .realtime(error)
    }
  }

  /// This user's author id on the pad, once a socket is open.
  public var authorID: String? { connection?.authorID }

  /// Whether a socket is open (the last ``read(_:)`` went over it).
  public var isConnected: Bool { connection != nil }

  /// Closes the socket (on the transport's queue: the caller does not wait for the server).
  public func close() {
    let closing = UncheckedBox(connection)
    connection = nil
    queue.async { closing.value?.close() }
  }

  /// In `auto`, the errors the HTTP API can stand in for become nil and a notice.
  private func fallBack(_ error: RealtimeError) throws(SyncError) -> (text: String, revision: Int)? {
    let replaceable: Bool
    switch error {
    case .readOnly: replaceable = true
    case .socket(.handshakeRefused), .socket(.badHandshake), .socket(.protocolViolation): replaceable = true
    default: replaceable = false
    }
    guard mode == .auto, replaceable else { throw .realtime(error) }
    notices.append("the pad's realtime socket is not usable (\(error)); using the HTTP API (setText) for this sync")
    return nil
  }

  /// `GET /p/<pad>` with basic credentials: the `express_sid` session cookie that lets the
  /// socket open the pad.
  private func authorize(_ padID: String, _ basic: (user: String, password: String)) async throws(SyncError) -> [String: String] {
    var request = HTTPTransport.Request(url: server.appendingPathComponent("p").appendingPathComponent(padID))
    request.setValue("Basic " + Data("\(basic.user):\(basic.password)".utf8).base64EncodedString(), forHTTPHeaderField: "Authorization")
    let response: HTTPTransport.Response
    do {
      response = try await HTTPTransport(timeout: timeout).send(request)
    } catch {
      throw .unreachable(server: server.host ?? "", function: "GET /p/\(padID)", cause: "\(error)")
    }
    guard response.status == 200 else {
      throw .unauthorized(server: server.host ?? "", message: "GET /p/\(padID) answered \(response.status)")
    }
    var cookies: [String: String] = [:]
    for part in (response.headers["set-cookie"] ?? "").split(separator: ";").first.map({ [$0] }) ?? [] {
      let pair = part.split(separator: "=", maxSplits: 1)
      if pair.count == 2 { cookies[pair[0].trimmingCharacters(in: .whitespaces)] = String(pair[1]) }
    }
    return cookies
  }

  /// Runs blocking socket work on this transport's queue, off the cooperative threads.
  func run<T>(_ body: @escaping () throws(RealtimeError) -> T) async -> Result<T, RealtimeError> {
    let box = UncheckedBox(body)
    return await withCheckedContinuation { (continuation: CheckedContinuation<UncheckedBox<Result<T, RealtimeError>>, Never>) in
      queue.async {
        do throws(RealtimeError) {
          continuation.resume(returning: UncheckedBox(.success(try box.value())))
        } catch {
          continuation.resume(returning: UncheckedBox(.failure(error)))
        }
      }
    }.value
  }
}

/// A value that crosses to the transport's queue and back; the queue is its only user meanwhile.
private struct UncheckedBox<T>: @unchecked Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}
