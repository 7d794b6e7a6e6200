import Foundation

/// A client of Etherpad's HTTP API, 1.8 to 3.x (see spec/etherpad-api.md).
///
/// Every call is a `POST {base}/api/{version}/{function}` with a form-urlencoded body (every value
/// percent-encoded, so `+` arrives as `+`); credentials go in the body or the `Authorization`
/// header, never in the URL. The `{code, message, data}` envelope is mapped to ``SyncError``.
/// Reads are retried with backoff (and `Retry-After` on 429/503); writes are never retried here.
public actor EtherpadClient {
  /// Timeouts and retries.
  public struct Options: Sendable {
    /// The deadline of one request, seconds, the whole body included.
    public var timeout: Double = 15
    /// How many times a read is tried before giving up.
    public var attempts = 3
    /// The first retry's delay, seconds; it doubles each time.
    public var backoff: Double = 0.3
    /// The longest `Retry-After` honoured, seconds.
    public var maxRetryAfter: Double = 10

    /// The defaults, adjusted by `PUSHNOTE_PAD_TIMEOUT` and `PUSHNOTE_PAD_ATTEMPTS` when set.
    public init(environment: [String: String] = [:]) {
      if let value = environment["PUSHNOTE_PAD_TIMEOUT"].flatMap(Double.init), value > 0 { timeout = value }
      if let value = environment["PUSHNOTE_PAD_ATTEMPTS"].flatMap(Int.init), value > 0 { attempts = value }
      if let value = environment["PUSHNOTE_PAD_BACKOFF"].flatMap(Double.init), value >= 0 { backoff = value }
    }
  }

  /// The server's base URL, without a trailing slash.
  public let server: URL
  private let credentials: PadCredentials?
  private let options: Options
  private let transport: HTTPTransport
  let tokenCache: PadTokenCache?
  private var token: String?
  /// The API version in use; discovered with `GET /api` when not given.
  public private(set) var apiVersion: String?
  /// How many HTTP requests this client has sent.
  public private(set) var requestCount = 0

  /// A client of `server`; OAuth tokens are kept in `tokenCache` between runs when given.
  ///
  /// - Throws: ``SyncError/configuration(_:)`` for a URL that is not http(s), and for credentials
  ///   that would travel over plain http to a host that is not loopback unless `allowInsecureHTTP`.
  public init(
    server: String, credentials: PadCredentials?, options: Options = Options(), apiVersion: String? = nil,
    allowInsecureHTTP: Bool = false, tokenCache: PadTokenCache? = nil
  ) throws(SyncError) {
    var trimmed = server
    while trimmed.hasSuffix("/") { trimmed.removeLast() }
    guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
      let host = url.host, url.user == nil, url.query == nil
    else {
      throw .configuration("the pad server \(ServerURL.masked(server)) is not an http(s) URL without credentials or query")
    }
    if scheme == "http" && !ServerURL.isLoopback(host) && credentials != nil && !allowInsecureHTTP {
      throw .configuration("refusing to send credentials over plain http to \(host); use https or set pad.allow_insecure_http")
    }
    self.server = url
    self.credentials = credentials
    self.options = options
    self.apiVersion = apiVersion
    self.tokenCache = tokenCache
    transport = HTTPTransport(timeout: options.timeout)
  }

  // MARK: Functions

  /// The pad's head revision (`getRevisionsCount`, which is the head index: 0 for a new pad).
  public func revisionsCount(_ padID: String) async throws(SyncError) -> Int {
    let data = try await call("getRevisionsCount", ["padID": padID], idempotent: true)
    guard let revisions = (data as? [String: Any])?["revisions"] as? Int else {
      throw .malformedResponse(server: host, function: "getRevisionsCount", detail: "no revisions number in the answer")
    }
    return revisions
  }

  /// The pad's text at revision `rev` (head when nil); reads the pre-1.9 `{text:{text,attribs}}` shape too.
  public func text(_ padID: String, rev: Int? = nil) async throws(SyncError) -> String {
    var parameters = ["padID": padID]
    if let rev { parameters["rev"] = String(rev) }
    let data = try await call("getText", parameters, idempotent: true)
    let field = (data as? [String: Any])?["text"]
    if let text = field as? String { return text }
    if let legacy = (field as? [String: Any])?["text"] as? String { return legacy }
    throw .malformedResponse(server: host, function: "getText", detail: "no text in the answer")
  }

  /// Replaces the pad's whole text.
  ///
  /// Never retried: the caller checks the result.
  public func setText(_ padID: String, _ text: String) async throws(SyncError) {
    _ = try await call("setText", ["padID": padID, "text": text], idempotent: false)
  }

  /// Creates an empty pad (then ``setText(_:_:)`` fills it, as spec/etherpad-api.md §4 advises);
  /// a group pad (`g.…$name`) with `createGroupPad`, as `createPad` refuses them.
  public func createPad(_ padID: String) async throws(SyncError) {
    if let group = Self.group(ofPad: padID) {
      let name = String(padID.dropFirst(group.count + 1))
      _ = try await call("createGroupPad", ["groupID": group, "padName": name, "text": ""], idempotent: false)
      return
    }
    _ = try await call("createPad", ["padID": padID, "text": ""], idempotent: false)
  }

  /// Uses an API version remembered from an earlier run instead of asking the server.
  public func useVersion(_ version: String?) {
    if apiVersion == nil { apiVersion = version }
  }

  // MARK: Transport

  /// The server as messages name it: host and port (`pad.example.org:9001`), never credentials.
  var host: String {
    guard let name = server.host else { return server.absoluteString }
    return server.port.map { "\(name):\($0)" } ?? name
  }

  /// Picks the API version: the server's `currentVersion` from `GET /api`.
  public func discoverVersion() async throws(SyncError) -> String {
    let url = server.appendingPathComponent("api")
    let (status, body) = try await send(HTTPTransport.Request(url: url), function: "api", idempotent: true)
    guard status == 200, let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
      let version = object["currentVersion"] as? String, !version.isEmpty
    else {
      throw .malformedResponse(server: host, function: "GET /api", detail: "HTTP \(status), no currentVersion")
    }
    apiVersion = version
    return version
  }

  /// Calls an API function and returns its `data`.
  public func call(_ function: String, _ parameters: [String: String], idempotent: Bool) async throws(SyncError) -> Any? {
    let version: String
    if let known = apiVersion { version = known } else { version = try await discoverVersion() }
    var retriedAuth = false
    var rediscovered = false
    while true {
      var fields = parameters
      var request = HTTPTransport.Request(
        url: server.appendingPathComponent("api").appendingPathComponent(apiVersion ?? version).appendingPathComponent(function))
      request.method = "POST"
      request.setValue("application/x-www-form-urlencoded; charset=utf-8", forHTTPHeaderField: "Content-Type")
      switch credentials {
      case .apiKey(let key): fields["apikey"] = key
      case .clientCredentials: request.setValue("Bearer \(try await bearerToken())", forHTTPHeaderField: "Authorization")
      case nil: break
      }
      request.body = Data(Self.formEncode(fields).utf8)
      let (status, body) = try await send(request, function: function, idempotent: idempotent)
      let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any]
      if status == 404 && object == nil && !rediscovered {
        // An unknown API version answers with Express's plain 404: ask the server again once.
        rediscovered = true
        _ = try await discoverVersion()
        continue
      }
      guard let object else {
        throw .malformedResponse(server: host, function: function, detail: "HTTP \(status), the answer is not JSON")
      }
      let code = object["code"] as? Int
      let message = object["message"] as? String ?? ""
      if status == 401 || status == 403 || code == 4 {
        if case .clientCredentials = credentials {
          // Tokens die when the server restarts or they expire: forget it, fetch a new one once.
          forgetToken()
          if !retriedAuth {
            retriedAuth = true
            continue
          }
        }
        throw .unauthorized(server: host, message: message)
      }
      switch code {
      case 0: return object["data"] is NSNull ? nil : object["data"]
      case 1:
        if message == "padID does not exist" { throw .padMissing(server: host) }
        throw .rejected(server: host, function: function, message: message)
      case 3: throw .rejected(server: host, function: function, message: "no such function (API \(apiVersion ?? version))")
      case 2: throw .serverFailure(server: host, function: function, detail: "internal error (code 2): \(message)")
      default:
        throw .malformedResponse(server: host, function: function, detail: "HTTP \(status), no known code in the answer")
      }
    }
  }

  /// A bearer token: this run's, else a cached one still valid, else a new one from
  /// `{base}/oidc/token` (client credentials grant), cached with the lifetime the server gives.
  private func bearerToken() async throws(SyncError) -> String {
    if let token { return token }
    guard case .clientCredentials(let id, let secret) = credentials else { return "" }
    if let cached = tokenCache?.token(server: server.absoluteString, clientID: id, secret: secret) {
      token = cached
      return cached
    }
    var request = HTTPTransport.Request(url: server.appendingPathComponent("oidc").appendingPathComponent("token"))
    request.method = "POST"
    request.setValue("application/x-www-form-urlencoded; charset=utf-8", forHTTPHeaderField: "Content-Type")
    request.body = Data(Self.formEncode(["grant_type": "client_credentials", "client_id": id, "client_secret": secret]).utf8)
    let (status, body) = try await send(request, function: "oidc/token", idempotent: true)
    if status == 400 || status == 401 || status == 403 {
      throw .unauthorized(server: host, message: "the client credentials were rejected")
    }
    guard status == 200, let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
      let value = object["access_token"] as? String, !value.isEmpty
    else {
      throw .malformedResponse(server: host, function: "oidc/token", detail: "HTTP \(status), no access_token")
    }
    token = value
    // Without `expires_in` the token is kept ten minutes; a rejected one is replaced anyway.
    let lifetime = (object["expires_in"] as? NSNumber)?.doubleValue ?? 600
    tokenCache?.store(value, server: server.absoluteString, clientID: id, secret: secret, expiresAt: Date(timeIntervalSinceNow: lifetime))
    return value
  }

  /// Drops the bearer token, here and in the cache.
  private func forgetToken() {
    token = nil
    if case .clientCredentials(let id, let secret) = credentials {
      tokenCache?.remove(server: server.absoluteString, clientID: id, secret: secret)
    }
  }

  /// Sends one request; retries reads on timeouts, unreachable servers, 5xx and 429.
  private func send(_ request: HTTPTransport.Request, function: String, idempotent: Bool) async throws(SyncError) -> (Int, Data) {
    var attempt = 0
    while true {
      attempt += 1
      let canRetry = idempotent && attempt < options.attempts
      var delay = options.backoff * pow(2, Double(attempt - 1))
      let failure: SyncError
      do {
        requestCount += 1
        let response = try await transport.send(request)
        let status = response.status
        if status == 429 || status == 503 {
          let retryAfter = response.headers["retry-after"].flatMap(Double.init) ?? delay
          delay = min(retryAfter, options.maxRetryAfter)
          failure = .serverFailure(server: host, function: function, detail: "HTTP \(status) (overloaded)")
        } else if status >= 500 {
          failure = .serverFailure(server: host, function: function, detail: "HTTP \(status)")
        } else {
          return (status, response.body)
        }
      } catch {
        switch error {
        case .timedOut: failure = .timeout(server: host, function: function, seconds: options.timeout)
        case .cancelled: throw .unreachable(server: host, function: function, cause: "cancelled")
        case .connection(.closed):
          failure = .unreachable(server: host, function: function, cause: "the connection dropped before the answer was complete")
        case .malformedResponse, .responseTooLarge:
          failure = .malformedResponse(server: host, function: function, detail: error.description)
        default: failure = .unreachable(server: host, function: function, cause: error.description)
        }
      }
      guard canRetry else { throw failure }
      try? await Task.sleep(nanoseconds: UInt64(max(0, delay) * 1_000_000_000))
    }
  }

  /// `application/x-www-form-urlencoded`, every byte outside `[A-Za-z0-9-._~]` percent-encoded.
  public static func formEncode(_ fields: [String: String]) -> String {
    fields.sorted { $0.key < $1.key }.map { "\(percentEncode($0.key))=\(percentEncode($0.value))" }.joined(separator: "&")
  }

  /// Percent-encodes every byte outside the unreserved set.
  static func percentEncode(_ text: String) -> String {
    var result = ""
    result.reserveCapacity(text.utf8.count)
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
        UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
        result.unicodeScalars.append(Unicode.Scalar(byte))
      default:
        result += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
      }
    }
    return result
  }
}

extension String {
  fileprivate func leftPadded(to width: Int) -> String {
    count >= width ? self : String(repeating: "0", count: width - count) + self
  }
}
