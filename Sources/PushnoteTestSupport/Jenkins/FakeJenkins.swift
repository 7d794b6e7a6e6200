import FlyingFox
import FlyingSocks
import Foundation

/// A Jenkins for tests on 127.0.0.1 (a free port), following the remote API pushnote uses:
/// `POST /job/NAME/buildWithParameters` → 201 with a queue item's `Location`, `QUEUE_ITEM/api/json`
/// (waiting, then `executable.url`, or `cancelled`), `BUILD/api/json` (`building`, `result`,
/// `duration`), `BUILD/consoleText`, `/crumbIssuer/api/json`; folders as `/job/A/job/B`.
///
/// Jobs can wait in the queue, build for a while, fail with console text or be cancelled; the server
/// can require basic authentication and a CSRF crumb, and answer chosen requests with a 500 or by
/// dropping the connection. It records every request so tests can check what was triggered.
public final class FakeJenkins: Sendable {
  /// How a job behaves when triggered.
  public struct Job: Sendable {
    /// How long its queue item waits before the build starts.
    public var queueDelay: Duration
    /// How long the build runs.
    public var buildTime: Duration
    /// The build's result: `SUCCESS`, `FAILURE`, `UNSTABLE`, `ABORTED`, `NOT_BUILT`.
    public var result: String
    /// The console text (Jenkins adds `Finished: RESULT`).
    public var console: String
    /// The `duration` the build reports, in milliseconds; nil for the real elapsed time.
    public var reportedDurationMilliseconds: Int?
    /// Whether the queue item is cancelled when its delay ends, instead of starting a build.
    public var cancelledInQueue: Bool
    /// How many polls of the queue item answer "waiting" at least, however fast they come.
    public var queuePolls: Int
    /// How many polls of the build answer "building" at least, however fast they come.
    public var buildPolls: Int

    /// A job; by default it builds at once and succeeds.
    public init(
      queueDelay: Duration = .zero, buildTime: Duration = .zero, result: String = "SUCCESS", console: String = "Deploying\n",
      reportedDurationMilliseconds: Int? = nil, cancelledInQueue: Bool = false, queuePolls: Int = 0, buildPolls: Int = 0
    ) {
      self.queueDelay = queueDelay
      self.buildTime = buildTime
      self.result = result
      self.console = console
      self.reportedDurationMilliseconds = reportedDurationMilliseconds
      self.cancelledInQueue = cancelledInQueue
      self.queuePolls = queuePolls
      self.buildPolls = buildPolls
    }
  }

  /// A fault to answer a request with instead of the API's answer.
  public enum Fault: Sendable, Equatable {
    /// An HTTP status (500, 503, …) with a short body.
    case status(Int)
    /// The headers and half the body, then the connection is closed.
    case dropConnection
    /// A redirect (301, 302, 303, 307, 308) to `location`, as a Jenkins behind a proxy may answer.
    case redirect(Int, location: String)
  }

  /// A request the server received.
  public struct Request: Sendable, Equatable {
    /// `GET` or `POST`.
    public var method: String
    /// The raw target, percent-escaped as sent (path and query).
    public var target: String
    /// The `Authorization` header, if any.
    public var authorization: String?
    /// The `Jenkins-Crumb` header, if any.
    public var crumb: String?
    /// The decoded form body of a POST.
    public var form: [String: String]
  }

  /// A queued build: which job (as `folder/job`) and with which parameters.
  public struct Trigger: Sendable, Equatable {
    /// The job's name, folders joined with `/`.
    public var job: String
    /// The form parameters.
    public var parameters: [String: String]

    /// Creates a trigger.
    public init(job: String, parameters: [String: String]) {
      self.job = job
      self.parameters = parameters
    }
  }

  /// The first crumb the server issues when it requires one.
  public static let crumbValue = "fake-crumb-3f9a"

  private let server: HTTPServer
  private let task: Task<Void, any Error>
  private let state: FakeJenkinsState
  /// The server's URL: `http://127.0.0.1:PORT`.
  public let url: String

  /// Starts a server with these jobs (by name, folders as `folder/job`).
  ///
  /// - Parameters:
  ///   - user: with `token`, the only credentials accepted (no header: 403; other credentials: 401).
  ///   - requireCrumb: POSTs need the crumb from `/crumbIssuer/api/json` (else 403); without it the
  ///     crumb issuer answers 404.
  ///   - advertisedRoot: the root URL Jenkins believes it has, used in the URLs it hands out
  ///     (`Location`, `executable.url`); the server's own URL when nil.
  public init(
    jobs: [String: Job], user: String? = nil, token: String? = nil, requireCrumb: Bool = false, advertisedRoot: String? = nil
  ) async throws {
    let address = try sockaddr_in.inet(ip4: "127.0.0.1", port: 0)
    let stateBox = FakeJenkinsState(jobs: jobs, credentials: user.flatMap { user in token.map { (user, $0) } }, requireCrumb: requireCrumb)
    let handler = ClosureHTTPHandler { request in await stateBox.respond(to: request) }
    let server = HTTPServer(config: .init(address: address, timeout: 10, logger: .disabled), handler: handler)
    self.server = server
    self.state = stateBox
    task = Task { try await server.run() }
    // FlyingFox's default of 5 s is too short on a machine busy with the whole suite and other builds.
    try await server.waitUntilListening(timeout: 60)
    guard case .ip4(_, let port) = await server.listeningAddress else { throw SocketError.unsupportedAddress }
    url = "http://127.0.0.1:\(port)"
    await stateBox.setRoot(advertisedRoot ?? url)
  }

  /// Runs `body` with a started server and stops the server afterwards, also when `body` throws.
  public static func serving<T>(
    jobs: [String: Job], user: String? = nil, token: String? = nil, requireCrumb: Bool = false, advertisedRoot: String? = nil,
    _ body: (FakeJenkins) async throws -> T
  ) async throws -> T {
    let jenkins = try await FakeJenkins(jobs: jobs, user: user, token: token, requireCrumb: requireCrumb, advertisedRoot: advertisedRoot)
    do {
      let result = try await body(jenkins)
      await jenkins.stop()
      return result
    } catch {
      await jenkins.stop()
      throw error
    }
  }

  /// Stops the server.
  public func stop() async {
    await server.stop()
    task.cancel()
  }

  /// Answers the next `times` requests whose target contains `pathPart` with `fault`.
  public func inject(_ fault: Fault, whereTargetContains pathPart: String, times: Int = 1) async {
    await state.inject(fault, pathPart: pathPart, times: times)
  }

  /// Changes or adds a job.
  public func setJob(_ name: String, _ job: Job) async { await state.setJob(name, job) }

  /// Makes the next crumb issued invalid right after it is issued, as when Jenkins' session ends.
  public func expireNextCrumb() async { await state.expireCrumbOnIssue() }

  /// The builds queued so far, in order.
  public func triggers() async -> [Trigger] { await state.triggers }

  /// Every request received, in order.
  public func requests() async -> [Request] { await state.requests }
}
