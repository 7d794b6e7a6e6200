import Foundation

/// The calls of Jenkins' remote API a stage deploy makes: the CSRF crumb, `buildWithParameters`, the
/// queue item, the build, and its console text.
///
/// Every request carries HTTP basic authentication in a header (never in the URL). Reads are retried
/// on a dropped connection, a timeout or a 5xx; a trigger only when the connection was refused or the
/// answer was a 5xx, so a build is not queued twice. URLs that Jenkins hands back (queue items,
/// builds) are kept on the configured server's origin, and a redirect to another origin is not
/// followed (``HTTPTransport`` follows none to another origin): it ends the call as
/// an unexpected answer, so the credentials never go to another origin.
public actor JenkinsClient {
  /// Poll interval, timeouts and retries.
  public struct Timing: Sendable, Equatable {
    /// The pause between two polls of a queue item or a build, and before a retry.
    public var pollInterval: Duration
    /// The longest a single request may take.
    public var requestTimeout: Duration
    /// The longest a job may wait in the queue.
    public var queueTimeout: Duration
    /// The longest a build may run.
    public var buildTimeout: Duration
    /// How many times a failed request is tried again.
    public var retries: Int

    /// Creates timings; the defaults suit a real Jenkins.
    public init(
      pollInterval: Duration = .seconds(2), requestTimeout: Duration = .seconds(30), queueTimeout: Duration = .seconds(1800),
      buildTimeout: Duration = .seconds(3600), retries: Int = 3
    ) {
      self.pollInterval = pollInterval
      self.requestTimeout = requestTimeout
      self.queueTimeout = queueTimeout
      self.buildTimeout = buildTimeout
      self.retries = retries
    }
  }

  /// Where a queue item is.
  public enum QueueState: Sendable, Equatable {
    /// Still waiting, with Jenkins' reason when it gives one.
    case waiting(why: String?)
    /// Left the queue: the build's URL and number.
    case started(build: URL, number: Int?)
    /// Cancelled before it ran.
    case cancelled
  }

  /// A build as `BUILD/api/json` describes it.
  public struct BuildState: Sendable, Equatable {
    /// Whether it is still running.
    public var building: Bool
    /// Its result once it has one.
    public var result: StageJobResult?
    /// How long it ran, in milliseconds, when Jenkins says.
    public var durationMilliseconds: Int?
  }

  /// The server's base URL, without a trailing slash.
  public let base: URL
  private let credentials: JenkinsCredentials?
  private let timing: Timing
  private let transport: HTTPTransport
  private var crumb: (field: String, value: String)?

  /// A client of the Jenkins at `base`.
  public init(base: URL, credentials: JenkinsCredentials?, timing: Timing) {
    self.base = base
    self.credentials = credentials
    self.timing = timing
    transport = HTTPTransport(timeout: timing.requestTimeout.seconds)
  }

  /// Checks that Jenkins answers and accepts the credentials, and fetches a CSRF crumb when it issues one.
  ///
  /// - Throws: ``StageError/unreachable(url:reason:)``, ``StageError/credentialsRejected(status:url:)``, …
  public func connect() async throws(StageError) {
    try await fetchCrumb()
  }

  /// Queues a build of `job` with the parameters as a form body; returns the queue item's URL.
  ///
  /// - Throws: ``StageError/jobNotFound(job:url:)`` for a 404, and the errors of ``connect()``.
  public func trigger(_ job: JenkinsJobPath, parameters: [(name: String, value: String)]) async throws(StageError) -> URL {
    let url = try endpoint(job.urlPath + "/buildWithParameters")
    let body = parameters.map { JenkinsJobPath.escape($0.name) + "=" + JenkinsJobPath.escape($0.value) }.joined(separator: "&")
    var response = try await send(url, post: Data(body.utf8), retrying: .whenNotDelivered)
    if response.status == 403, response.mentionsCrumb {
      try await fetchCrumb()
      response = try await send(url, post: Data(body.utf8), retrying: .whenNotDelivered)
    }
    if response.status == 404 { throw .jobNotFound(job: job.description, url: url.absoluteString) }
    try check(response, url: url)
    guard let location = response.location, let queueItem = URL(string: location, relativeTo: base)?.absoluteURL else {
      throw .unexpectedResponse(url: url.absoluteString, detail: "HTTP \(response.status) without a Location of a queue item")
    }
    return onOrigin(queueItem)
  }

  /// Reads a queue item once.
  public func queueState(_ item: URL) async throws(StageError) -> QueueState {
    let url = try apiURL(item, tree: "cancelled,why,executable[number,url]")
    let json = try await getJSON(url)
    if json["cancelled"] as? Bool == true { return .cancelled }
    if let executable = json["executable"] as? [String: Any], let text = executable["url"] as? String,
      let build = URL(string: text, relativeTo: base)?.absoluteURL
    {
      return .started(build: onOrigin(build), number: executable["number"] as? Int)
    }
    return .waiting(why: json["why"] as? String)
  }

  /// Reads a build once.
  public func buildState(_ build: URL) async throws(StageError) -> BuildState {
    let url = try apiURL(build, tree: "building,result,duration")
    let json = try await getJSON(url)
    let result = (json["result"] as? String).flatMap(StageJobResult.init(rawValue:))
    if let text = json["result"] as? String, result == nil {
      throw .unexpectedResponse(url: url.absoluteString, detail: "unknown build result '\(text)'")
    }
    let building = json["building"] as? Bool ?? (result == nil)
    return BuildState(building: building || result == nil, result: result, durationMilliseconds: json["duration"] as? Int)
  }

  /// The last `count` lines of a build's console text.
  public func consoleTail(_ build: URL, lines count: Int) async throws(StageError) -> [String] {
    let url = try endpoint(build, appending: "consoleText")
    let response = try await send(url, post: nil, retrying: .always)
    try check(response, url: url)
    return ConsoleText.tail(response.data, lines: count)
  }

  // MARK: Requests

  /// When a failed request is sent again.
  enum RetryPolicy {
    /// On any transport failure or 5xx: the request changes nothing.
    case always
    /// Only when it surely did not arrive (connection refused) or the server failed (5xx): a trigger.
    case whenNotDelivered
  }

  /// A response: status, `Location`, body.
  struct Response {
    var status: Int
    var location: String?
    var data: Data

    /// A 403 that is Jenkins asking for a CSRF crumb.
    var mentionsCrumb: Bool { String(decoding: data, as: UTF8.self).lowercased().contains("crumb") }
  }

  private func fetchCrumb() async throws(StageError) {
    let url = try endpoint("/crumbIssuer/api/json")
    let response = try await send(url, post: nil, retrying: .always)
    if response.status == 404 {
      crumb = nil
      return
    }
    try check(response, url: url)
    let json = try Self.object(response.data, url: url)
    guard let field = json["crumbRequestField"] as? String, let value = json["crumb"] as? String else {
      throw .unexpectedResponse(url: url.absoluteString, detail: "no crumb in the crumb issuer's answer")
    }
    crumb = (field, value)
  }

  private func getJSON(_ url: URL) async throws(StageError) -> [String: Any] {
    let response = try await send(url, post: nil, retrying: .always)
    try check(response, url: url)
    return try Self.object(response.data, url: url)
  }

  /// Sends one request, trying again as `policy` allows after a pause of the poll interval.
  private func send(_ url: URL, post body: Data?, retrying policy: RetryPolicy) async throws(StageError) -> Response {
    var request = HTTPTransport.Request(url: url)
    request.method = body == nil ? "GET" : "POST"
    request.body = body
    request.setValue("application/json, text/plain, */*", forHTTPHeaderField: "Accept")
    if body != nil { request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type") }
    if let credentials { request.setValue(credentials.authorization, forHTTPHeaderField: "Authorization") }
    if let crumb { request.setValue(crumb.value, forHTTPHeaderField: crumb.field) }
    var attempt = 0
    while true {
      attempt += 1
      do {
        let answer = try await transport.send(request)
        let response = Response(status: answer.status, location: answer.headers["location"], data: answer.body)
        guard (500...599).contains(response.status), attempt <= timing.retries else { return response }
      } catch {
        let notSent: Bool
        switch error {
        case .connection(.cannotConnect), .connection(.cannotResolve): notSent = true
        default: notSent = false
        }
        let retryable = error != .cancelled && (policy == .always || notSent)
        guard retryable, attempt <= timing.retries else {
          throw .unreachable(url: url.absoluteString, reason: error.description)
        }
      }
      try await pause(timing.pollInterval)
    }
  }

  /// Maps a final response's status to an error; 2xx passes.
  private func check(_ response: Response, url: URL) throws(StageError) {
    switch response.status {
    case 200...299: return
    case 300...399 where response.location != nil:
      let target = ServerURL.masked(response.location ?? "")
      throw .unexpectedResponse(
        url: url.absoluteString,
        detail:
          "HTTP \(response.status) redirect to \(target), another origin, not followed (the credentials stay with \(base.absoluteString))")
    case 401, 403: throw .credentialsRejected(status: response.status, url: url.absoluteString)
    case 500...599: throw .serverError(status: response.status, url: url.absoluteString)
    default: throw .unexpectedResponse(url: url.absoluteString, detail: "HTTP \(response.status)")
    }
  }

  // MARK: URLs

  /// The base URL with an absolute path below it appended (`/crumbIssuer/api/json`).
  private func endpoint(_ path: String) throws(StageError) -> URL {
    guard let url = URL(string: base.absoluteString + path) else {
      throw .invalidJenkinsURL(base.absoluteString, reason: "cannot be extended with \(path)")
    }
    return url
  }

  /// A URL Jenkins handed back, with a path below it appended (`consoleText`).
  private func endpoint(_ url: URL, appending path: String) throws(StageError) -> URL {
    let text = url.absoluteString
    guard let result = URL(string: (text.hasSuffix("/") ? text : text + "/") + path) else {
      throw .unexpectedResponse(url: text, detail: "cannot be extended with \(path)")
    }
    return result
  }

  /// `URL/api/json?tree=…`, asking only for the fields pushnote reads.
  private func apiURL(_ url: URL, tree: String) throws(StageError) -> URL {
    try endpoint(
      url, appending: "api/json?tree=" + tree.replacingOccurrences(of: "[", with: "%5B").replacingOccurrences(of: "]", with: "%5D"))
  }

  /// A URL Jenkins returned, moved to the configured server's scheme, host and port when it names
  /// another (a Jenkins behind a proxy often knows itself by another name).
  private func onOrigin(_ url: URL) -> URL {
    guard url.scheme != base.scheme || url.host != base.host || url.port != base.port,
      var components = URLComponents(url: url, resolvingAgainstBaseURL: true)
    else { return url }
    components.scheme = base.scheme
    components.host = base.host
    components.port = base.port
    components.user = nil
    components.password = nil
    return components.url ?? url
  }

  // MARK: Helpers

  private static func object(_ data: Data, url: URL) throws(StageError) -> [String: Any] {
    guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
      throw .unexpectedResponse(url: url.absoluteString, detail: "the answer is not a JSON object")
    }
    return object
  }

  private func pause(_ duration: Duration) async throws(StageError) {
    do {
      try await Task.sleep(for: duration)
    } catch {
      throw .unreachable(url: base.absoluteString, reason: "cancelled")
    }
  }
}
