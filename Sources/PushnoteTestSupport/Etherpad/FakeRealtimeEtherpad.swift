import FlyingFox
import Foundation
import PushnoteCore

/// The fake Etherpad's realtime socket (`/socket.io/`, Engine.IO 4, Socket.IO 5), behaving as
/// spec/etherpad-realtime.md says the real server does: CLIENT_READY with token and access
/// checks, CLIENT_VARS, USER_CHANGES validated (checkRep, authors, base length) and rebased
/// over the revisions since `baseRev` with `follow`, ACCEPT_COMMIT to the sender and NEW_CHANGES
/// to the others, authorship kept per character, the disconnect reasons, rate limiting, pings.
/// Its pads are the HTTP API's: a socket commit is a revision `getText` sees, and a `setText`
/// reaches the sockets as a whole-pad NEW_CHANGES by `a.etherpad-system`.
extension FakeEtherpad {
  /// The author Etherpad 3.x writes HTTP API text as.
  public static let systemAuthor = "a.etherpad-system"

  // MARK: Settings and inspection for tests

  /// Requires `GET /p/<pad>` with these basic credentials before a socket may open a pad; a
  /// `readOnly` user's pads open read-only (`padAuthorizations[pad] = "readOnly"`).
  public func requireAuthentication(user: String, password: String, readOnly: Bool = false) {
    realtime.basicCredentials = (user, password)
    realtime.basicReadOnly = readOnly
  }

  /// Limits socket messages to `points` per `window` seconds, all sockets together as one IP
  /// (Etherpad's default in production: 10 per second; nil: no limit, as outside production).
  public func limitSocketMessages(to points: Int?, per window: TimeInterval = 1) {
    realtime.rateLimit = points
    realtime.rateWindowLength = window
  }

  /// Right before each of the next `times` messages of `type` (`USER_CHANGES`, `CLIENT_READY`)
  /// arrives, other browsers behind the same IP send `count` messages: they count against the
  /// rate limit as the real server counts per IP.
  public func otherBrowsersSend(_ count: Int, before type: String, times: Int = 1) { realtime.bursts[type] = (count, times) }

  /// How many messages the rate limit refused (`{"disconnect":"rateLimited"}`).
  public var rateLimitedMessages: Int { realtime.rateLimited }

  /// Refuses WebSocket upgrades (as a proxy that does not pass them).
  public func refuseSockets(_ refuse: Bool = true) { realtime.refuseSockets = refuse }

  /// Sets the Engine.IO ping interval and timeout (seconds).
  public func setPing(interval: TimeInterval, timeout: TimeInterval) {
    realtime.pingInterval = interval
    realtime.pingTimeout = timeout
  }

  /// The read-only id of a pad (`getReadOnlyID`).
  public func readOnlyID(of padID: String) -> String {
    if let existing = realtime.readOnlyIDs.first(where: { $0.value == padID })?.key { return existing }
    let id = "r." + String(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())
    realtime.readOnlyIDs[id] = padID
    return id
  }

  /// The next USER_CHANGES is stored, then the connection drops before ACCEPT_COMMIT.
  public func dropConnectionAfterNextCommit() { realtime.dropAfterStoring += 1 }

  /// The next USER_CHANGES gets `{"disconnect": reason}` and is not stored.
  public func failNextCommit(with reason: String) { realtime.failCommits.append(reason) }

  /// Right before the next USER_CHANGES is handled, `author` (an author id) changes the pad's
  /// text with `edit`, as a colleague whose keystrokes reached the server first.
  public func colleagueTypesBeforeNextCommit(as author: String, _ edit: @escaping @Sendable (String) -> String) {
    realtime.editsBeforeCommit.append((author, edit))
  }

  /// Sends `{"disconnect": reason}` to every socket in `padID`.
  public func disconnectSockets(of padID: String, reason: String) {
    for (id, connection) in realtime.connections where connection.padID == padID { emit(id, ["disconnect": reason]) }
  }

