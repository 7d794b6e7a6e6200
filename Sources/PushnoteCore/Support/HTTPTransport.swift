import Foundation

/// HTTP/1.1 exchanges over pushnote's own ``HTTPConnection`` (the one TCP and OpenSSL layer, with
/// the server's certificate and name checked), each within a hard deadline, safe to cancel.
///
/// Connections are kept alive: the one that answered last is kept and carries the next request
/// to its origin, so the several calls of one sync share one connection and one TLS handshake.
/// A kept connection the server has closed meanwhile is replaced before it is used; a request
/// that met it closed before any byte of the answer came is sent again on a new connection only
/// when it is idempotent (a `POST` is not, and fails as a dropped connection).
///
/// Redirects are followed only on the request's own origin (scheme, host and port), with the
/// request's header fields; a redirect elsewhere comes back as the 3xx response it is, so
/// credentials (`Authorization`, a body's API key) never travel to another origin. A proxy named
/// by `https_proxy` or `http_proxy` is used as ``HTTPProxy`` says (https through a tunnel).
public final class HTTPTransport: Sendable {
  private let timeout: Double
  private let caFile: String?
  private let responseLimit: Int
  /// The variables that choose a proxy.
  private let proxyVariables: [String: String]
  private let kept = KeptConnection()
  /// The most same-origin redirects followed for one request.
  static let redirectLimit = 5
  /// The largest body accepted by default, bytes.
  public static let defaultResponseLimit = 256 << 20

  /// One HTTP request as pushnote's clients build it: what ``HTTPTransport`` sends.
  ///
  /// `Host`, `Content-Length`, `Connection` and `User-Agent` are the transport's to write; a value
  /// set here for one of them is ignored.
  public struct Request: Sendable {
    /// The absolute `http` or `https` URL; user information in it is never sent.
    public var url: URL
    /// The method, upper case: `GET` unless set.
    public var method: String
    /// The header fields in the order they were set; one field per name (case-insensitive).
    public private(set) var headers: [(name: String, value: String)]
    /// The body, sent with its `Content-Length`; nil for none.
    public var body: Data?

    /// A request of `url` (a `GET` unless `method` says otherwise), without header fields or body.
    public init(url: URL, method: String = "GET") {
      self.url = url
      self.method = method
      headers = []
    }

    /// Sets the header field `name` to `value`, replacing a field of that name; nil removes it.
    public mutating func setValue(_ value: String?, forHTTPHeaderField name: String) {
      headers.removeAll { $0.name.caseInsensitiveCompare(name) == .orderedSame }
      if let value { headers.append((name, value)) }
    }

    /// The value of the header field `name` (case-insensitive), if set.
    public func value(forHTTPHeaderField name: String) -> String? {
      headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// Whether sending it twice has the effect of sending it once (RFC 9110 §9.2.2): only such a
    /// request is sent again on a new connection when a kept-alive one turns out closed.
    public var isIdempotent: Bool { ["GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"].contains(method) }
  }

  /// The answer to one request.
  public struct Response: Sendable {
    /// The HTTP status code.
    public var status: Int
    /// The response headers, names lowercased; a repeated field's values joined with `, `.
    public var headers: [String: String]
    /// The body.
    public var body: Data
  }

  /// Why an exchange produced no response.
  public enum Failure: Error, Sendable, Equatable {
    /// No complete answer within the deadline.
    case timedOut
    /// The awaiting task was cancelled.
    case cancelled
    /// No connection came about (refused, unknown host, TLS refused), or it broke:
    /// ``NetworkError/closed`` when the server closed it before the answer was complete.
    case connection(NetworkError)
    /// The answer is not HTTP/1.x as RFC 9112 frames it; `offset` counts bytes of the answer
    /// from 0 to where it went wrong.
    case malformedResponse(offset: Int, detail: String)
    /// The body is longer than the transport accepts.
    case responseTooLarge(limit: Int)
    /// The request cannot be sent: not an http(s) URL, or a field that would break the message.
    case invalidRequest(String)
  }

  /// A transport whose every request, redirects included, must finish within `timeout` seconds.
  ///
  /// - Parameters:
  ///   - caFile: the certificates `https` servers are checked against, else the system's
  ///     trust store (which honours `SSL_CERT_FILE`).
  ///   - responseLimit: the largest body accepted, bytes.
  ///   - environment: where `https_proxy`, `http_proxy` and `no_proxy` are read.
  public init(
    timeout: Double, caFile: String? = nil, responseLimit: Int = defaultResponseLimit,
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) {
    self.timeout = timeout
    self.caFile = caFile
    self.responseLimit = responseLimit
    proxyVariables = environment.filter { ["https_proxy", "HTTPS_PROXY", "http_proxy", "no_proxy", "NO_PROXY"].contains($0.key) }
  }

  /// Sends a request and returns the response, whatever its status, following redirects on the
  /// request's own origin only.
  ///
  /// - Throws: ``Failure`` when there is no response.
  public func send(_ request: Request) async throws(Failure) -> Response {
    let deadline = Date(timeIntervalSinceNow: timeout)
    var request = request
    var response = try await sendOnce(request, deadline: deadline)
    for _ in 0..<HTTPTransport.redirectLimit {
      guard let next = HTTPTransport.sameOriginRedirect(of: request, response: response) else { break }
      request = next
      response = try await sendOnce(request, deadline: deadline)
    }
    return response
  }

