import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

/// `pushnote stage`, run as the real binary against the fake Jenkins.
@Suite struct StageCommandTests {
  private let pushnote = Fixtures.builtExecutable("pushnote")
  private static let user = "rm-bot"
  private static let token = "tok-cli-5ecret"
  private static let jobs: [String: FakeJenkins.Job] = [
    "bazaar-stage-api": .init(queueDelay: .milliseconds(20), buildTime: .milliseconds(40), reportedDurationMilliseconds: 125_000),
    "bazaar-stage-payments": .init(reportedDurationMilliseconds: 61_000),
    "bazaar-stage-frontend": .init(reportedDurationMilliseconds: 42_000),
  ]

  /// Runs `pushnote stage` on the notebook with fast polling; `environment` adds to a clean credentials setup.
  private func stage(
    _ arguments: [String], in book: StageNotebook, environment: [String: String] = [:]
  ) async throws -> ProcessRunner.Result {
    var merged = [
      "PUSHNOTE_JENKINS_USER": "", "PUSHNOTE_JENKINS_TOKEN": "", "PUSHNOTE_CREDENTIALS": "",
      "XDG_CONFIG_HOME": book.folder.appending("no-config"),
    ]
    merged.merge(environment) { $1 }
    return try await ProcessRunner.run(
      pushnote, ["stage", "--notebook", book.folder.path, "--poll-interval", "0.003", "2026-12-01"] + arguments, environment: merged)
  }

  private var credentials: [String: String] { ["PUSHNOTE_JENKINS_USER": Self.user, "PUSHNOTE_JENKINS_TOKEN": Self.token] }

  /// The events of the timeline lines (`- 2026-11-26 18:40 EVENT` or `- 11:20 EVENT`), stamps left out.
  private func timelineEvents(_ book: StageNotebook) throws -> [String] {
    try book.timeline().map { line in
      let words = line.split(separator: " ", omittingEmptySubsequences: false)
      let skip = words.count > 2 && words[1].contains("-") ? 3 : 2
      return words.dropFirst(skip).joined(separator: " ")
    }
  }

