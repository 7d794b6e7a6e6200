import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

/// Which jobs a stage deploy runs, with which tags.
@Suite struct StagePlanTests {
  static func config(jenkins: String = "https://ci.example.org/jenkins/") throws -> NotebookConfig {
    try NotebookConfig(
      yaml: """
        timezone: America/Los_Angeles
        repositories: [{name: acme-bazaar/api}, {name: acme-bazaar/payments}, {name: acme-bazaar/frontend}]
        stage:
          jenkins: "\(jenkins)"
          jobs:
            - {name: bazaar-stage-api, repository: acme-bazaar/api}
            - {name: bazaar-stage-payments, repository: acme-bazaar/payments, parameter: REF}
            - {name: web/bazaar frontend, repository: acme-bazaar/frontend}
        """, path: "pushnote.yml")
  }

  static func note(_ text: String = StageNotebook.note) throws -> Note {
    try ParsedNote(bytes: Array(text.utf8), path: "2026/bzr-2026-12-01.md", config: config()).note
  }

  @Test func everyJobInOrderWithTheNotesTag() throws {
    let plan = try StagePlan(note: Self.note(), config: Self.config())
    #expect(plan.jenkins.absoluteString == "https://ci.example.org/jenkins")
    #expect(plan.steps.map(\.job) == ["bazaar-stage-api", "bazaar-stage-payments", "web/bazaar frontend"])
    #expect(plan.steps.map(\.tag) == ["2026.12.01", "2026.12.01", "2026.12.01"])
    #expect(plan.steps.map(\.parameter) == ["DeployRef", "REF", "DeployRef"])
    #expect(plan.steps.allSatisfy { $0.selected && !$0.alreadyDeployed })
    #expect(!plan.everyJobDeployed())
    #expect(plan.everyJobDeployed(alsoDeployed: ["bazaar-stage-api", "bazaar-stage-payments", "web/bazaar frontend"]))
  }

  @Test func theNewestTagOfTheRepositoryWins() throws {
    let note = try Self.note(
      StageNotebook.note
        .replacingOccurrences(of: "- Tag: 2026.12.01\n", with: "- Tag: 2026.12.01-1\n")
        .replacingOccurrences(
          of: "## Blockers\n",
          with: """
            ## Cherry-picks

            - [x] https://github.com/acme-bazaar/payments/commit/4f2c9e1b7a3d (2026.12.01-1)
            - [x] https://github.com/acme-bazaar/payments/commit/9a8b7c6d5e4f went out in 2026.12.01-2
            - [x] https://github.com/acme-bazaar/frontend/commit/1a2b3c4d5e6f (2026.11.24-3)

            ## Blockers

            """))
    #expect(StagePlan.tag(for: "acme-bazaar/payments", in: note) == "2026.12.01-2", "the newest cherry-pick tag")
    #expect(StagePlan.tag(for: "ACME-bazaar/API", in: note) == "2026.12.01", "the compare link's tag, not the header's")
    #expect(StagePlan.tag(for: "acme-bazaar/frontend", in: note) == "2026.12.01", "another week's tag does not count")
    #expect(StagePlan.tag(for: "acme-bazaar/search", in: note) == "2026.12.01-1", "no link: the note's tag")
    #expect(StagePlan.tag(for: "payments", in: note) == "2026.12.01-2", "a repository given by NAME matches OWNER/NAME")
  }