  /// The request a redirect asks for, when it stays on the request's origin; nil for any other
  /// response, and for a redirect to another origin.
  static func sameOriginRedirect(of request: Request, response: Response) -> Request? {
    guard [301, 302, 303, 307, 308].contains(response.status), let location = response.headers["location"],
      let target = URL(string: location, relativeTo: request.url)?.absoluteURL, let origin = HTTPOrigin(target),
      origin == HTTPOrigin(request.url)
    else { return nil }
    var next = request
    next.url = target
    if response.status == 303 || (response.status <= 302 && request.method == "POST") {
      next.method = "GET"
      next.body = nil
      next.setValue(nil, forHTTPHeaderField: "Content-Type")
    }
    return next
  }

  /// One exchange, redirects not followed, on a thread of its own: the socket work blocks.
  ///
  /// A deadline or a cancellation answers at once; the abandoned exchange ends by itself (its
  /// reads wait no longer than the deadline) and its connection is not kept.
  private func sendOnce(_ request: Request, deadline: Date) async throws(Failure) -> Response {
    let once = ResumeOnce<Result<Response, Failure>>()
    let result = await withTaskCancellationHandler {
      await withCheckedContinuation { continuation in
        once.wait(continuation)
        // A thread of its own: blocked in a read, it must not hold one of the global queue's
        // workers (as many as there are cores), which other exchanges and clients wait for.
        Thread {
          let outcome = Result { () throws(Failure) in try self.exchange(request, deadline: deadline, abandoned: { once.isDone }) }
          once.resume(outcome)
        }.start()
        // Name resolution is the one step that does not watch the deadline.
        DispatchQueue.global().asyncAfter(deadline: .now() + max(0, deadline.timeIntervalSinceNow) + 0.5) {
          once.resume(.failure(.timedOut))
        }
      }
    } onCancel: {
      once.resume(.failure(.cancelled))
    }
    return try result.get()
  }

  /// One exchange on the kept connection to the request's origin, else on a new one.
  private func exchange(_ request: Request, deadline: Date, abandoned: () -> Bool) throws(Failure) -> Response {
    guard let origin = HTTPOrigin(request.url) else {
      throw .invalidRequest("\(ServerURL.masked(request.url.absoluteString)) is not an http(s) URL with a host")
    }
    if let connection = kept.take(origin) {
      do {
        return try exchange(request, on: connection, deadline: deadline, abandoned: abandoned)
      } catch .connection(.closed) where connection.receivedNothing && request.isIdempotent {
        // The server closed the kept connection as the request went out: ask again on a new one.
      }
    }
    let proxy = try HTTPProxy.choose(for: origin, environment: proxyVariables)
    let connection = try HTTPConnection(origin: origin, proxy: proxy, caFile: caFile, deadline: deadline)
    return try exchange(request, on: connection, deadline: deadline, abandoned: abandoned)
  }

  private func exchange(
    _ request: Request, on connection: HTTPConnection, deadline: Date, abandoned: () -> Bool
  ) throws(Failure)
    -> Response
  {
    let (response, reusable) = try connection.exchange(request, limit: responseLimit, deadline: deadline)
    if reusable && !abandoned() { kept.keep(connection) }
    return response
  }
}

extension HTTPTransport.Failure: CustomStringConvertible {
  /// Why there was no response, in a few words: `connection refused`, `timed out`, ...
  public var description: String {
    switch self {
    case .timedOut: return "timed out"
    case .cancelled: return "cancelled"
    case .connection(.cannotConnect(_, _, let reason)): return reason.prefix(1).lowercased() + reason.dropFirst()
    case .connection(.cannotResolve(_, let reason)): return "unknown host (\(reason))"
    case .connection(.closed): return "connection dropped"
    case .connection(.timedOut): return "timed out"
    case .connection(let error): return error.description
    case .malformedResponse(let offset, let detail): return "malformed answer at byte \(offset): \(detail)"
    case .responseTooLarge(let limit): return "the answer is larger than \(limit) bytes"
    case .invalidRequest(let detail): return "cannot send the request: \(detail)"
    }
  }
}

/// The one connection a transport keeps alive between requests.
private final class KeptConnection: @unchecked Sendable {
  private let lock = NSLock()
  private var connection: HTTPConnection?

  /// The kept connection if it goes to `origin` and is still open and quiet; it is no longer
  /// kept (it is the caller's now), and one unfit is dropped.
  func take(_ origin: HTTPOrigin) -> HTTPConnection? {
    lock.withLock {
      defer { connection = nil }
      guard let connection, connection.origin == origin, connection.isIdle else { return nil }
      return connection
    }
  }

  /// Keeps `connection` for the next request, instead of the one kept so far.
  func keep(_ connection: HTTPConnection) {
    lock.withLock { self.connection = connection }
  }
}

/// Resumes a continuation once, with whichever of the exchange, the deadline or a cancellation
/// answers first.
private final class ResumeOnce<Value: Sendable>: @unchecked Sendable {
  private let lock = NSLock()
  private var continuation: CheckedContinuation<Value, Never>?
  private var early: Value?
  private var done = false

  /// Whether an answer was given (the exchange still running is then abandoned).
  var isDone: Bool { lock.withLock { done } }

  /// Gives the continuation to resume; at once if an answer came before it (a task cancelled
  /// before it started).
  func wait(_ continuation: CheckedContinuation<Value, Never>) {
    let early: Value? = lock.withLock {
      guard let early = self.early else {
        self.continuation = continuation
        return nil
      }
      self.early = nil
      return early
    }
    if let early { continuation.resume(returning: early) }
  }

  /// Answers with `value` unless an answer was given.
  func resume(_ value: Value) {
    let continuation: CheckedContinuation<Value, Never>? = lock.withLock {
      guard !done else { return nil }
      done = true
      guard let continuation = self.continuation else {
        early = value
        return nil
      }
      self.continuation = nil
      return continuation
    }
    continuation?.resume(returning: value)
  }
}
