import Foundation
import PushnoteCore
import PushnoteTestSupport
import Synchronization
import Testing

/// `StageDeploy` against the fake Jenkins, on a notebook in a real git repository.
@Suite struct StageDeployTests {
  /// Polls every few milliseconds; the timeouts are generous, for a machine busy with other tests.
  static let timing = JenkinsClient.Timing(
    pollInterval: .milliseconds(3), requestTimeout: .seconds(60), queueTimeout: .seconds(120), buildTimeout: .seconds(120), retries: 2)
  /// 2026-12-01 11:20 in the notebook's zone: every timeline line of these tests has this time.
  static let now: Date = {
    let zone = TimeZone(identifier: "America/Los_Angeles") ?? .gmt
    return NoteTime.parse("2026-12-01 11:20", on: nil, in: zone) ?? Date(timeIntervalSince1970: 0)
  }()
  static let user = "rm-bot"
  static let token = "tok-5ecret-99"
  static let credentials = JenkinsCredentials(user: user, token: token)

  /// Jobs that all succeed, reporting 2m 05s, 1m 01s and 42s.
  static let succeeding: [String: FakeJenkins.Job] = [
    "bazaar-stage-api": .init(
      queueDelay: .milliseconds(20), buildTime: .milliseconds(20), reportedDurationMilliseconds: 125_000, queuePolls: 2, buildPolls: 2),
    "bazaar-stage-payments": .init(buildTime: .milliseconds(15), reportedDurationMilliseconds: 61_000),
    "bazaar-stage-frontend": .init(reportedDurationMilliseconds: 42_400),
  ]

  /// Collects progress events from any thread.
  final class Events: Sendable {
    let list = Mutex<[StageEvent]>([])
    var all: [StageEvent] { list.withLock { $0 } }
    func record(_ event: StageEvent) { list.withLock { $0.append(event) } }
  }

  static func options(resume: Bool = false, dryRun: Bool = false, only: [String] = []) -> StageDeploy.Options {
    var options = StageDeploy.Options()
    options.timing = timing
    options.now = { now }
    options.resume = resume
    options.dryRun = dryRun
    options.only = only
    options.consoleLines = 5
    return options
  }

  static func deploy(
    _ book: StageNotebook, credentials: JenkinsCredentials? = credentials, options: StageDeploy.Options = options(),
    events: Events = Events()
  ) async throws -> StageReport {
    try await StageDeploy(notebook: book.notebook(), notePath: book.notePath, credentials: credentials, options: options)
      .run { events.record($0) }
  }

  static func trigger(_ job: String, _ tag: String) -> FakeJenkins.Trigger {
    FakeJenkins.Trigger(job: job, parameters: ["DeployRef": tag])
  }

  /// The note with `lines` added after the Timeline's first entry.
  static func noteWithTimeline(_ lines: [String], base: String = StageNotebook.note) -> String {
    base.replacingOccurrences(
      of: "- 10:58 tagged everything\n", with: (["- 10:58 tagged everything"] + lines).joined(separator: "\n") + "\n")
  }

