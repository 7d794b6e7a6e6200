import ArgumentParser
import Foundation
import PushnoteCore
import PushnoteTestSupport

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `pushnote-bench stage`: a whole stage deploy, against a bare client doing the same Jenkins calls.
///
/// The fake Jenkins (127.0.0.1) holds N jobs that wait in the queue and build for a while. Each round
/// deploys them once with `StageDeploy` (crumb, retries, note records and a commit per job) and once
/// with the reference: a loop of plain URLSession requests (trigger, poll the queue item, poll the
/// build) at the same poll interval, recording nothing. Rounds alternate which goes first. The
/// figures are the medians, their ratio, and each against the jobs' own queue and build time.
struct StageBenchmark: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "stage", abstract: "A stage deploy vs bare Jenkins calls at the same poll interval.")

  @Option(help: "How many jobs.") var jobs = 3
  @Option(help: "Milliseconds each job waits in the queue.") var queueMilliseconds = 50
  @Option(help: "Milliseconds each build runs.") var buildMilliseconds = 200
  @Option(help: "Milliseconds between two polls.") var pollMilliseconds = 10
  @Option(help: "Rounds (each one deploy and one reference run).") var rounds = 5

  func run() async throws {
    let names = (1...jobs).map { "bench-stage-\($0)" }
    let behaviour = FakeJenkins.Job(queueDelay: .milliseconds(queueMilliseconds), buildTime: .milliseconds(buildMilliseconds))
    let jenkins = try await FakeJenkins(jobs: Dictionary(uniqueKeysWithValues: names.map { ($0, behaviour) }), requireCrumb: true)
    var deploys: [Double] = []
    var references: [Double] = []
    for round in 0..<rounds {
      for isDeploy in round.isMultiple(of: 2) ? [true, false] : [false, true] {
        if isDeploy {
          deploys.append(try await deploy(names, jenkins: jenkins))
        } else {
          references.append(try await reference(names, jenkins: jenkins))
        }
      }
    }
    await jenkins.stop()
    let ideal = Double(jobs * (queueMilliseconds + buildMilliseconds)) / 1000
    let deployMedian = Timing.median(deploys)
    let referenceMedian = Timing.median(references)
    print(
      "stage: \(jobs) jobs x (\(queueMilliseconds) ms queued + \(buildMilliseconds) ms building), "
        + "poll \(pollMilliseconds) ms, \(rounds) rounds"
    )
    print(String(format: "  bare URLSession calls (reference): median %.3f s  runs %@", referenceMedian, Timing.format(references)))
    print(String(format: "  pushnote stage (records, commits): median %.3f s  runs %@", deployMedian, Timing.format(deploys)))
    print(String(format: "  ratio stage / reference: %.2f", deployMedian / referenceMedian))
    print(
      String(format: "  against the jobs' own %.3f s: reference %.2f, stage %.2f", ideal, referenceMedian / ideal, deployMedian / ideal))
  }

  /// One `StageDeploy` run on a fresh notebook; the seconds it took.
  private func deploy(_ names: [String], jenkins: FakeJenkins) async throws -> Double {
    let book = try await StageNotebook(
      jenkins: jenkins.url, jobs: names.map { StageNotebook.Job($0, repository: "acme-bazaar/api") })
    var options = StageDeploy.Options()
    options.timing.pollInterval = .milliseconds(pollMilliseconds)
    let start = ContinuousClock.now
    let report = try await StageDeploy(notebook: book.notebook(), notePath: book.notePath, credentials: nil, options: options).run()
    let seconds = (ContinuousClock.now - start).seconds
    guard report.succeeded, report.jobs.allSatisfy({ $0.status == .deployed }) else { throw ValidationError("the deploy failed") }
    return seconds
  }

  /// The same Jenkins calls with plain URLSession requests and nothing recorded; the seconds it took.
  private func reference(_ names: [String], jenkins: FakeJenkins) async throws -> Double {
    let session = URLSession(configuration: .ephemeral)
    defer { session.finishTasksAndInvalidate() }
    let start = ContinuousClock.now
    let crumb = try await json(session, URL(string: jenkins.url + "/crumbIssuer/api/json"))["crumb"] as? String ?? ""
    for name in names {
      var trigger = URLRequest(url: try url(jenkins.url + "/job/\(name)/buildWithParameters"))
      trigger.httpMethod = "POST"
      trigger.httpBody = Data("DeployRef=2026.12.01".utf8)
      trigger.setValue(crumb, forHTTPHeaderField: "Jenkins-Crumb")
      let (_, response) = try await session.data(for: trigger)
      guard let location = (response as? HTTPURLResponse)?.value(forHTTPHeaderField: "Location") else {
        throw ValidationError("no queue item")
      }
      var build: String?
      while build == nil {
        build = (try await json(session, URL(string: location + "api/json"))["executable"] as? [String: Any])?["url"] as? String
        if build == nil { try await Task.sleep(for: .milliseconds(pollMilliseconds)) }
      }
      while try await json(session, URL(string: (build ?? "") + "api/json"))["building"] as? Bool != false {
        try await Task.sleep(for: .milliseconds(pollMilliseconds))
      }
    }
    return (ContinuousClock.now - start).seconds
  }

  private func url(_ text: String) throws -> URL {
    guard let url = URL(string: text) else { throw ValidationError("bad URL \(text)") }
    return url
  }

  private func json(_ session: URLSession, _ url: URL?) async throws -> [String: Any] {
    guard let url else { throw ValidationError("bad URL") }
    let (data, _) = try await session.data(from: url)
    return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
  }

}
