import Foundation
import PushnoteTestSupport
import Testing

@testable import PushnoteCore

/// The JSON of the reports `status`, `stage`, `tag` and `cherry-pick` print: the exact bytes of
/// docs/json.md's shapes as the versions before printed them, every key (or, where the docs say
/// a key may be absent, without it), and the same object through any `Encoder`.
@Suite struct JSONObjectTests {
  /// A text that needs escapes, and characters beyond ASCII.
  static let awkward = "Ünïcode \"quoted\" \\ tab\t/😀\u{1}"

  /// Checks that the writer, its blocks and Foundation's encoder all give `expected`.
  private func check(_ value: some Encodable, is expected: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
    for (way, text) in try JSONOracle.writings(of: value) { #expect(text == expected, "\(way)", sourceLocation: sourceLocation) }
  }

  // MARK: status

  static func fullStatus() throws -> WeekStatus {
    var status = WeekStatus(date: try #require(PushDate("2026-12-01")))
    status.file = "2026/mkt-2026-12-01.md"
    status.done = 3
    status.total = 16
    status.openItems = ["Push to production", awkward]
    status.tag = "2026.12.01"
    status.pushes = 1
    status.signedOff = ["qa"]
    status.started = true
    status.handoverSent = "2026-12-01 11:22 PST <handover.mkt-2026-12-01@example.org>"
    status.nextStep = "pushnote sign ops"
    var pad = PadStatus(state: .padChanged, padID: "mkt-2026-12-01", baseRevision: 5)
    pad.revision = 9
    pad.requests = 1
    status.pad = pad
    var entry = ChatQueue.Entry(
      destination: "irc ircs://irc.example.org:6697/#push", id: "push-end:2026-12-01", kind: .push,
      text: "Acme: the push is done.\nsecond line", queuedAt: Date(timeIntervalSince1970: 1_796_155_632))
    entry.attempts = 1
    entry.lastError = awkward
    var unsent = ChatQueue.Entry(
      destination: "matrix https://matrix.example.org/#push", id: "say:1", kind: .cherryPick, text: "",
      queuedAt: Date(timeIntervalSince1970: 0))
    unsent.attempts = 0
    status.chatQueue = [.init(entry), .init(unsent)]
    status.chatQueueError = "chat-queue.json: line 1, column 1: not JSON"
    return status
  }

  @Test func aWeekStatusWithEveryFieldIsWrittenAsBefore() throws {
    try check(try Self.fullStatus(), is: Self.fullStatusJSON)
  }

  @Test func aWeekWithoutANoteHasEveryKeyWithNullsAndEmptyLists() throws {
    var status = WeekStatus(date: try #require(PushDate("2026-12-08")))
    status.nextStep = "pushnote new"
    try check(status, is: Self.emptyStatusJSON)
  }

  // MARK: stage

  static func stageReport() -> StageReport {
    var report = StageReport(
      note: "2026/bzr-2026-12-01.md", jenkins: "https://ci.example.org/jenkins", dryRun: false,
      jobs: [
        StageReport.Job(
          name: "bazaar-stage-api", repository: "acme-bazaar/api", tag: "2026.12.01",
          trigger: "POST https://ci.example.org/jenkins/job/bazaar-stage-api/buildWithParameters DeployRef=2026.12.01",
          status: .deployed, result: .success, buildURL: "https://ci.example.org/jenkins/job/bazaar-stage-api/1/",
          durationSeconds: 125),
        StageReport.Job(
          name: "bazaar-stage-payments", repository: "acme-bazaar/payments", tag: "2026.12.01", trigger: "POST x",
          status: .failed, result: .unstable, buildURL: "https://ci.example.org/jenkins/job/bazaar-stage-payments/2/",
          durationSeconds: 0, consoleTail: ["tests: 2 failed", awkward, ""]),
        StageReport.Job(name: "bazaar-stage-frontend", repository: "acme-bazaar/frontend", tag: "", trigger: "", status: .notRun),
        StageReport.Job(
          name: "cancelled", repository: "acme-bazaar/api", tag: "2026.12.01", trigger: "", status: .failed, result: .cancelled,
          consoleTail: []),
      ])
    report.checklistItemTicked = true
    report.commits = 3
    return report
  }

  @Test func aStageReportIsWrittenAsBeforeAndReadBack() throws {
    let report = Self.stageReport()
    try check(report, is: Self.stageJSON)
    #expect(try JSONDecoder().decode(StageReport.self, from: Data(JSONWriter.bytes(report))) == report)
  }

  @Test func aDryRunWithoutJobsHasEmptyJobs() throws {
    try check(StageReport(note: "n.md", jenkins: "", dryRun: true, jobs: []), is: Self.emptyStageJSON)
  }

  // MARK: tag and cherry-pick

  static let commits: [ChangeSummary.Commit] = [
    .init(sha: "e07b49833773ae362a893c4d147e14ab74994918", author: "Ada Dev", subject: "Fix it"),
    .init(sha: "813fed0bb45cea0b3e88e840e816affb62f07ce5", author: "Bö", subject: awkward),
    .init(sha: "4be0ca4973917a4f9aba5d6db94757112e639ca0", author: "Ada Dev", subject: ""),
  ]

  static func tagReport() -> Release.TagReport {
    var kept = ReleaseOutcome(
      repository: "acme/web", tag: "2026.12.01", action: .kept, commit: "4be0ca4973917a4f9aba5d6db94757112e639ca0",
      previousTag: "2026.11.24", changes: ChangeSummary(commits: [], migrations: []))
    kept.newestTag = "2026.12.01-1"
    kept.branchHead = "813fed0bb45cea0b3e88e840e816affb62f07ce5"
    return Release.TagReport(
      note: "2026/mkt-2026-12-01.md", tag: "2026.12.01", dryRun: false,
      repositories: [
        ReleaseOutcome(
          repository: "acme/api", tag: "2026.12.01", action: .created, commit: "813fed0bb45cea0b3e88e840e816affb62f07ce5",
          previousTag: "2026.11.24", changes: ChangeSummary(commits: commits, migrations: ["migrations/0415_notes.sql", awkward])),
        kept,
        ReleaseOutcome(
          repository: "acme/db", tag: "2026.12.01", action: .failed,
          error: .conflict(repository: "acme/db", commit: "4be0ca4973917a4f9aba5d6db94757112e639ca0", files: ["a/ü.sql"])),
        ReleaseOutcome(repository: "acme/new", tag: "2026.12.01", action: .wouldCreate),
      ],
      noteUpdated: true, committed: false)
  }

  @Test func aTagReportWithItsSummariesIsWrittenAsBeforeWithAbsentKeysLeftOut() throws {
    try check(Self.tagReport(), is: Self.tagJSON)
  }

  @Test func aCherryPickReportIsWrittenAsBefore() throws {
    let outcome = CherryPicker.Outcome(
      repository: "acme/api", baseTag: "2026.12.01", tag: "2026.12.01-1", commit: nil, picked: [Self.commits[1]], pushed: false)
    let report = Release.CherryPickReport(
      note: "2026/mkt-2026-12-01.md", dryRun: true, outcome: outcome, noteUpdated: false, committed: false)
    try check(report, is: Self.cherryPickJSON)
    let pushed = CherryPicker.Outcome(
      repository: "acme/api", baseTag: "2026.12.01", tag: "2026.12.01-1", commit: "079037420d7190b9fd8b532cfbfe083c784f7e64",
      picked: [], pushed: true)
    try check(pushed, is: Self.pushedOutcomeJSON)
  }
}

// The bytes the versions before printed, recorded with them.
extension JSONObjectTests {
  static let fullStatusJSON = #"""
    {
      "chat_queue" : [
        {
          "attempts" : 1,
          "destination" : "irc ircs://irc.example.org:6697/#push",
          "event" : "push",
          "last_error" : "Ünïcode \"quoted\" \\ tab\t/😀\u0001",
          "queued_at" : "2026-12-01T20:07:12Z",
          "text" : "Acme: the push is done."
        },
        {
          "attempts" : 0,
          "destination" : "matrix https://matrix.example.org/#push",
          "event" : "cherry_pick",
          "last_error" : null,
          "queued_at" : "1970-01-01T00:00:00Z",
          "text" : ""
        }
      ],
      "chat_queue_error" : "chat-queue.json: line 1, column 1: not JSON",
      "date" : "2026-12-01",
      "done" : 3,
      "ended" : false,
      "file" : "2026/mkt-2026-12-01.md",
      "handover_sent" : "2026-12-01 11:22 PST <handover.mkt-2026-12-01@example.org>",
      "mail_sent" : null,
      "next_step" : "pushnote sign ops",
      "open_items" : [
        "Push to production",
        "Ünïcode \"quoted\" \\ tab\t/😀\u0001"
      ],
      "pad" : {
        "base_revision" : 5,
        "message" : null,
        "pad_id" : "mkt-2026-12-01",
        "requests" : 1,
        "revision" : 9,
        "state" : "pad_changed"
      },
      "pushes" : 1,
      "signed_off" : [
        "qa"
      ],
      "started" : true,
      "tag" : "2026.12.01",
      "total" : 16
    }

    """#

  static let emptyStatusJSON = #"""
    {
      "chat_queue" : [

      ],
      "chat_queue_error" : null,
      "date" : "2026-12-08",
      "done" : 0,
      "ended" : false,
      "file" : null,
      "handover_sent" : null,
      "mail_sent" : null,
      "next_step" : "pushnote new",
      "open_items" : [

      ],
      "pad" : null,
      "pushes" : 0,
      "signed_off" : [

      ],
      "started" : false,
      "tag" : null,
      "total" : 0
    }

    """#

  static let stageJSON = #"""
    {
      "checklist_item_ticked" : true,
      "commits" : 3,
      "dry_run" : false,
      "jenkins" : "https://ci.example.org/jenkins",
      "jobs" : [
        {
          "build_url" : "https://ci.example.org/jenkins/job/bazaar-stage-api/1/",
          "console_tail" : null,
          "duration_seconds" : 125,
          "name" : "bazaar-stage-api",
          "repository" : "acme-bazaar/api",
          "result" : "SUCCESS",
          "status" : "deployed",
          "tag" : "2026.12.01",
          "trigger" : "POST https://ci.example.org/jenkins/job/bazaar-stage-api/buildWithParameters DeployRef=2026.12.01"
        },
        {
          "build_url" : "https://ci.example.org/jenkins/job/bazaar-stage-payments/2/",
          "console_tail" : [
            "tests: 2 failed",
            "Ünïcode \"quoted\" \\ tab\t/😀\u0001",
            ""
          ],
          "duration_seconds" : 0,
          "name" : "bazaar-stage-payments",
          "repository" : "acme-bazaar/payments",
          "result" : "UNSTABLE",
          "status" : "failed",
          "tag" : "2026.12.01",
          "trigger" : "POST x"
        },
        {
          "build_url" : null,
          "console_tail" : null,
          "duration_seconds" : null,
          "name" : "bazaar-stage-frontend",
          "repository" : "acme-bazaar/frontend",
          "result" : null,
          "status" : "not_run",
          "tag" : "",
          "trigger" : ""
        },
        {
          "build_url" : null,
          "console_tail" : [

          ],
          "duration_seconds" : null,
          "name" : "cancelled",
          "repository" : "acme-bazaar/api",
          "result" : "CANCELLED",
          "status" : "failed",
          "tag" : "2026.12.01",
          "trigger" : ""
        }
      ],
      "note" : "2026/bzr-2026-12-01.md",
      "succeeded" : false
    }

    """#

  static let emptyStageJSON = #"""
    {
      "checklist_item_ticked" : false,
      "commits" : 0,
      "dry_run" : true,
      "jenkins" : "",
      "jobs" : [

      ],
      "note" : "n.md",
      "succeeded" : true
    }

    """#

  static let tagJSON = #"""
    {
      "committed" : false,
      "dry_run" : false,
      "note" : "2026/mkt-2026-12-01.md",
      "note_updated" : true,
      "repositories" : [
        {
          "action" : "created",
          "changes" : {
            "authors" : [
              "Ada Dev",
              "Bö"
            ],
            "commits" : [
              {
                "author" : "Ada Dev",
                "sha" : "e07b49833773ae362a893c4d147e14ab74994918",
                "subject" : "Fix it"
              },
              {
                "author" : "Bö",
                "sha" : "813fed0bb45cea0b3e88e840e816affb62f07ce5",
                "subject" : "Ünïcode \"quoted\" \\ tab\t/😀\u0001"
              },
              {
                "author" : "Ada Dev",
                "sha" : "4be0ca4973917a4f9aba5d6db94757112e639ca0",
                "subject" : ""
              }
            ],
            "count" : 3,
            "migrations" : [
              "migrations/0415_notes.sql",
              "Ünïcode \"quoted\" \\ tab\t/😀\u0001"
            ]
          },
          "commit" : "813fed0bb45cea0b3e88e840e816affb62f07ce5",
          "previous_tag" : "2026.11.24",
          "repository" : "acme/api",
          "tag" : "2026.12.01"
        },
        {
          "action" : "kept",
          "branch_head" : "813fed0bb45cea0b3e88e840e816affb62f07ce5",
          "changes" : {
            "authors" : [

            ],
            "commits" : [

            ],
            "count" : 0,
            "migrations" : [

            ]
          },
          "commit" : "4be0ca4973917a4f9aba5d6db94757112e639ca0",
          "newest_tag" : "2026.12.01-1",
          "previous_tag" : "2026.11.24",
          "repository" : "acme/web",
          "tag" : "2026.12.01"
        },
        {
          "action" : "failed",
          "error" : "acme/db: commit 4be0ca497391 does not apply cleanly (conflicts in a/ü.sql); nothing was pushed",
          "repository" : "acme/db",
          "tag" : "2026.12.01"
        },
        {
          "action" : "would_create",
          "repository" : "acme/new",
          "tag" : "2026.12.01"
        }
      ],
      "tag" : "2026.12.01"
    }

    """#

  static let cherryPickJSON = #"""
    {
      "committed" : false,
      "dry_run" : true,
      "note" : "2026/mkt-2026-12-01.md",
      "note_updated" : false,
      "outcome" : {
        "base_tag" : "2026.12.01",
        "picked" : [
          {
            "author" : "Bö",
            "sha" : "813fed0bb45cea0b3e88e840e816affb62f07ce5",
            "subject" : "Ünïcode \"quoted\" \\ tab\t/😀\u0001"
          }
        ],
        "pushed" : false,
        "repository" : "acme/api",
        "tag" : "2026.12.01-1"
      }
    }

    """#

  static let pushedOutcomeJSON = #"""
    {
      "base_tag" : "2026.12.01",
      "commit" : "079037420d7190b9fd8b532cfbfe083c784f7e64",
      "picked" : [

      ],
      "pushed" : true,
      "repository" : "acme/api",
      "tag" : "2026.12.01-1"
    }

    """#
}
