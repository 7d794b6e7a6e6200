import FlyingFox
import FlyingSocks
import Foundation

/// A stand-in Etherpad 3.x HTTP API on 127.0.0.1 (port chosen by the system), behaving as
/// spec/etherpad-api.md describes: versions, the `{code,message,data}` envelope and its HTTP
/// statuses, exact messages, apikey and OAuth2 client-credentials auth (tokens die on
/// ``restart()``), `cleanText`, the final-newline rule, the createPad asymmetry, no revision for
/// identical text. Faults are scripted per function with ``inject(_:into:)``; ``setDelays(_:)``
/// slows every API call by a random time (so that a kill lands mid-request). A colleague's browser
/// edit, which the real server rebases onto the head and applies atomically, is sent as
/// `POST /test/replace` (`padID`, `old`, `new`: the first `old` becomes `new`), a test hook outside
/// `/api`.
public actor FakeEtherpad {
  /// How clients authenticate.
  public enum Auth: Sendable {
    /// `authenticationMethod: apikey` with this key.
    case apiKey(String)
    /// `sso` with one client-credentials client.
    case clientCredentials(id: String, secret: String)
  }

  /// One scripted misbehaviour, used by the next call of a function.
  public enum Fault: Sendable {
    /// Answer with this HTTP status and body instead (and do nothing).
    case respond(status: Int, body: String, headers: [String: String] = [:])
    /// Wait this many seconds, then behave normally.
    case delay(Double)
    /// Do the call, then answer with only the first `bytes` bytes of the body.
    case truncate(bytes: Int)
    /// Do the call, then answer with this status (the client cannot know it was applied).
    case applyThenFail(status: Int)
    /// Do the call, then wait this long before answering (a timeout after the fact).
    case applyThenHang(Double)
    /// Before doing the call, a colleague replaces the pad's text by this transform of it.
    case colleagueEdit(@Sendable (String) -> String)
    /// Do the call, then send half the answer and close the connection.
    case dropConnection
  }

  /// One pad: its text at every revision.
  public struct Pad: Sendable {
    /// Texts by revision; `revisions.count - 1` is the head.
    public var revisions: [String]
    /// The head's text.
    public var text: String { revisions[revisions.count - 1] }
  }

  /// Every API version Etherpad 3.3 routes.
  public static let versions = [
    "1", "1.1", "1.2", "1.2.1", "1.2.7", "1.2.8", "1.2.9", "1.2.10", "1.2.11", "1.2.12", "1.2.13", "1.2.14", "1.2.15",
    "1.3.0", "1.3.1",
  ]
  static let functions: Set<String> = [
    "createPad", "getText", "setText", "appendText", "getRevisionsCount", "deletePad", "listAllPads", "checkToken",
    "getLastEdited", "padUsersCount", "createGroupIfNotExistsFor", "createGroupPad", "createAuthorIfNotExistsFor", "createSession",
    "setPublicStatus",
  ]

  private let auth: Auth
  private var server: HTTPServer?
  private var runTask: Task<Void, Error>?
  /// The port kept while the server is down (``goDown()``).
  private var reservedPort: (socket: Socket, port: UInt16)?
  /// The pads by id (the realtime socket shares them).
  public internal(set) var pads: [String: Pad] = [:] {
    didSet { realtimePadsChanged() }
  }
  /// The realtime socket's state (FakeRealtimeEtherpad.swift).
  var realtime = FakeRealtimeState()
  private var tokens: Set<String> = []
  private var faults: [String: [Fault]] = [:]
  /// Every API function called, in order (`api` for `GET /api`, `token` for OAuth).
  public private(set) var calls: [String] = []
  /// Every request's target and headers, to check that no secret travels in a URL.
  public private(set) var requestTargets: [String] = []
  /// `getText(rev)` answers with the pre-1.9 `{text:{text,attribs}}` shape.
  public var legacyRevisionShape = false
  /// The server's base URL, once started.
  public private(set) var baseURL = ""
  /// Seconds each API call waits before it is handled, drawn at random from this range.
  private var delays: ClosedRange<Double>?

  /// A server with the given auth; call ``start()``.
  public init(auth: Auth = .apiKey("test-key")) {
    self.auth = auth
  }

  /// Starts listening on 127.0.0.1 at `port` (0: one the system chooses; the port of an earlier
  /// start: the same server back after ``stop()``, its pads kept); returns the base URL.
  @discardableResult
  public func start(port: UInt16 = 0) async throws -> String {
    let server = HTTPServer(address: try sockaddr_in.inet(ip4: "127.0.0.1", port: port), timeout: 60, logger: .disabled)
    await installRealtimeRoutes(on: server)
    await server.appendRoute("*") { [weak self] request in
      guard let self else { return HTTPResponse(statusCode: .serviceUnavailable) }
      return await self.handle(request)
    }
    self.server = server
    runTask = Task { try await server.run() }
    // FlyingFox's default of 5 s is too short on a machine busy with the whole suite and other builds.
    try await server.waitUntilListening(timeout: 60)
    guard case .ip4(_, let port) = await server.listeningAddress else { throw URLError(.cannotConnectToHost) }
    baseURL = "http://127.0.0.1:\(port)"
    return baseURL
  }

  /// Stops listening (later calls are refused) and drops every socket.
  public func stop() async {
    dropAllSockets()
    await server?.stop()
    runTask?.cancel()
  }

  /// Goes down as a crashed server does: every socket dropped, connections to its port refused.
  ///
  /// The port stays reserved (bound, not listening), so that ``comeBack()`` gets it again even on
  /// a machine where other programs take ephemeral ports meanwhile.
  public func goDown() async throws {
    guard case .ip4(_, let port) = await server?.listeningAddress else { throw URLError(.cannotConnectToHost) }
    await stop()
    // The server's last connections may hold the port for a moment after it stops listening.
    let deadline = Date().addingTimeInterval(20)
    while true {
      let placeholder = try Socket(domain: AF_INET)
      try placeholder.setValue(true, for: .localAddressReuse)
      do {
        try placeholder.bind(to: try sockaddr_in.inet(ip4: "127.0.0.1", port: port))
        reservedPort = (placeholder, port)
        return
      } catch {
        try? placeholder.close()
        guard Date() < deadline else { throw error }
        try await Task.sleep(for: .milliseconds(50))
      }
    }
  }

  /// Comes back on the port it had before ``goDown()``, its pads kept.
  public func comeBack() async throws {
    guard let (placeholder, port) = reservedPort else { return }
    try placeholder.close()
    reservedPort = nil
    try await start(port: port)
  }

  /// Bytes that clients sent: each HTTP request's target and body, each socket packet's text
  /// (headers and WebSocket framing not counted).
  public internal(set) var bytesReceived = 0

  /// Forgets every bearer token, as a real server does when it restarts.
  public func restart() { tokens.removeAll() }

  /// Queues a fault for the next call of `function`.
  public func inject(_ fault: Fault, into function: String) { faults[function, default: []].append(fault) }

  /// Sets a pad's text as a colleague typing in the browser would (a new revision if different).
  public func colleagueSets(_ padID: String, _ text: String) {
    guard var pad = pads[padID] else { return }
    let cleaned = Self.finalNewline(Self.cleanText(text))
    if cleaned != pad.text { pad.revisions.append(cleaned) }
    pads[padID] = pad
  }

  /// Creates a pad holding `text` (already in the pad's form), as if made in the browser.
  public func seed(_ padID: String, _ text: String) {
    pads[padID] = Pad(revisions: [Self.finalNewline(Self.cleanText(text))])
  }

  /// Deletes a pad as `deletePad` would.
  public func delete(_ padID: String) { pads[padID] = nil }

  /// How many times `function` was called.
  public func count(_ function: String) -> Int { calls.filter { $0 == function }.count }

  /// Answers `getText(rev)` in the pre-1.9 `{text:{text,attribs}}` shape from now on.
  public func setLegacyShape() { legacyRevisionShape = true }

  /// Forgets the recorded calls.
  public func resetCalls() { calls.removeAll() }

  /// Delays every API call by a random time from `range` (nil: no delay).
  public func setDelays(_ range: ClosedRange<Double>?) { delays = range }

  // MARK: Handling

  private func handle(_ request: HTTPRequest) async -> HTTPResponse {
    requestTargets.append(
      request.path + (request.query.isEmpty ? "" : "?" + request.query.map { "\($0.name)=\($0.value)" }.joined(separator: "&")))
    bytesReceived += requestTargets[requestTargets.count - 1].utf8.count
    let path = request.path
    if path == "/api" || path == "/api/" {
      calls.append("api")
      return json(200, ["currentVersion": "1.3.1"])
    }
    var fields: [String: String] = [:]
    for item in request.query { fields[item.name] = item.value.replacingOccurrences(of: "+", with: " ") }
    let body = (try? await request.bodyData) ?? Data()
    bytesReceived += body.count
    if !body.isEmpty {
      guard request.headers[HTTPHeader("Content-Type")]?.hasPrefix("application/x-www-form-urlencoded") == true else {
        return json(500, ["error": "Sorry, something bad happened!"])
      }
      for (key, value) in Self.parseForm(body) { fields[key] = value }
    }
    if path == "/oidc/token" { return token(fields) }
    if path == "/test/replace" {
      guard let padID = fields["padID"], let old = fields["old"], let new = fields["new"], let pad = pads[padID],
        let range = pad.text.range(of: old)
      else { return json(200, ["code": 1, "message": "no such text", "data": NSNull()]) }
      colleagueSets(padID, pad.text.replacingCharacters(in: range, with: new))
      return ok(nil)
    }
    let parts = path.split(separator: "/").map(String.init)
    guard parts.count == 3, parts[0] == "api", Self.versions.contains(parts[1]) else {
      return HTTPResponse(statusCode: .notFound, headers: [.contentType: "text/html"], body: Data("Cannot POST \(path)".utf8))
    }
    let function = parts[2]
    calls.append(function)
    guard Self.functions.contains(function) else { return envelope(404, code: 3, message: "no such function") }
    if let failure = authenticate(fields, request.headers[.authorization]) { return failure }
    if let delays { try? await Task.sleep(nanoseconds: UInt64(Double.random(in: delays) * 1_000_000_000)) }
    var fault = faults[function]?.isEmpty == false ? faults[function]?.removeFirst() : nil
    switch fault {
    case .respond(let status, let body, let headers)?:
      var response = HTTPResponse(statusCode: HTTPStatusCode(status, phrase: "Fault"), body: Data(body.utf8))
      for (name, value) in headers { response.headers[HTTPHeader(name)] = value }
      return response
    case .delay(let seconds)?:
      try? await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
      fault = nil
    case .colleagueEdit(let transform)?:
      if let padID = fields["padID"], let pad = pads[padID] { colleagueSets(padID, transform(pad.text)) }
      fault = nil
    default: break
    }
    let response = perform(function, fields)
    switch fault {
    case .truncate(let bytes)?:
      let data = (try? await response.bodyData) ?? Data()
      return HTTPResponse(statusCode: response.statusCode, headers: [.contentType: "application/json"], body: data.prefix(bytes))
    case .applyThenFail(let status)?:
      return json(status, ["code": 2, "message": "internal error", "data": NSNull()])
    case .applyThenHang(let seconds)?:
      try? await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
      return response
    case .dropConnection?:
      let data = [UInt8]((try? await response.bodyData) ?? Data())
      return HTTPResponse(
        statusCode: response.statusCode, headers: [.contentType: "application/json"],
        body: HTTPBodySequence(from: DroppedBody(bytes: Array(data.prefix(max(1, data.count / 2)))), count: data.count))
    default:
      return response
    }
  }

  private func authenticate(_ fields: [String: String], _ authorization: String?) -> HTTPResponse? {
    switch auth {
    case .apiKey(let key):
      let given = fields["apikey"] ?? fields["api_key"] ?? authorization
      return given == key ? nil : envelope(401, code: 4, message: "no or wrong API Key")
    case .clientCredentials:
      guard let authorization else { return envelope(401, code: 4, message: "no or wrong API Key") }
      let value = authorization.hasPrefix("Bearer ") ? String(authorization.dropFirst(7)) : authorization
      return tokens.contains(value) ? nil : envelope(401, code: 4, message: "no or wrong OAuth token")
    }
  }

  private func token(_ fields: [String: String]) -> HTTPResponse {
    calls.append("token")
    guard case .clientCredentials(let id, let secret) = auth, fields["grant_type"] == "client_credentials",
      fields["client_id"] == id, fields["client_secret"] == secret
    else { return json(401, ["error": "invalid_client"]) }
    let value = UUID().uuidString
    tokens.insert(value)
    return json(200, ["access_token": value, "expires_in": 3600, "token_type": "Bearer"])
  }

  private func perform(_ function: String, _ fields: [String: String]) -> HTTPResponse {
    if function == "listAllPads" { return ok(["padIDs": pads.keys.sorted()]) }
    if function == "checkToken" { return ok(nil) }
    if let response = performGroupFunction(function, fields) { return response }
    guard let rawID = fields["padID"] else { return envelope(200, code: 1, message: "padID is not a string") }
    let padID = pads[rawID] != nil ? rawID : rawID.replacingOccurrences(of: #"\s+"#, with: "_", options: .regularExpression)
    if function == "createPad", padID.contains("$") { return envelope(200, code: 1, message: "createPad can't create group pads") }
    guard Self.isValidPadID(padID) else {
      return envelope(200, code: 1, message: "padID did not match requirements")
    }
    if function == "padUsersCount" { return ok(["padUsersCount": 0]) }
    if function == "createPad" {
      if ["/", "?", "&", "#"].contains(where: { padID.contains($0) }) {
        return envelope(200, code: 1, message: "malformed padID: Remove special characters")
      }
      guard pads[padID] == nil else { return envelope(200, code: 1, message: "padID does already exist") }
      let text = fields["text"] ?? "Welcome to Etherpad!\n\nThis pad text is synchronized as you type.\n"
      guard text.utf16.count <= 100_000 else { return envelope(200, code: 1, message: "text must be less than 100k chars") }
      // createPad does not clean its text and puts it before the initial "\n".
      pads[padID] = Pad(revisions: [text + "\n"])
      return ok(["deletionToken": String(repeating: "ab", count: 32)])
    }
    if function == "setText" || function == "appendText", fields["text"] == nil {
      return envelope(200, code: 1, message: "text is not a string")
    }
    guard var pad = pads[padID] else { return envelope(200, code: 1, message: "padID does not exist") }
    switch function {
    case "getRevisionsCount": return ok(["revisions": pad.revisions.count - 1])
    case "getLastEdited": return ok(["lastEdited": 1_764_000_000_000 + pad.revisions.count])
    case "deletePad":
      pads[padID] = nil
      return ok(nil)
    case "getText":
      guard let revText = fields["rev"], !revText.isEmpty else { return ok(["text": pad.text]) }
      guard let rev = Int(revText.prefix { $0.isNumber || $0 == "-" }) else {
        return envelope(200, code: 1, message: "rev is not a number")
      }
      guard rev >= 0 else { return envelope(200, code: 1, message: "rev is not a negative number") }
      guard rev < pad.revisions.count else {
        return envelope(200, code: 1, message: "rev is higher than the head revision of the pad")
      }
      if legacyRevisionShape { return ok(["text": ["text": pad.revisions[rev], "attribs": "*0+1"]]) }
      return ok(["text": pad.revisions[rev]])
    case "setText":
      let cleaned = Self.finalNewline(Self.cleanText(fields["text"] ?? ""))
      if cleaned != pad.text { pad.revisions.append(cleaned) }
      pads[padID] = pad
      return ok(nil)
    case "appendText":
      let addition = Self.cleanText(fields["text"] ?? "")
      if !addition.isEmpty { pad.revisions.append(Self.finalNewline(String(pad.text.dropLast()) + addition + "\n")) }
      pads[padID] = pad
      return ok(nil)
    default:
      return envelope(404, code: 3, message: "no such function")
    }
  }

  // MARK: Etherpad's text rules

  /// `Pad.cleanText`: CRLF and lone CR become LF, a tab becomes eight spaces (NBSP kept, 2.7.1+).
  public static func cleanText(_ text: String) -> String {
    text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
      .replacingOccurrences(of: "\t", with: "        ")
  }

  /// A pad's text always ends with "\n".
  static func finalNewline(_ text: String) -> String { text.hasSuffix("\n") ? text : text + "\n" }

  /// Parses `application/x-www-form-urlencoded` the way Etherpad does (`+` is a space).
  static func parseForm(_ body: Data) -> [(String, String)] {
    [UInt8](body).split(separator: UInt8(ascii: "&")).map { pair in
      let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
      return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
    }
  }

  /// Percent-decodes bytes, `+` as a space.
  static func decode(_ bytes: ArraySlice<UInt8>) -> String {
    func hex(_ byte: UInt8) -> UInt8? {
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
      case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
      case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
      default: return nil
      }
    }
    var result: [UInt8] = []
    result.reserveCapacity(bytes.count)
    var index = bytes.startIndex
    while index < bytes.endIndex {
      let byte = bytes[index]
      if byte == UInt8(ascii: "%"), index + 2 < bytes.endIndex, let high = hex(bytes[index + 1]), let low = hex(bytes[index + 2]) {
        result.append(high << 4 | low)
        index += 3
      } else {
        result.append(byte == UInt8(ascii: "+") ? 0x20 : byte)
        index += 1
      }
    }
    return String(decoding: result, as: UTF8.self)
  }

  func ok(_ data: Any?) -> HTTPResponse { json(200, ["code": 0, "message": "ok", "data": data ?? NSNull()]) }

  func envelope(_ status: Int, code: Int, message: String) -> HTTPResponse {
    json(status, ["code": code, "message": message, "data": NSNull()])
  }

  private func json(_ status: Int, _ object: [String: Any]) -> HTTPResponse {
    let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    return HTTPResponse(
      statusCode: HTTPStatusCode(status, phrase: status == 200 ? "OK" : "Error"),
      headers: [.contentType: "application/json; charset=utf-8"], body: data)
  }
}