  @Test func aRepositoryTheNoteDoesNotNameIsNotSilentlyGivenTheDateTagOfARepeatedPush() throws {
    let repeated = try Self.note(
      StageNotebook.note.replacingOccurrences(
        of: "payments/compare/2026.11.24...2026.12.01\n", with: "payments/compare/2026.11.24...2026.12.01-1\n"))
    #expect(StagePlan.tag(for: "acme-bazaar/payments", in: repeated) == "2026.12.01-1")
    #expect(StagePlan.tag(for: "acme/unlisted", in: repeated) == nil)
    #expect(StagePlan.tag(for: "acme/unlisted", in: try Self.note()) == "2026.12.01", "no repeat push: the date tag is the push's")
    let config = try NotebookConfig(
      yaml: """
        timezone: America/Los_Angeles
        repositories: [{name: acme-bazaar/payments}, {name: acme/unlisted}]
        stage:
          jenkins: "https://ci.example.org"
          jobs:
            - {name: bazaar-stage-payments, repository: acme-bazaar/payments}
            - {name: bazaar-stage-frontend, repository: acme/unlisted}
        """, path: "pushnote.yml")
    #expect(throws: StageError.noTag(job: "bazaar-stage-frontend", repository: "acme/unlisted")) {
      try StagePlan(note: repeated, config: config)
    }
  }

  @Test func aNoteWithoutATagCannotBeDeployed() throws {
    let untitled = try ParsedNote(bytes: Array("# Push\n\n## Timeline\n".utf8), path: "notes/push.md", config: Self.config()).note
    #expect(throws: StageError.noTag(job: "bazaar-stage-api", repository: "acme-bazaar/api")) {
      try StagePlan(note: untitled, config: Self.config())
    }
  }

  @Test func onlySelectsByJobRepositoryOrName() throws {
    let plan = try StagePlan(note: Self.note(), config: Self.config(), only: ["WEB/bazaar frontend", "payments"])
    #expect(plan.steps.map(\.selected) == [false, true, true])
    #expect(throws: StageError.unknownProject("acme", known: ["bazaar-stage-api", "bazaar-stage-payments", "web/bazaar frontend"])) {
      try StagePlan(note: Self.note(), config: Self.config(), only: ["acme"])
    }
  }

  @Test func theTimelineSaysWhatIsDeployedForWhichTag() throws {
    let note = try Self.note(
      StageNotebook.note.replacingOccurrences(
        of: "- 10:58 tagged everything\n",
        with: """
          - 10:58 tagged everything
          - 11:01 stage bazaar-stage-api 2026.12.01 SUCCESS in 1m 00s
          - 11:03 stage bazaar-stage-payments 2026.12.01 FAILURE in 2m 00s
          - 2026-11-30 09:00 stage web/bazaar frontend 2026.12.01 SUCCESS in 5s
          - 11:04 stage bazaar-stage-payments 2026.11.24 SUCCESS in 2m 00s

          """))
    let plan = try StagePlan(note: note, config: Self.config())
    #expect(plan.steps.map(\.alreadyDeployed) == [true, false, true])
    #expect(plan.everyJobDeployed(alsoDeployed: ["bazaar-stage-payments"]))
  }

  @Test(arguments: [
    ("ci.example.org", "is not an absolute http(s) URL"), ("ftp://ci.example.org", "is not an absolute http(s) URL"),
    ("https://rm:hunter2@ci.example.org", "must not carry credentials"), ("https://ci.example.org/?token=hunter2", "must not have a query"),
    ("http://ci.example.org", "plain http to a host that is not loopback"), ("http://10.0.0.7:8080/", "plain http"),
    ("http://127.0.0.2.example.org", "plain http"), ("http://hunter2@ci.example.org", "must not carry credentials"),
    ("ci.example.org/?apikey=hunter2", "is not an absolute http(s) URL"),
  ])
  func badServerURLsAreConfigurationErrors(url: String, reason: String) throws {
    let error = #expect(throws: StageError.self) { try StagePlan(note: Self.note(), config: Self.config(jenkins: url)) }
    #expect(error?.exitStatus == .configuration)
    #expect(error?.description.contains(reason) == true, "\(String(describing: error))")
    #expect(error?.description.contains("hunter2") == false)
  }

  @Test(arguments: ["http://127.0.0.1:8080", "http://localhost", "http://[::1]:9000/jenkins", "https://ci.example.org"])
  func plainHTTPOnlyToLoopback(url: String) throws {
    #expect(try StagePlan(note: Self.note(), config: Self.config(jenkins: url)).steps.count == 3)
  }

  @Test func aNotebookWithoutStageIsNotConfigured() throws {
    #expect(throws: StageError.notConfigured) { try StagePlan(note: Self.note(), config: NotebookConfig()) }
  }
}