  /// Closes every socket at once, without a close frame's courtesy to the protocol above.
  public func dropAllSockets() {
    for connection in realtime.connections.values { connection.output.finish() }
    realtime.connections.removeAll()
  }

  /// The author of each UTF-16 code unit of the pad's text (nil where none).
  public func authors(of padID: String) throws -> [String?] {
    guard let pad = realtime.pads[padID] else { return [] }
    return try pad.text.values(of: "author", pool: pad.pool)
  }

  /// The author id a token maps to (made on first use, as `token2author`).
  public func authorID(forToken token: String) -> String { author(forToken: token) }

  /// The name an author gave in `userInfo`.
  public func authorName(_ authorID: String) -> String? { realtime.authorNames[authorID] }

  /// Every message type the sockets received, in order.
  public var socketMessages: [String] { realtime.received }

  /// The Engine.IO ping interval, seconds.
  public var pingInterval: TimeInterval { realtime.pingInterval }

  /// How many Engine.IO pongs the sockets sent.
  public var pongs: Int { realtime.pongs }

  /// How many sockets are connected.
  public var socketCount: Int { realtime.connections.count }

  // MARK: Routes

  /// Adds `/socket.io/` and `/p/<pad>` in front of the API's catch-all route.
  func installRealtimeRoutes(on server: HTTPServer) async {
    for route in ["GET /socket.io", "GET /socket.io/*"] {
      await server.appendRoute(HTTPRoute(route)) { [weak self] request in
        guard let self else { return HTTPResponse(statusCode: .serviceUnavailable) }
        return try await self.upgrade(request)
      }
    }
    await server.appendRoute("GET /p/*") { [weak self] request in
      guard let self else { return HTTPResponse(statusCode: .serviceUnavailable) }
      return await self.padPage(request)
    }
  }