  @Test func deploysEveryJobInOrderRecordsItAndTicksTheItem() async throws {
    try await FakeJenkins.serving(jobs: Self.succeeding, user: Self.user, token: Self.token, requireCrumb: true) { jenkins in
      let book = try await StageNotebook(jenkins: jenkins.url)
      let events = Events()
      let report = try await Self.deploy(book, events: events)

      #expect(await jenkins.triggers() == StageNotebook.jobs.map { Self.trigger($0.name, "2026.12.01") })
      #expect(report.succeeded && report.exitStatus == .ok && report.checklistItemTicked && report.commits == 5)
      #expect(report.jobs.map(\.status) == [.deployed, .deployed, .deployed])
      #expect(report.jobs.map(\.durationSeconds) == [125, 61, 42])
      #expect(report.jobs[0].buildURL == "\(jenkins.url)/job/bazaar-stage-api/1/")
      let expected = Self.noteWithTimeline([
        "- 11:20 stage deploy started",
        "- 11:20 stage bazaar-stage-api 2026.12.01 SUCCESS in 2m 05s",
        "- 11:20 stage bazaar-stage-payments 2026.12.01 SUCCESS in 1m 01s",
        "- 11:20 stage bazaar-stage-frontend 2026.12.01 SUCCESS in 42s",
        "- 11:20 stage deploy finished",
      ]).replacingOccurrences(of: "- [ ] Push to stage", with: "- [x] Push to stage")
      #expect(try book.text() == expected)
      #expect(
        try await book.commitSubjects().prefix(5) == [
          "stage: deploy of 2026.12.01 finished", "stage bazaar-stage-frontend 2026.12.01 SUCCESS in 42s",
          "stage bazaar-stage-payments 2026.12.01 SUCCESS in 1m 01s", "stage bazaar-stage-api 2026.12.01 SUCCESS in 2m 05s",
          "stage: deploy of 2026.12.01 started",
        ])

      let requests = await jenkins.requests()
      let basic = "Basic " + Data("\(Self.user):\(Self.token)".utf8).base64EncodedString()
      #expect(requests.allSatisfy { $0.authorization == basic })
      #expect(requests.filter { $0.method == "POST" }.allSatisfy { $0.crumb == FakeJenkins.crumbValue })
      #expect(!requests.contains { $0.target.contains(Self.token) || $0.target.contains(Self.user) })
      #expect(try !book.text().contains(Self.token))
      let seen = events.all
      #expect(seen.contains { if case .queued(job: "bazaar-stage-api", _, _) = $0 { return true } else { return false } })
      #expect(
        seen.contains { if case .building(job: "bazaar-stage-api", number: 1, _) = $0 { return true } else { return false } }, "\(seen)")
      #expect(seen.filter { if case .finished = $0 { return true } else { return false } }.count == 3)
    }
  }

  @Test func aFailureStopsTheRunAndResumeDeploysOnlyWhatIsLeft() async throws {
    var jobs = Self.succeeding
    let console = (1...8).map { "step \($0)" }.joined(separator: "\n") + "\n\u{1B}[31mERROR: migration 0031 failed\u{1B}[0m\n"
    jobs["bazaar-stage-payments"] = .init(
      buildTime: .milliseconds(10), result: "FAILURE", console: console, reportedDurationMilliseconds: 70_000)
    try await FakeJenkins.serving(jobs: jobs) { jenkins in
      let book = try await StageNotebook(jenkins: jenkins.url)
      let failed = try await Self.deploy(book, credentials: nil)
      #expect(failed.exitStatus == .conflicts && !failed.checklistItemTicked)
      #expect(failed.jobs.map(\.status) == [.deployed, .failed, .notRun])
      #expect(failed.jobs[1].result == .failure)
      #expect(failed.jobs[1].consoleTail == ["step 6", "step 7", "step 8", "ERROR: migration 0031 failed", "Finished: FAILURE"])
      #expect(
        await jenkins.triggers() == [Self.trigger("bazaar-stage-api", "2026.12.01"), Self.trigger("bazaar-stage-payments", "2026.12.01")])
      let firstRun = [
        "- 11:20 stage deploy started",
        "- 11:20 stage bazaar-stage-api 2026.12.01 SUCCESS in 2m 05s",
        "- 11:20 stage bazaar-stage-payments 2026.12.01 FAILURE in 1m 10s",
        "- 11:20 stage deploy stopped",
      ]
      #expect(try book.timeline() == ["- 10:58 tagged everything"] + firstRun)
      #expect(
        try book.section("Blockers") == [
          "- [ ] Stage deploy failed: bazaar-stage-payments 2026.12.01 FAILURE, \(jenkins.url)/job/bazaar-stage-payments/1/",
          "  ```", "  step 6", "  step 7", "  step 8", "  ERROR: migration 0031 failed", "  Finished: FAILURE", "  ```",
        ])
      #expect(try book.text().contains("- [ ] Push to stage"))
      let parsed = try ParsedNote.read(path: book.notePath, config: book.notebook().config)
      #expect(parsed.note.timeline.count == 5, "the console tail is in a code block, not read as timeline entries")

      await jenkins.setJob("bazaar-stage-payments", .init(reportedDurationMilliseconds: 65_000))
      let resumed = try await Self.deploy(book, credentials: nil, options: Self.options(resume: true))
      #expect(resumed.succeeded && resumed.checklistItemTicked)
      #expect(resumed.jobs.map(\.status) == [.skipped, .deployed, .deployed])
      #expect(
        await jenkins.triggers().dropFirst(2) == [
          Self.trigger("bazaar-stage-payments", "2026.12.01"), Self.trigger("bazaar-stage-frontend", "2026.12.01"),
        ])
      #expect(
        try book.timeline() == ["- 10:58 tagged everything"] + firstRun + [
          "- 11:20 stage deploy started",
          "- 11:20 stage bazaar-stage-payments 2026.12.01 SUCCESS in 1m 05s",
          "- 11:20 stage bazaar-stage-frontend 2026.12.01 SUCCESS in 42s",
          "- 11:20 stage deploy finished",
        ])
      #expect(try book.text().contains("- [x] Push to stage\n- [ ] QA on stage"))
      #expect(
        try book.section("Blockers").first
          == "- [x] Stage deploy failed: bazaar-stage-payments 2026.12.01 FAILURE, \(jenkins.url)/job/bazaar-stage-payments/1/")
      let reread = try ParsedNote.read(path: book.notePath, config: book.notebook().config)
      let model = try MailModel(
        note: reread.note, document: try MarkdownDocument(source: reread.source), notebook: book.notebook(),
        date: try #require(PushDate("2026-12-01")))
      #expect(model.blockers.isEmpty, "a stage failure the resumed deploy fixed is not a blocker of the announcement")
    }
  }

  @Test func resumeStartsAtTheFirstJobWhoseLatestOutcomeFailedAndDeploysEveryJobAfterIt() async throws {
    try await FakeJenkins.serving(jobs: Self.succeeding) { jenkins in
      // payments once deployed 2026.12.01, then failed it; frontend's older success came before that.
      let note = Self.noteWithTimeline([
        "- 11:05 stage deploy started",
        "- 11:06 stage bazaar-stage-api 2026.12.01 SUCCESS in 1m 00s",
        "- 11:08 stage bazaar-stage-payments 2026.12.01 SUCCESS in 2m 00s",
        "- 11:09 stage bazaar-stage-frontend 2026.12.01 SUCCESS in 1m 00s",
        "- 11:09 stage deploy finished",
        "- 11:12 stage deploy started",
        "- 11:13 stage bazaar-stage-api 2026.12.01 SUCCESS in 1m 00s",
        "- 11:15 stage bazaar-stage-payments 2026.12.01 FAILURE in 2m 00s",
        "- 11:15 stage deploy stopped",
      ]).replacingOccurrences(
        of: "## Blockers\n", with: "## Blockers\n\n- Stage deploy failed: bazaar-stage-payments 2026.12.01 FAILURE, https://ci/1/\n")
      let book = try await StageNotebook(jenkins: jenkins.url, note: note)
      let events = Events()
      let report = try await Self.deploy(book, options: Self.options(resume: true), events: events)
      #expect(report.jobs.map(\.status) == [.skipped, .deployed, .deployed])
      #expect(
        await jenkins.triggers() == [
          Self.trigger("bazaar-stage-payments", "2026.12.01"), Self.trigger("bazaar-stage-frontend", "2026.12.01"),
        ])
      #expect(!events.all.contains { if case .skipped(job: "bazaar-stage-payments", _) = $0 { return true } else { return false } })
      #expect(try book.section("Blockers") == ["- [x] Stage deploy failed: bazaar-stage-payments 2026.12.01 FAILURE, https://ci/1/"])
      #expect(try book.timeline().suffix(1) == ["- 11:20 stage deploy finished"])
    }
  }

  @Test func aRepeatPushDeploysTheNewTagOnlyWhereTheRepositoryHasIt() async throws {
    try await FakeJenkins.serving(jobs: Self.succeeding) { jenkins in
      let firstPush = Self.noteWithTimeline([
        "- 11:05 stage deploy started",
        "- 11:06 stage bazaar-stage-api 2026.12.01 SUCCESS in 1m 00s",
        "- 11:08 stage bazaar-stage-payments 2026.12.01 SUCCESS in 2m 00s",
        "- 11:09 stage bazaar-stage-frontend 2026.12.01 SUCCESS in 1m 00s",
        "- 11:09 stage deploy finished",
      ])
      let repeatPush = firstPush.replacingOccurrences(
        of: "payments/compare/2026.11.24...2026.12.01\n",
        with: "payments/compare/2026.11.24...2026.12.01\n"
          + "- https://github.com/acme-bazaar/payments/compare/2026.12.01...2026.12.01-1\n"
      ).replacingOccurrences(
        of: "## Blockers\n",
        with: "## Cherry-picks\n\n- [x] https://github.com/acme-bazaar/payments/commit/4f2c9e1b7a3d (2026.12.01-1)\n\n## Blockers\n")
      let book = try await StageNotebook(jenkins: jenkins.url, note: repeatPush)
      let report = try await Self.deploy(book, options: Self.options(resume: true))
      #expect(report.jobs.map(\.tag) == ["2026.12.01", "2026.12.01-1", "2026.12.01"])
      #expect(report.jobs.map(\.status) == [.skipped, .deployed, .deployed], "the projects deploy in order: frontend again after payments")
      #expect(
        await jenkins.triggers() == [
          Self.trigger("bazaar-stage-payments", "2026.12.01-1"), Self.trigger("bazaar-stage-frontend", "2026.12.01"),
        ])
      #expect(
        try book.timeline().suffix(4) == [
          "- 11:20 stage deploy started", "- 11:20 stage bazaar-stage-payments 2026.12.01-1 SUCCESS in 1m 01s",
          "- 11:20 stage bazaar-stage-frontend 2026.12.01 SUCCESS in 42s", "- 11:20 stage deploy finished",
        ])
    }
  }

  @Test(
    .serialized,
    arguments: [
      (302, "/crumbIssuer/"), (307, "/buildWithParameters"), (301, "/queue/item/"), (308, "/job/bazaar-stage-api/1/api/json"),
      (303, "/buildWithParameters"),
    ])
  func aRedirectToAnotherOriginNeverCarriesTheCredentials(status: Int, where path: String) async throws {
    try await FakeJenkins.serving(jobs: Self.succeeding) { elsewhere in
      try await FakeJenkins.serving(jobs: Self.succeeding, user: Self.user, token: Self.token) { jenkins in
        await jenkins.inject(.redirect(status, location: "\(elsewhere.url)\(path)"), whereTargetContains: path)
        let book = try await StageNotebook(jenkins: jenkins.url)
        let error = await #expect(throws: StageError.self) { try await Self.deploy(book) }
        #expect(error?.description.contains("another origin") == true, "\(String(describing: error))")
        #expect(error?.description.contains(Self.token) == false)
        let arrived = await elsewhere.requests()
        #expect(arrived.isEmpty, "the redirect is not followed, so nothing (no Authorization) arrives elsewhere: \(arrived)")
        #expect(try !book.text().contains("- [x] Push to stage"))
      }
    }
  }

  @Test func aRedirectOnTheSameOriginIsFollowedWithTheCredentials() async throws {
    try await FakeJenkins.serving(jobs: Self.succeeding, user: Self.user, token: Self.token) { jenkins in
      await jenkins.inject(.redirect(307, location: "/crumbIssuer/api/json"), whereTargetContains: "/crumbIssuer/")
      let book = try await StageNotebook(jenkins: jenkins.url)
      let report = try await Self.deploy(book)
      #expect(report.succeeded)
      let crumbRequests = await jenkins.requests().filter { $0.target.hasPrefix("/crumbIssuer/") }
      #expect(crumbRequests.count == 2)
      #expect(crumbRequests.allSatisfy { $0.authorization == "Basic " + Data("\(Self.user):\(Self.token)".utf8).base64EncodedString() })
    }
  }

  @Test func aDryRunSendsNothingAndChangesNothing() async throws {
    try await FakeJenkins.serving(jobs: Self.succeeding) { jenkins in
      let book = try await StageNotebook(jenkins: jenkins.url)
      let before = try book.text()
      let report = try await Self.deploy(book, options: Self.options(dryRun: true))
      #expect(report.dryRun && report.jobs.map(\.status) == [.planned, .planned, .planned])
      #expect(report.jobs[1].trigger == "POST \(jenkins.url)/job/bazaar-stage-payments/buildWithParameters DeployRef=2026.12.01")
      #expect(await jenkins.requests().isEmpty)
      #expect(try book.text() == before)
      #expect(try await book.commitSubjects() == ["the week's note"])
    }
  }

  @Test func onlyDeploysTheNamedProjectsAndDoesNotTickTheItem() async throws {
    try await FakeJenkins.serving(jobs: Self.succeeding) { jenkins in
      let book = try await StageNotebook(jenkins: jenkins.url)
      let report = try await Self.deploy(book, options: Self.options(only: ["frontend", "acme-bazaar/api"]))
      #expect(report.jobs.map(\.name) == ["bazaar-stage-api", "bazaar-stage-frontend"])
      #expect(await jenkins.triggers().map(\.job) == ["bazaar-stage-api", "bazaar-stage-frontend"])
      #expect(!report.checklistItemTicked)
      #expect(try book.text().contains("- [ ] Push to stage"))
      await #expect(throws: StageError.unknownProject("search", known: StageNotebook.jobs.map(\.name))) {
        try await Self.deploy(book, options: Self.options(only: ["search"]))
      }
    }
  }

  @Test func foldersAndSpacesAreEscapedAndReadBack() async throws {
    let jobs = ["web/deploy api": FakeJenkins.Job(reportedDurationMilliseconds: 3_000)]
    try await FakeJenkins.serving(jobs: jobs, advertisedRoot: "http://127.0.0.1:1") { jenkins in
      let book = try await StageNotebook(jenkins: jenkins.url + "/", jobs: [.init("web/deploy api", repository: "acme-bazaar/api")])
      let report = try await Self.deploy(book)
      #expect(report.succeeded)
      #expect(
        report.jobs[0].buildURL == "\(jenkins.url)/job/web/job/deploy%20api/1/", "moved from the advertised root to the server's origin")
      #expect(await jenkins.requests().contains { $0.target == "/job/web/job/deploy%20api/buildWithParameters" })
      #expect(try book.timeline().contains("- 11:20 stage web/deploy api 2026.12.01 SUCCESS in 3s"))
      let again = try await Self.deploy(book, options: Self.options(resume: true))
      #expect(again.jobs.map(\.status) == [.skipped])
      #expect(await jenkins.triggers().count == 1)
    }
  }

  @Test func serverErrorsAndDroppedConnectionsAreRetried() async throws {
    try await FakeJenkins.serving(jobs: Self.succeeding) { jenkins in
      await jenkins.inject(.status(500), whereTargetContains: "/queue/item/", times: 2)
      await jenkins.inject(.dropConnection, whereTargetContains: "/job/bazaar-stage-payments/1/api/json")
      await jenkins.inject(.status(503), whereTargetContains: "/job/bazaar-stage-frontend/buildWithParameters")
      let book = try await StageNotebook(jenkins: jenkins.url)
      let report = try await Self.deploy(book)
      #expect(report.succeeded)
      #expect(await jenkins.triggers().map(\.job) == StageNotebook.jobs.map(\.name), "each job queued once")
      let targets = await jenkins.requests().map(\.target)
      #expect(targets.filter { $0.hasPrefix("/queue/item/101/") }.count >= 3)
      #expect(targets.filter { $0.hasPrefix("/job/bazaar-stage-payments/1/api/json") }.count >= 2)
      #expect(targets.filter { $0.hasPrefix("/job/bazaar-stage-frontend/buildWithParameters") }.count == 2)
    }
  }

  @Test func aTriggerWhoseConnectionDroppedIsNotSentAgain() async throws {
    try await FakeJenkins.serving(jobs: Self.succeeding) { jenkins in
      await jenkins.inject(.dropConnection, whereTargetContains: "/buildWithParameters")
      let book = try await StageNotebook(jenkins: jenkins.url)
      let error = await #expect(throws: StageError.self) { try await Self.deploy(book) }
      #expect(error?.exitStatus == .temporaryFailure)
      #expect(await jenkins.requests().filter { $0.method == "POST" }.count == 1)
      #expect(try !book.text().contains("SUCCESS"))
    }
  }

  @Test func aRefusedCrumbIsFetchedAgainOnce() async throws {
    try await FakeJenkins.serving(jobs: Self.succeeding, requireCrumb: true) { jenkins in
      await jenkins.expireNextCrumb()
      let book = try await StageNotebook(jenkins: jenkins.url, jobs: [StageNotebook.jobs[0]])
      let report = try await Self.deploy(book, credentials: nil)
      #expect(report.succeeded)
      let requests = await jenkins.requests()
      #expect(requests.filter { $0.target.hasPrefix("/crumbIssuer/") }.count == 2)
      #expect(requests.filter { $0.method == "POST" }.map(\.crumb) == [FakeJenkins.crumbValue, FakeJenkins.crumbValue + "-renewed"])
      #expect(await jenkins.triggers().count == 1)
    }
  }

  @Test func aCancelledQueueItemStopsTheRun() async throws {
    var jobs = Self.succeeding
    jobs["bazaar-stage-api"] = .init(queueDelay: .milliseconds(10), cancelledInQueue: true)
    try await FakeJenkins.serving(jobs: jobs) { jenkins in
      let book = try await StageNotebook(jenkins: jenkins.url)
      let report = try await Self.deploy(book)
      #expect(report.exitStatus == .conflicts && report.jobs[0].result == .cancelled)
      #expect(report.jobs.map(\.status) == [.failed, .notRun, .notRun])
      let lines = try book.timeline().suffix(3).map { $0.replacingOccurrences(of: "- 11:20 ", with: "") }
      #expect(lines.first == "stage deploy started" && lines.last == "stage deploy stopped")
      let record = try #require(lines.dropFirst().first.flatMap { StageRecord(event: $0) })
      #expect(
        record
          == StageRecord(
            job: "bazaar-stage-api", tag: "2026.12.01", result: .cancelled, durationSeconds: report.jobs[0].durationSeconds ?? -1))
      #expect(try book.section("Blockers") == ["- [ ] Stage deploy failed: bazaar-stage-api 2026.12.01 CANCELLED, cancelled in the queue"])
    }
  }

  @Test func anUnreachableJenkinsRecordsNothing() async throws {
    let jenkins = try await FakeJenkins(jobs: Self.succeeding)
    let url = jenkins.url
    await jenkins.stop()
    let book = try await StageNotebook(jenkins: url)
    let before = try book.text()
    let error = await #expect(throws: StageError.self) { try await Self.deploy(book) }
    #expect(error?.exitStatus == .temporaryFailure)
    #expect(try book.text() == before)
    #expect(try await book.commitSubjects() == ["the week's note"])
  }

  @Test func rejectedOrMissingCredentialsExit77AndRecordNothing() async throws {
    try await FakeJenkins.serving(jobs: Self.succeeding, user: Self.user, token: Self.token) { jenkins in
      let book = try await StageNotebook(jenkins: jenkins.url)
      let before = try book.text()
      let wrong = JenkinsCredentials(user: Self.user, token: "not-the-token")
      let rejected = await #expect(throws: StageError.self) { try await Self.deploy(book, credentials: wrong) }
      #expect(rejected?.exitStatus == .permission)
      #expect(rejected.map { !$0.description.contains("not-the-token") } == true)
      let anonymous = await #expect(throws: StageError.self) { try await Self.deploy(book, credentials: nil) }
      #expect(anonymous?.exitStatus == .permission)
      #expect(try book.text() == before)
      #expect(await jenkins.triggers().isEmpty)
    }
  }

  @Test func jenkinsGoingAwayMidRunKeepsWhatSucceededAndMarksTheInterruption() async throws {
    try await FakeJenkins.serving(jobs: Self.succeeding) { jenkins in
      await jenkins.inject(.status(500), whereTargetContains: "/job/bazaar-stage-payments/buildWithParameters", times: 3)
      let book = try await StageNotebook(jenkins: jenkins.url)
      let error = await #expect(throws: StageError.self) { try await Self.deploy(book) }
      #expect(error?.exitStatus == .temporaryFailure)
      #expect(
        try book.timeline().suffix(3) == [
          "- 11:20 stage deploy started", "- 11:20 stage bazaar-stage-api 2026.12.01 SUCCESS in 2m 05s", "- 11:20 stage deploy interrupted",
        ])
      #expect(await jenkins.triggers().map(\.job) == ["bazaar-stage-api"])
    }
  }

  @Test func aJobStuckInTheQueueTimesOut() async throws {
    var jobs = Self.succeeding
    jobs["bazaar-stage-api"] = .init(queueDelay: .seconds(30))
    try await FakeJenkins.serving(jobs: jobs) { jenkins in
      let book = try await StageNotebook(jenkins: jenkins.url)
      var options = Self.options()
      options.timing.queueTimeout = .milliseconds(40)
      await #expect(throws: StageError.timedOut(job: "bazaar-stage-api", phase: "in the queue", seconds: 0)) {
        try await Self.deploy(book, options: options)
      }
    }
  }

  @Test func anUnknownJobIsAConfigurationError() async throws {
    try await FakeJenkins.serving(jobs: [:]) { jenkins in
      let book = try await StageNotebook(jenkins: jenkins.url)
      let error = await #expect(throws: StageError.self) { try await Self.deploy(book) }
      #expect(error == .jobNotFound(job: "bazaar-stage-api", url: "\(jenkins.url)/job/bazaar-stage-api/buildWithParameters"))
      #expect(error?.exitStatus == .configuration)
    }
  }
}