  @Test func deploysInOrderPrintsALinePerJobAndRecordsTheTimeline() async throws {
    try await FakeJenkins.serving(jobs: Self.jobs, user: Self.user, token: Self.token, requireCrumb: true) { jenkins in
      let book = try await StageNotebook(jenkins: jenkins.url)
      let result = try await stage([], in: book, environment: credentials)
      #expect(result.status == 0, "\(result.stderr)")
      #expect(result.stdout.contains("✓ bazaar-stage-api 2026.12.01 SUCCESS in 2m 05s  \(jenkins.url)/job/bazaar-stage-api/1/\n"))
      #expect(result.stdout.contains("Stage deploy done (3 of 3 jobs deployed)."))
      #expect(result.stdout.contains("2026/bzr-2026-12-01.md: 5 commits, \"Push to stage\" ticked"))
      #expect(!(result.stdout + result.stderr).contains(Self.token))
      #expect(await jenkins.triggers().map(\.job) == StageNotebook.jobs.map(\.name))
      #expect(
        try timelineEvents(book) == [
          "tagged everything", "stage deploy started", "stage bazaar-stage-api 2026.12.01 SUCCESS in 2m 05s",
          "stage bazaar-stage-payments 2026.12.01 SUCCESS in 1m 01s", "stage bazaar-stage-frontend 2026.12.01 SUCCESS in 42s",
          "stage deploy finished",
        ])
      #expect(try book.text().contains("- [x] Push to stage"))
      let log = try await book.commitSubjects().joined(separator: "\n")
      #expect(!log.contains(Self.token))
    }
  }

  @Test func aFailedJobExits1WithJSONAndResumeFinishes() async throws {
    var jobs = Self.jobs
    jobs["bazaar-stage-payments"] = .init(result: "UNSTABLE", console: "tests: 2 failed\n")
    try await FakeJenkins.serving(jobs: jobs) { jenkins in
      let book = try await StageNotebook(jenkins: jenkins.url)
      let failed = try await stage(["--json"], in: book)
      #expect(failed.status == 1, "\(failed.stderr)")
      JSONShapes.check(failed.stdout, documentedAs: "pushnote stage --json")
      let report = try JSONDecoder().decode(StageReport.self, from: Data(failed.stdout.utf8))
      #expect(report.jobs.map(\.status) == [.deployed, .failed, .notRun])
      #expect(report.jobs[1].consoleTail == ["tests: 2 failed", "Finished: UNSTABLE"])
      #expect(failed.stdout.contains("\"succeeded\" : false"))

      await jenkins.setJob("bazaar-stage-payments", .init())
      let resumed = try await stage(["--resume"], in: book)
      #expect(resumed.status == 0, "\(resumed.stderr)")
      #expect(resumed.stdout.contains("– bazaar-stage-api 2026.12.01 already deployed, skipped"))
      #expect(resumed.stdout.contains("(2 of 3 jobs deployed, 1 already deployed)"))
      #expect(
        await jenkins.triggers().map(\.job) == [
          "bazaar-stage-api", "bazaar-stage-payments", "bazaar-stage-payments", "bazaar-stage-frontend",
        ])
    }
  }

  @Test func aDryRunListsTheTriggersAndSendsNothing() async throws {
    try await FakeJenkins.serving(jobs: Self.jobs) { jenkins in
      let book = try await StageNotebook(jenkins: jenkins.url)
      let before = try book.text()
      let result = try await stage(["--dry-run", "--only", "payments", "frontend"], in: book)
      #expect(result.status == 0, "\(result.stderr)")
      #expect(
        result.stdout == """
          Would deploy to stage through \(jenkins.url) as anonymous, in order:
            POST \(jenkins.url)/job/bazaar-stage-payments/buildWithParameters DeployRef=2026.12.01
            POST \(jenkins.url)/job/bazaar-stage-frontend/buildWithParameters DeployRef=2026.12.01
          Nothing was sent and the note is unchanged.

          """)
      #expect(await jenkins.requests().isEmpty)
      #expect(try book.text() == before)
    }
  }

  @Test func exitCodesForUnreachableRejectedAndMisconfigured() async throws {
    let stopped = try await FakeJenkins(jobs: Self.jobs)
    await stopped.stop()
    let offline = try await StageNotebook(jenkins: stopped.url)
    let before = try offline.text()
    let unreachable = try await stage([], in: offline)
    #expect(unreachable.status == 75 && unreachable.stderr.contains("cannot reach Jenkins"), "\(unreachable.stderr)")
    #expect(try offline.text() == before)

    try await FakeJenkins.serving(jobs: Self.jobs, user: Self.user, token: Self.token) { jenkins in
      let book = try await StageNotebook(jenkins: jenkins.url)
      let rejected = try await stage(
        [], in: book, environment: ["PUSHNOTE_JENKINS_USER": Self.user, "PUSHNOTE_JENKINS_TOKEN": "wrong-token"])
      #expect(rejected.status == 77 && !rejected.stderr.contains("wrong-token"), "\(rejected.stderr)")
      let halfSet = try await stage([], in: book, environment: ["PUSHNOTE_JENKINS_USER": Self.user])
      #expect(halfSet.status == 78 && halfSet.stderr.contains("PUSHNOTE_JENKINS_TOKEN"))
      #expect(try await stage(["--only", "search"], in: book).status == 64)
      #expect(try await stage(["--poll-interval", "0"], in: book).status == 64)
      #expect(await jenkins.triggers().isEmpty)
    }
  }

  @Test func credentialsComeFromAPrivateFileOutsideTheNotebook() async throws {
    try await FakeJenkins.serving(jobs: Self.jobs, user: Self.user, token: Self.token) { jenkins in
      let book = try await StageNotebook(jenkins: jenkins.url)
      let outside = try TemporaryDirectory(prefix: "pushnote-credentials")
      let file = outside.appending("credentials")
      try AtomicFile.write("# Jenkins\nPUSHNOTE_JENKINS_USER=\(Self.user)\nexport PUSHNOTE_JENKINS_TOKEN=\"\(Self.token)\"\n", to: file)

      try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file)
      let open = try await stage(["--only", "api"], in: book, environment: ["PUSHNOTE_CREDENTIALS": file])
      #expect(open.status == 78 && open.stderr.contains("chmod 600"), "\(open.stderr)")

      try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
      let inside = book.folder.appending("credentials")
      try FileManager.default.copyItem(atPath: file, toPath: inside)
      let tracked = try await stage(["--only", "api"], in: book, environment: ["PUSHNOTE_CREDENTIALS": inside])
      #expect(tracked.status == 78 && tracked.stderr.contains("inside the notebook"), "\(tracked.stderr)")
      try FileManager.default.removeItem(atPath: inside)

      let fine = try await stage(["--only", "api"], in: book, environment: ["PUSHNOTE_CREDENTIALS": file])
      #expect(fine.status == 0, "\(fine.stderr)")
      #expect(await jenkins.triggers().map(\.job) == ["bazaar-stage-api"])
    }
  }
}
