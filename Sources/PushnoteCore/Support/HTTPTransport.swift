import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP exchange over Foundation's URLSession, with a hard deadline, safe to cancel.
///
/// swift-corelibs-foundation can deadlock when a Swift task awaiting `URLSession.data(for:)` is
/// cancelled while the response is being delivered (the cancel handler blocks on the session's queue
/// while the queue waits for the task's status lock). This transport uses the completion-handler
/// API, resumes its continuation exactly once, and never calls into URLSession from a cancellation
/// handler: a deadline or a cancellation answers at once and cancels the URL task afterwards, from
/// another queue.
///
/// Redirects: Foundation would follow them, to any host, with every header of the request
/// (`Authorization` included) and a POST's body (an API key). A delegate refuses each, and this
/// transport follows one itself only on the same origin (scheme, host and port); a redirect
/// elsewhere comes back as the 3xx response it is, so credentials never travel to another origin.
public final class HTTPTransport: Sendable {
  private let session: URLSession
  private let timeout: Double
  private let refuser = RefuseRedirects()
  /// The most same-origin redirects followed for one request.
  static let redirectLimit = 5

  /// The answer to one request.
  public struct Response: Sendable {
    /// The HTTP status code.
    public var status: Int
    /// The response headers, names lowercased.
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
    /// The connection failed (refused, reset, DNS, TLS); `message` is the system's word.
    case connection(code: Int, message: String)
  }

  /// A transport whose every request must finish within `timeout` seconds.
  public init(timeout: Double) {
    self.timeout = timeout
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = timeout
    configuration.timeoutIntervalForResource = timeout
    configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
    configuration.httpShouldSetCookies = false
    session = URLSession(configuration: configuration, delegate: refuser, delegateQueue: nil)
  }

  deinit { session.finishTasksAndInvalidate() }

  /// Sends a request and returns the response, whatever its status, following redirects on the
  /// request's own origin only.
  ///
  /// - Throws: ``Failure`` when there is no response.
  public func send(_ request: URLRequest) async throws(Failure) -> Response {
    var request = request
    var response = try await sendOnce(request)
    for _ in 0..<HTTPTransport.redirectLimit {
      guard let next = HTTPTransport.sameOriginRedirect(of: request, response: response) else { break }
      request = next
      response = try await sendOnce(request)
    }
    return response
  }

  /// The request a redirect asks for, when it stays on the request's origin; nil for any other
  /// response, and for a redirect to another origin.
  static func sameOriginRedirect(of request: URLRequest, response: Response) -> URLRequest? {
    guard [301, 302, 303, 307, 308].contains(response.status), let location = response.headers["location"], let from = request.url,
      let target = URL(string: location, relativeTo: from)?.absoluteURL, sameOrigin(from, target)
    else { return nil }
    var next = request
    next.url = target
    if response.status == 303 || (response.status <= 302 && request.httpMethod == "POST") {
      next.httpMethod = "GET"
      next.httpBody = nil
      next.setValue(nil, forHTTPHeaderField: "Content-Type")
    }
    return next
  }

  /// Whether two URLs have one origin: scheme, host and port (the scheme's default port counted).
  static func sameOrigin(_ first: URL, _ second: URL) -> Bool {
    func origin(_ url: URL) -> (String, String, Int)? {
      guard let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased() else { return nil }
      return (scheme, host, url.port ?? (scheme == "https" ? 443 : 80))
    }
    guard let one = origin(first), let other = origin(second) else { return false }
    return one == other
  }

  /// One exchange, redirects not followed.
  private func sendOnce(_ request: URLRequest) async throws(Failure) -> Response {
    let once = ResumeOnce()
    let result: Result<Response, Failure> = await withTaskCancellationHandler {
      await withCheckedContinuation { (continuation: CheckedContinuation<Result<Response, Failure>, Never>) in
        let task = session.dataTask(with: request) { data, response, error in
          let outcome: Result<Response, Failure>
          if let http = response as? HTTPURLResponse, error == nil {
            var headers: [String: String] = [:]
            for (key, value) in http.allHeaderFields {
              headers[String(describing: key).lowercased()] = String(describing: value)
            }
            outcome = .success(Response(status: http.statusCode, headers: headers, body: data ?? Data()))
          } else if let error = error as? URLError, error.code == .timedOut {
            outcome = .failure(.timedOut)
          } else if let error = error as? URLError {
            // On Linux a URLError does not cast to NSError: read its code here.
            outcome = .failure(.connection(code: error.code.rawValue, message: error.localizedDescription))
          } else {
            let error = error as? NSError
            outcome = .failure(.connection(code: error?.code ?? -1, message: error?.localizedDescription ?? "no response"))
          }
          once.run { continuation.resume(returning: outcome) }
        }
        task.delegate = refuser
        once.setCancel { continuation.resume(returning: .failure($0)) }
        once.setTask(task)
        task.resume()
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout + 0.5) { once.abort(.timedOut) }
      }
    } onCancel: {
      DispatchQueue.global().async { once.abort(.cancelled) }
    }
    return try result.get()
  }
}

extension HTTPTransport.Failure: CustomStringConvertible {
  /// Why there was no response, in a few words: `connection refused`, `timed out`, ...
  public var description: String {
    switch self {
    case .timedOut: return "timed out"
    case .cancelled: return "cancelled"
    case .connection(let code, let message):
      switch URLError.Code(rawValue: code) {
      case .cannotConnectToHost: return "connection refused"
      case .cannotFindHost, .dnsLookupFailed: return "unknown host"
      case .timedOut: return "timed out"
      case .networkConnectionLost: return "connection dropped"
      case .notConnectedToInternet: return "no network"
      default: return message
      }
    }
  }
}

/// Refuses every redirect, so Foundation hands the 3xx response back instead of following it.
private final class RefuseRedirects: NSObject, URLSessionTaskDelegate, Sendable {
  func urlSession(
    _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse, newRequest request: URLRequest,
    completionHandler: @escaping @Sendable (URLRequest?) -> Void
  ) {
    completionHandler(nil)
  }
}

/// Resumes a continuation once, from whichever of completion, deadline or cancellation comes first.
private final class ResumeOnce: @unchecked Sendable {
  private let lock = NSLock()
  private var done = false
  private var task: URLSessionDataTask?
  private var cancel: ((HTTPTransport.Failure) -> Void)?
  private var pendingAbort: HTTPTransport.Failure?

  func setTask(_ task: URLSessionDataTask) {
    lock.withLock { self.task = task }
  }

  func setCancel(_ cancel: @escaping (HTTPTransport.Failure) -> Void) {
    let pending: HTTPTransport.Failure? = lock.withLock {
      self.cancel = cancel
      return pendingAbort
    }
    if let pending { abort(pending) }
  }

  /// Runs `body` if nothing resumed yet.
  func run(_ body: () -> Void) {
    let first = lock.withLock { () -> Bool in
      defer { done = true }
      return !done
    }
    if first { body() }
  }

  /// Answers with `failure` if nothing resumed yet, then cancels the URL task.
  func abort(_ failure: HTTPTransport.Failure) {
    let (first, cancel, task) = lock.withLock { () -> (Bool, ((HTTPTransport.Failure) -> Void)?, URLSessionDataTask?) in
      guard let cancel = self.cancel else {
        pendingAbort = failure
        return (false, nil, nil)
      }
      defer { done = true }
      return (!done, cancel, self.task)
    }
    guard first, let cancel else { return }
    cancel(failure)
    task?.cancel()
  }
}
