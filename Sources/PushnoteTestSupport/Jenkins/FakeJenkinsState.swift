import FlyingFox
import Foundation

/// The fake Jenkins' jobs, queue and builds, and how it answers each request.
actor FakeJenkinsState {
  private struct QueueItem {
    var job: String
    var queuedAt: ContinuousClock.Instant
    var buildNumber: Int?
    var polls = 0
  }

  private struct Build {
    var job: String
    var behaviour: FakeJenkins.Job
    var startedAt: ContinuousClock.Instant
    var polls = 0
  }

  private struct PendingFault {
    var fault: FakeJenkins.Fault
    var pathPart: String
    var remaining: Int
  }

  private var jobs: [String: FakeJenkins.Job]
  private let credentials: (user: String, token: String)?
  private let requireCrumb: Bool
  private var root = ""
  private var crumb = FakeJenkins.crumbValue
  private var expireNextCrumb = false
  private var queue: [Int: QueueItem] = [:]
  private var builds: [String: Build] = [:]
  private var lastBuildNumber: [String: Int] = [:]
  private var faults: [PendingFault] = []
  private let clock = ContinuousClock()
  private(set) var triggers: [FakeJenkins.Trigger] = []
  private(set) var requests: [FakeJenkins.Request] = []

  init(jobs: [String: FakeJenkins.Job], credentials: (String, String)?, requireCrumb: Bool) {
    self.jobs = jobs
    self.credentials = credentials
    self.requireCrumb = requireCrumb
  }

  func setRoot(_ root: String) { self.root = root }

  func setJob(_ name: String, _ job: FakeJenkins.Job) { jobs[name] = job }

  func expireCrumbOnIssue() { expireNextCrumb = true }

  func inject(_ fault: FakeJenkins.Fault, pathPart: String, times: Int) {
    faults.append(PendingFault(fault: fault, pathPart: pathPart, remaining: times))
  }

  // MARK: Answering

  func respond(to request: HTTPRequest) async -> HTTPResponse {
    let body = (try? await request.bodyData) ?? Data()
    let form = request.method == .POST ? Self.form(body) : [:]
    let target = request.target.rawValue
    requests.append(
      FakeJenkins.Request(
        method: request.method.rawValue, target: target, authorization: request.headers[.authorization],
        crumb: request.headers[HTTPHeader("Jenkins-Crumb")], form: form))
    if let index = faults.firstIndex(where: { $0.remaining > 0 && target.contains($0.pathPart) }) {
      faults[index].remaining -= 1
      return Self.response(for: faults[index].fault)
    }
    if let credentials {
      guard let header = request.headers[.authorization] else { return Self.text(403, "Authentication required") }
      let expected = "Basic " + Data("\(credentials.user):\(credentials.token)".utf8).base64EncodedString()
      guard header == expected else { return Self.text(401, "Invalid password/token for user") }
    }
    let segments = request.target.path(percentEncoded: true).split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
    if request.method == .POST, requireCrumb, request.headers[HTTPHeader("Jenkins-Crumb")] != crumb {
      return Self.text(403, "No valid crumb was included in the request")
    }
    switch segments.first {
    case "crumbIssuer":
      return issueCrumb()
    case "queue" where segments.count >= 3 && segments[1] == "item":
      return queueItem(Int(segments[2]) ?? -1)
    case "job":
      return jobRequest(segments, method: request.method, form: form)
    default:
      return Self.text(404, "Not Found")
    }
  }

  /// `/job/A/job/B/…`: the job's name (`A/B`) and what follows it.
  private func jobRequest(_ segments: [String], method: HTTPMethod, form: [String: String]) -> HTTPResponse {
    var names: [String] = []
    var index = 0
    while index + 1 < segments.count, segments[index] == "job" {
      names.append(segments[index + 1])
      index += 2
    }
    let name = names.joined(separator: "/")
    let rest = Array(segments[index...])
    guard jobs[name] != nil else { return Self.text(404, "Not Found") }
    switch (method, rest.first) {
    case (.POST, "buildWithParameters"):
      return trigger(name, form: form)
    case (.GET, let number?) where Int(number) != nil:
      guard let build = builds["\(name)#\(number)"] else { return Self.text(404, "Not Found") }
      if rest.count == 2, rest[1] == "consoleText" { return console(build) }
      if rest.count == 3, rest[1] == "api", rest[2] == "json" {
        builds["\(name)#\(number)"]?.polls += 1
        return buildJSON(builds["\(name)#\(number)"] ?? build, number: Int(number) ?? 0)
      }
      return Self.text(404, "Not Found")
    default:
      return Self.text(method == .GET ? 404 : 405, "Not Found")
    }
  }

  /// The crumb, or 404 when the server does not require one; an expiring crumb is renewed once issued.
  private func issueCrumb() -> HTTPResponse {
    guard requireCrumb else { return Self.text(404, "Not Found") }
    let issued = crumb
    if expireNextCrumb {
      crumb += "-renewed"
      expireNextCrumb = false
    }
    return Self.json(["_class": "hudson.security.csrf.DefaultCrumbIssuer", "crumb": issued, "crumbRequestField": "Jenkins-Crumb"])
  }

  private func trigger(_ job: String, form: [String: String]) -> HTTPResponse {
    triggers.append(FakeJenkins.Trigger(job: job, parameters: form))
    let id = 100 + triggers.count
    queue[id] = QueueItem(job: job, queuedAt: clock.now)
    return HTTPResponse(statusCode: .created, headers: HTTPHeaders(dictionaryLiteral: (.location, "\(root)/queue/item/\(id)/")))
  }

  private func queueItem(_ id: Int) -> HTTPResponse {
    guard var item = queue[id], let behaviour = jobs[item.job] else { return Self.text(404, "Not Found") }
    item.polls += 1
    queue[id] = item
    if clock.now - item.queuedAt < behaviour.queueDelay || item.polls <= behaviour.queuePolls {
      return Self.json(["_class": "hudson.model.Queue$WaitingItem", "id": id, "why": "Waiting for next available executor"])
    }
    if behaviour.cancelledInQueue {
      return Self.json(["_class": "hudson.model.Queue$LeftItem", "id": id, "cancelled": true, "executable": NSNull()])
    }
    let number: Int
    if let existing = item.buildNumber {
      number = existing
    } else {
      number = (lastBuildNumber[item.job] ?? 0) + 1
      lastBuildNumber[item.job] = number
      item.buildNumber = number
      queue[id] = item
      builds["\(item.job)#\(number)"] = Build(job: item.job, behaviour: behaviour, startedAt: clock.now)
    }
    let path = item.job.split(separator: "/").map {
      "/job/"
        + (String($0).addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/")))
          ?? String($0))
    }.joined()
    return Self.json([
      "_class": "hudson.model.Queue$LeftItem", "id": id, "cancelled": false,
      "executable": ["_class": "hudson.model.FreeStyleBuild", "number": number, "url": "\(root)\(path)/\(number)/"],
    ])
  }

  private func buildJSON(_ build: Build, number: Int) -> HTTPResponse {
    let elapsed = clock.now - build.startedAt
    if elapsed < build.behaviour.buildTime || build.polls <= build.behaviour.buildPolls {
      return Self.json(["_class": "hudson.model.FreeStyleBuild", "number": number, "building": true, "result": NSNull(), "duration": 0])
    }
    let milliseconds =
      build.behaviour.reportedDurationMilliseconds
      ?? Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
    return Self.json([
      "_class": "hudson.model.FreeStyleBuild", "number": number, "building": false, "result": build.behaviour.result,
      "duration": milliseconds,
    ])
  }

  private func console(_ build: Build) -> HTTPResponse {
    let text = build.behaviour.console + (build.behaviour.console.hasSuffix("\n") ? "" : "\n") + "Finished: \(build.behaviour.result)\n"
    return HTTPResponse(
      statusCode: .ok, headers: HTTPHeaders(dictionaryLiteral: (.contentType, "text/plain; charset=utf-8")), body: Data(text.utf8))
  }

  // MARK: Helpers

  private static func response(for fault: FakeJenkins.Fault) -> HTTPResponse {
    switch fault {
    case .status(let code): return text(code, "Fault injected by the test")
    case .redirect(let code, let location):
      return HTTPResponse(
        statusCode: HTTPStatusCode(code, phrase: "Redirect"),
        headers: HTTPHeaders(dictionaryLiteral: (.location, location), (.contentType, "text/plain")), body: Data("Moved".utf8))
    case .dropConnection:
      let body = Array("{\"building\": false, \"result\": \"SUCCESS\"}".utf8)
      return HTTPResponse(
        statusCode: .ok, headers: HTTPHeaders(dictionaryLiteral: (.contentType, "application/json")),
        body: HTTPBodySequence(from: DroppedBody(bytes: Array(body.prefix(body.count / 2))), count: body.count))
    }
  }

  private static func text(_ status: Int, _ body: String) -> HTTPResponse {
    HTTPResponse(
      statusCode: HTTPStatusCode(status, phrase: "Status \(status)"), headers: HTTPHeaders(dictionaryLiteral: (.contentType, "text/plain")),
      body: Data(body.utf8))
  }

  private static func json(_ object: [String: Any]) -> HTTPResponse {
    let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
    return HTTPResponse(statusCode: .ok, headers: HTTPHeaders(dictionaryLiteral: (.contentType, "application/json")), body: data)
  }

  /// An `application/x-www-form-urlencoded` body, decoded.
  private static func form(_ body: Data) -> [String: String] {
    var result: [String: String] = [:]
    for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
      let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map {
        String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
      }
      result[parts[0]] = parts.count > 1 ? parts[1] : ""
    }
    return result
  }
}