  private func upgrade(_ request: HTTPRequest) async throws -> HTTPResponse {
    guard request.query["EIO"] == "4" else {
      return HTTPResponse(statusCode: .badRequest, body: Data(#"{"code":5,"message":"Unsupported protocol version"}"#.utf8))
    }
    guard request.query["transport"] == "websocket", !realtime.refuseSockets else {
      return HTTPResponse(statusCode: .badRequest, body: Data(#"{"code":0,"message":"Transport unknown"}"#.utf8))
    }
    let header = request.headers[HTTPHeader("Cookie")] ?? request.query["cookie"] ?? ""
    let handler = RealtimeConnectionHandler(server: self, cookies: Self.parseCookies(header))
    return try await WebSocketHTTPHandler(handler: MessageFrameWSHandler(handler: handler)).handleRequest(request)
  }

  /// `GET /p/<pad>`: with requireAuthentication, basic credentials give an `express_sid` session
  /// that may open this pad; a wrong password is 401.
  private func padPage(_ request: HTTPRequest) -> HTTPResponse {
    let padID = String(request.path.dropFirst(3))
    guard let credentials = realtime.basicCredentials else { return HTTPResponse(statusCode: .ok, body: Data("<html>".utf8)) }
    let expected = "Basic " + Data("\(credentials.user):\(credentials.password)".utf8).base64EncodedString()
    guard request.headers[HTTPHeader("Authorization")] == expected else {
      return HTTPResponse(statusCode: .unauthorized, headers: [HTTPHeader("WWW-Authenticate"): "Basic realm=\"etherpad\""])
    }
    let cookies = Self.parseCookies(request.headers[HTTPHeader("Cookie")] ?? "")
    let session = cookies["express_sid"].flatMap { realtime.expressSessions[$0] != nil ? $0 : nil } ?? "s%3A" + UUID().uuidString
    realtime.expressSessions[session, default: []].insert(padID)
    if realtime.basicReadOnly { realtime.readOnlySessions.insert(session) }
    return HTTPResponse(
      statusCode: .ok, headers: [HTTPHeader("Set-Cookie"): "express_sid=\(session); Path=/; HttpOnly"], body: Data("<html>".utf8))
  }

  // MARK: Connections

  /// Registers a connection and sends the Engine.IO open packet.
  func connect(cookies: [String: String], output: AsyncStream<WSMessage>.Continuation) -> Int {
    let id = realtime.nextConnection
    realtime.nextConnection += 1
    let sid = UUID().uuidString
    realtime.connections[id] = FakeRealtimeState.Connection(output: output, cookies: cookies, sid: sid)
    let open: [String: Any] = [
      "sid": sid, "upgrades": [String](), "pingInterval": Int(realtime.pingInterval * 1000),
      "pingTimeout": Int(realtime.pingTimeout * 1000), "maxPayload": 1_000_000,
    ]
    send(id, "0" + Self.json(open))
    return id
  }

  /// The connection ended.
  func disconnected(_ id: Int) { realtime.connections[id] = nil }

  /// Pings every interval; a connection silent past the timeout is closed.
  func pingTick(_ id: Int) -> TimeInterval? {
    guard let connection = realtime.connections[id] else { return nil }
    if Date().timeIntervalSince(connection.lastPong) > realtime.pingInterval + realtime.pingTimeout {
      connection.output.finish()
      realtime.connections[id] = nil
      return nil
    }
    send(id, "2")
    return realtime.pingInterval
  }

  /// One Engine.IO packet from a connection.
  func receive(_ id: Int, _ packet: String) {
    guard realtime.connections[id] != nil else { return }
    bytesReceived += packet.utf8.count
    switch packet.first {
    case "3":
      realtime.connections[id]?.lastPong = Date()
      realtime.pongs += 1
    case "1": disconnected(id)
    case "4":
      let body = packet.dropFirst()
      if body == "0" || body.hasPrefix("0{") {
        send(id, "40" + Self.json(["sid": UUID().uuidString]))
      } else if body.hasPrefix("1") {
        disconnected(id)
      } else if body.hasPrefix("2") {
        let rest = body.dropFirst()
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard let arguments = try? JSONSerialization.jsonObject(with: Data(rest.dropFirst(digits.count).utf8)) as? [Any],
          arguments.first as? String == "message", arguments.count >= 2
        else { return }
        handle(id, arguments[1] as? [String: Any] ?? [:], ack: Int(digits))
      }
    default: break
    }
  }

  // MARK: Messages

  private func handle(_ id: Int, _ message: [String: Any], ack: Int?) {
    let type = message["type"] as? String ?? "?"
    let dataType = (message["data"] as? [String: Any])?["type"] as? String
    realtime.received.append(dataType ?? type)
    if let limit = realtime.rateLimit {
      if Date().timeIntervalSince(realtime.rateWindow.start) >= realtime.rateWindowLength { realtime.rateWindow = (Date(), 0) }
      if let burst = realtime.bursts[dataType ?? type], burst.times > 0 {
        realtime.bursts[dataType ?? type]?.times -= 1
        realtime.rateWindow.points += burst.count
      }
      realtime.rateWindow.points += 1
      if realtime.rateWindow.points > limit {
        realtime.rateLimited += 1
        emit(id, ["disconnect": "rateLimited"])
        acknowledge(id, ack, [[String: Any]()])
        return
      }
    }
    guard message["component"] as? String == "pad" else {
      return acknowledge(id, ack, [["name": "Error", "message": "unknown message component: \(message["component"] ?? "undefined")"]])
    }
    if type == "CLIENT_READY" { return clientReady(id, message, ack: ack) }
    guard let connection = realtime.connections[id], connection.padID != nil else {
      return acknowledge(id, ack, [["name": "Error", "message": "pre-CLIENT_READY \(type)"]])
    }
    // checkAccess runs on every message, with the session CLIENT_READY brought: an expired one denies.
    if let padID = connection.padID, EtherpadClient.group(ofPad: padID) != nil {
      let author = sessionAuthor(connection.sessionIDs, padID: padID)
      guard groupAllows(padID, sessionAuthor: author) else { return deny(id, ack: ack) }
      if let author, author != connection.authorID { return emit(id, ["disconnect": "rejected"]) }
    }
    guard type == "COLLABROOM" else { return acknowledge(id, ack, [NSNull(), NSNull()]) }
    guard !connection.readOnly else {
      return acknowledge(id, ack, [["name": "Error", "message": "COLLABROOM: write attempt on read-only pad"]])
    }
    if dataType == "USER_CHANGES" { userChanges(id, message["data"] as? [String: Any] ?? [:]) }
    acknowledge(id, ack, [NSNull(), NSNull()])
  }

  private func deny(_ id: Int, ack: Int?) {
    emit(id, ["accessStatus": "deny"])
    acknowledge(id, ack, [["name": "Error", "message": "access denied"]])
  }

  private func clientReady(_ id: Int, _ message: [String: Any], ack: Int?) {
    guard var connection = realtime.connections[id], var padID = message["padId"] as? String, !padID.isEmpty else {
      return deny(id, ack: ack)
    }
    var readOnly = false
    if padID.hasPrefix("r.") {
      guard let real = realtime.readOnlyIDs[padID], pads[real] != nil else { return deny(id, ack: ack) }
      padID = real
      readOnly = true
    }
    if realtime.basicCredentials != nil {
      guard let session = connection.cookies["express_sid"], realtime.expressSessions[session]?.contains(padID) == true else {
        return deny(id, ack: ack)
      }
      if realtime.readOnlySessions.contains(session) { readOnly = true }
    }
    // The session cookie, else CLIENT_READY's field (3.x honours both); its author, when valid for
    // the pad's group, is the connection's, and the token does not count.
    let sessionIDs = connection.cookies["sessionID"] ?? message["sessionID"] as? String
    let sessionAuthor = sessionAuthor(sessionIDs, padID: padID)
    let token = connection.cookies["token"] ?? message["token"] as? String
    guard sessionAuthor != nil || token.map(Self.isValidToken) == true else { return deny(id, ack: ack) }
    guard groupAllows(padID, sessionAuthor: sessionAuthor) else { return deny(id, ack: ack) }
    let authorID = sessionAuthor ?? author(forToken: token ?? "")
    connection.sessionIDs = sessionIDs
    if let info = message["userInfo"] as? [String: Any], let name = info["name"] as? String, !name.isEmpty {
      realtime.authorNames[authorID] = name
    }
    if pads[padID] == nil {
      pads[padID] = Pad(revisions: ["Welcome to Etherpad!\n\nThis pad text is synchronized as you type.\n"])
    }
    guard let pad = trackedPad(padID) else { return deny(id, ack: ack) }
    if realtime.basicCredentials == nil {
      for (other, peer) in realtime.connections where other != id && peer.padID == padID && peer.authorID == authorID {
        emit(other, ["disconnect": "userdup"])
        realtime.connections[other]?.padID = nil
      }
    }
    connection.padID = padID
    connection.authorID = authorID
    connection.readOnly = readOnly
    if message["reconnect"] as? Bool == true, let clientRevision = message["client_rev"] as? Int {
      connection.revision = clientRevision
      realtime.connections[id] = connection
      if clientRevision >= pad.head {
        emit(id, ["type": "COLLABROOM", "data": ["type": "CLIENT_RECONNECT", "noChanges": true, "newRev": pad.head]])
      }
      for revision in max(clientRevision + 1, 1)...max(pad.head, 1) where revision > clientRevision && revision <= pad.head {
        guard let stored = pad.changesets[revision] else { continue }
        let (changeset, fresh) = Self.onTheWire(stored.changeset, pool: pad.pool)
        emit(
          id,
          [
            "type": "COLLABROOM",
            "data": [
              "type": "CLIENT_RECONNECT", "headRev": pad.head, "newRev": revision, "changeset": changeset.packed,
              "apool": fresh.serverJSONObject, "author": stored.author, "currentTime": Self.now,
            ],
          ])
      }
      return acknowledge(id, ack, [NSNull(), NSNull()])
    }
    connection.revision = pad.head
    realtime.connections[id] = connection
    var fresh = AttributePool()
    let attribution = Changeset(oldLength: 0, newLength: pad.text.text.utf16.count, operations: pad.text.attributes, charBank: "")
    let renumbered = (try? pad.pool.renumber(attribution, into: &fresh))?.operations ?? pad.text.attributes
    var numbers: [String: [String]] = [:]
    for (number, attribute) in fresh.attributes { numbers[String(number)] = [attribute.key, attribute.value] }
    var historical: [String: Any] = [:]
    for attribute in pad.pool.attributes.values where attribute.key == "author" && !attribute.value.isEmpty {
      historical[attribute.value] = ["name": realtime.authorNames[attribute.value].map { $0 as Any } ?? NSNull(), "colorId": 3]
    }
    let collab: [String: Any] = [
      "initialAttributedText": ["text": pad.text.text, "attribs": Changeset.pack(renumbered)],
      "padId": readOnly ? message["padId"] as? String ?? padID : padID, "historicalAuthorData": historical,
      "apool": ["numToAttrib": numbers, "nextNum": fresh.nextNumber], "rev": pad.head, "time": Self.now,
    ]
    var data: [String: Any] = [
      "userId": authorID, "collab_client_vars": collab, "readonly": readOnly, "padId": message["padId"] ?? padID,
      "numConnectedUsers": realtime.connections.values.filter { $0.padID == padID }.count, "serverTimestamp": Self.now,
      "colorPalette": ["#ffc7c7", "#fff1c7"], "userColor": 1,
    ]
    if let name = realtime.authorNames[authorID] { data["userName"] = name }
    emit(id, ["type": "CLIENT_VARS", "data": data])
    acknowledge(id, ack, [NSNull(), NSNull()])
  }

  /// USER_CHANGES as `handleUserChanges` does it; any failure is `badChangeset` and stores nothing.
  private func userChanges(_ id: Int, _ data: [String: Any]) {
    func refuse() { emit(id, ["disconnect": "badChangeset"]) }
    if !realtime.failCommits.isEmpty { return emit(id, ["disconnect": realtime.failCommits.removeFirst()]) }
    if let padID = realtime.connections[id]?.padID, !realtime.editsBeforeCommit.isEmpty {
      let (author, edit) = realtime.editsBeforeCommit.removeFirst()
      colleagueCommits(padID, author: author, edit)
    }
    guard let connection = realtime.connections[id], let padID = connection.padID, let authorID = connection.authorID,
      var pad = realtime.pads[padID]
    else { return refuse() }
    guard let baseRevision = data["baseRev"] as? Int, !(data["baseRev"] is String),
      let packed = data["changeset"] as? String, let poolObject = data["apool"],
      let poolData = try? JSONSerialization.data(withJSONObject: poolObject),
      let messagePool = try? JSONDecoder().decode(AttributePool.self, from: poolData),
      var changeset = try? Changeset(packed: packed).validated()
    else { return refuse() }
    for operation in changeset.operations {
      var hasAuthor = false
      for number in operation.attributes {
        guard let attribute = try? messagePool.attribute(number) else { return refuse() }
        guard attribute.key == "author" else { continue }
        if attribute.value == Self.systemAuthor { return refuse() }
        if !attribute.value.isEmpty { hasAuthor = true }
        if attribute.value != authorID && !attribute.value.isEmpty {
          guard operation.kind == .keep, pad.pool.number(of: attribute) != nil else { return refuse() }
        }
      }
      if operation.kind == .insert && !hasAuthor { return refuse() }
    }
    guard let moved = try? messagePool.renumber(changeset, into: &pad.pool) else { return refuse() }
    changeset = moved
    guard baseRevision <= pad.head, baseRevision >= pad.head - pad.changesets.count else { return refuse() }
    if baseRevision < pad.head {
      for revision in baseRevision + 1...pad.head {
        guard let stored = pad.changesets[revision] else { return refuse() }
        if stored.changeset == changeset && stored.author == authorID {
          changeset = .identity(length: stored.changeset.newLength)
        } else {
          guard let rebased = try? stored.changeset.follow(changeset, reverse: false, pool: &pad.pool) else { return refuse() }
          changeset = rebased
        }
      }
    }
    var text = pad.text
    guard (try? text.apply(changeset, pool: &pad.pool)) != nil, text.text.hasSuffix("\n") else { return refuse() }
    let seenEverything = connection.revision == pad.head
    let stores = text != pad.text
    if stores {
      pad.head += 1
      pad.text = text
      pad.changesets[pad.head] = (changeset, authorID)
    }
    realtime.pads[padID] = pad
    let newRevision = pad.head
    if stores {
      // The HTTP side's copy: one text per revision, so getRevisionsCount and getText(rev) agree.
      self.pads[padID]?.revisions.append(text.text)
      for (other, peer) in realtime.connections where other != id && peer.padID == padID { sendNewChanges(other, padID, newRevision) }
    }
    if realtime.dropAfterStoring > 0 {
      realtime.dropAfterStoring -= 1
      connection.output.finish()
      realtime.connections[id] = nil
      return
    }
    guard seenEverything else { return refuse() }
    realtime.connections[id]?.revision = newRevision
    emit(id, ["type": "COLLABROOM", "data": ["type": "ACCEPT_COMMIT", "newRev": newRevision]])
  }

  /// Stores a colleague's edit as a revision of theirs and sends it to every socket.
  private func colleagueCommits(_ padID: String, author: String, _ edit: (String) -> String) {
    guard var pad = realtime.pads[padID] else { return }
    let number = pad.pool.put(.init("author", author))
    let changeset = Changeset.between(pad.text.text, edit(pad.text.text), insertAttributes: [number])
    guard !changeset.isIdentity, (try? pad.text.apply(changeset, pool: &pad.pool)) != nil else { return }
    pad.head += 1
    pad.changesets[pad.head] = (changeset, author)
    realtime.pads[padID] = pad
    pads[padID]?.revisions.append(pad.text.text)
    for (id, connection) in realtime.connections where connection.padID == padID { sendNewChanges(id, padID, pad.head) }
  }

  /// A stored changeset as the server sends it: renumbered into a pool of only the attributes it uses.
  private static func onTheWire(_ changeset: Changeset, pool: AttributePool) -> (Changeset, AttributePool) {
    var fresh = AttributePool()
    let renumbered = (try? pool.renumber(changeset, into: &fresh)) ?? changeset
    return (renumbered, fresh)
  }

  /// Sends the revisions a connection has not seen, one NEW_CHANGES each.
  private func sendNewChanges(_ id: Int, _ padID: String, _ upTo: Int) {
    guard let pad = realtime.pads[padID], let connection = realtime.connections[id], connection.revision < upTo else { return }
    for revision in connection.revision + 1...upTo {
      guard let stored = pad.changesets[revision] else { continue }
      let (changeset, fresh) = Self.onTheWire(stored.changeset, pool: pad.pool)
      emit(
        id,
        [
          "type": "COLLABROOM",
          "data": [
            "type": "NEW_CHANGES", "newRev": revision, "changeset": changeset.packed, "apool": fresh.serverJSONObject,
            "author": stored.author, "currentTime": Self.now, "timeDelta": 10,
          ],
        ])
    }
    realtime.connections[id]?.revision = upTo
  }

  // MARK: Pads shared with the HTTP API

  /// The socket side's state of a pad, begun from the HTTP side's head (its text by the system author).
  private func trackedPad(_ padID: String) -> FakeRealtimeState.Pad? {
    if let pad = realtime.pads[padID] { return pad }
    guard let http = pads[padID] else { return nil }
    var pool = AttributePool()
    let system = pool.put(.init("author", Self.systemAuthor))
    var assembler = ChangesetAssembler()
    let units = Array(http.text.utf16)
    assembler.append(.insert, units[..<(units.count - 1)], attributes: [system])
    assembler.append(.insert, units[(units.count - 1)...])
    guard let text = try? AttributedText(text: http.text, attributes: assembler.finish()) else { return nil }
    let pad = FakeRealtimeState.Pad(text: text, pool: pool, head: http.revisions.count - 1)
    realtime.pads[padID] = pad
    return pad
  }

  /// Called whenever the HTTP side's pads change: new revisions (setText, appendText, a
  /// colleague's edit) go to the sockets as whole-pad replacements by the system author; a
  /// deleted pad disconnects its sockets with `deleted`.
  func realtimePadsChanged() {
    for (padID, var pad) in realtime.pads {
      guard let http = pads[padID] else {
        disconnectSockets(of: padID, reason: "deleted")
        for (id, connection) in realtime.connections where connection.padID == padID { realtime.connections[id]?.padID = nil }
        realtime.pads[padID] = nil
        continue
      }
      guard http.revisions.count - 1 > pad.head else { continue }
      let system = pad.pool.put(.init("author", Self.systemAuthor))
      while http.revisions.count - 1 > pad.head {
        let next = http.revisions[pad.head + 1]
        var assembler = ChangesetAssembler()
        assembler.append(.remove, Array(pad.text.text.utf16)[...])
        assembler.append(.insert, Array(next.utf16)[...], attributes: [system])
        let changeset = Changeset(
          oldLength: pad.text.text.utf16.count, newLength: next.utf16.count, operations: assembler.finish(), charBank: next)
        guard (try? pad.text.apply(changeset, pool: &pad.pool)) != nil else { break }
        pad.head += 1
        pad.changesets[pad.head] = (changeset, Self.systemAuthor)
      }
      realtime.pads[padID] = pad
      for (id, connection) in realtime.connections where connection.padID == padID { sendNewChanges(id, padID, pad.head) }
    }
  }

  // MARK: Wire

  private func author(forToken token: String) -> String {
    if let author = realtime.tokenAuthors[token] { return author }
    let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    let author = "a." + String((0..<16).map { _ in alphabet[Int.random(in: 0..<alphabet.count)] })
    realtime.tokenAuthors[token] = author
    return author
  }

  /// `isValidAuthorToken`: `t.` and base64url whose length is a multiple of 4.
  static func isValidToken(_ token: String) -> Bool {
    guard token.hasPrefix("t.") else { return false }
    let rest = token.dropFirst(2)
    return rest.count % 4 == 0 && rest.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
  }

  static func parseCookies(_ header: String) -> [String: String] {
    var cookies: [String: String] = [:]
    for part in header.split(separator: ";") {
      let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
      if pair.count == 2 { cookies[pair[0]] = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
    }
    return cookies
  }

  private static var now: Int { Int(Date().timeIntervalSince1970 * 1000) }

  private func send(_ id: Int, _ packet: String) { realtime.connections[id]?.output.yield(.text(packet)) }

  private func emit(_ id: Int, _ object: [String: Any]) { send(id, "42" + Self.json(["message", object])) }

  private func acknowledge(_ id: Int, _ ack: Int?, _ arguments: [Any]) {
    guard let ack else { return }
    send(id, "43\(ack)" + Self.json(arguments))
  }

  static func json(_ object: Any) -> String {
    String(decoding: (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("null".utf8), as: UTF8.self)
  }
}

/// One socket's messages, handed to the fake's actor; the output starts with the open packet.
struct RealtimeConnectionHandler: WSMessageHandler {
  let server: FakeEtherpad
  let cookies: [String: String]

  func makeMessages(for client: AsyncStream<WSMessage>) async throws -> AsyncStream<WSMessage> {
    let (output, continuation) = AsyncStream<WSMessage>.makeStream()
    let id = await server.connect(cookies: cookies, output: continuation)
    let server = server
    Task {
      for await message in client {
        if case .text(let text) = message { await server.receive(id, text) }
      }
      await server.disconnected(id)
      continuation.finish()
    }
    Task {
      var interval = await server.pingInterval
      while true {
        try? await Task.sleep(for: .seconds(interval))
        guard let next = await server.pingTick(id) else { return }
        interval = next
      }
    }
    return output
  }
}
