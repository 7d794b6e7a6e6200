import Foundation
import PushnoteTestSupport
import Testing

@testable import PushnoteCore

/// Conflicts a person can resolve: the first report names every block's place, markers never
/// reach git, and whichever way the user resolves, the next sync commits it and records the base.
@Suite struct SyncConflictTests {
  static let block =
    "<<<<<<< local\n- [x] tag zamboni LOCAL\n||||||| base\n- [ ] tag zamboni\n=======\n- [-] tag zamboni PAD\n>>>>>>> pad\n"

  /// A synced note with one conflict block in Monday, and one in Friday.
  func conflicted() async throws -> (SyncHarness, SyncReport, commits: Int) {
    let harness = try await SyncHarness()
    try await harness.establish()
    try harness.editFile("- [ ] tag zamboni", "- [x] tag zamboni LOCAL")
    try harness.editFile("- [ ] mail the list", "- [x] mail the list LOCAL")
    await harness.editPad("- [ ] tag zamboni", "- [-] tag zamboni PAD")
    await harness.editPad("- [ ] mail the list", "- [-] mail the list PAD")
    let commits = try await harness.commits()
    let report = try await harness.sync()
    return (harness, report, commits)
  }

  @Test func theFirstReportNamesEveryBlockAndNothingIsCommitted() async throws {
    let (harness, report, commits) = try await conflicted()
    #expect(report.outcome == .conflicts && report.conflicts == ["Monday", "Friday"])
    let lines = harness.file().split(separator: "\n", omittingEmptySubsequences: false)
    #expect(report.conflictLines.count == 2)
    for line in report.conflictLines { #expect(lines[line - 1] == "<<<<<<< local") }
    for line in report.conflictLines { #expect(report.summary.contains("2026/mkt-2026-12-01.md:\(line)"), "\(report.summary)") }
    #expect(try await harness.commits() == commits)
    #expect(try await !harness.git(["log", "-p", "--all"]).contains("<<<<<<<"))
    #expect(await harness.padText()?.contains("<<<<<<<") == false)
  }

  /// Resolves the file's blocks by `resolve`, syncs, and checks that the result is committed
  /// with its base and that no commit ever held a marker.
  func resolution(_ resolve: (String) -> String) async throws -> SyncHarness {
    let (harness, _, commits) = try await conflicted()
    try harness.write(resolve(harness.file()))
    let report = try await harness.sync()
    #expect(report.outcome == .synced, "\(report)")
    #expect(report.committed && report.resolvedConflicts)
    #expect(report.summary.contains("conflicts resolved"), "\(report.summary)")
    #expect(try await harness.commits() > commits)
    #expect(try await harness.isClean())
    #expect(await harness.padText() == harness.file())
    #expect(harness.base() == harness.file())
    #expect(try await harness.git(["show", "HEAD:2026/mkt-2026-12-01.md"]) == harness.file())
    #expect(try await !harness.git(["log", "-p", "--all"]).contains("<<<<<<<"))
    #expect(try await harness.sync().outcome == .unchanged)
    return harness
  }

  /// Keeps one side of every block in `text`.
  static func keep(_ side: String, in text: String) -> String {
    var result: [Substring] = []
    var part = ""
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      switch line {
      case "<<<<<<< local": part = "local"
      case "||||||| base": part = "base"
      case "=======": part = "pad"
      case ">>>>>>> pad": part = ""
      default: if part.isEmpty || part == side { result.append(line) }
      }
    }
    return result.joined(separator: "\n")
  }

  @Test func keepingMineIsCommittedAndPushed() async throws {
    let harness = try await resolution { Self.keep("local", in: $0) }
    #expect(harness.file().contains("- [x] tag zamboni LOCAL\n") && !harness.file().contains("PAD"))
  }

  @Test func keepingThePadsIsCommittedAndRecorded() async throws {
    let harness = try await resolution { Self.keep("pad", in: $0) }
    #expect(harness.file().contains("- [-] tag zamboni PAD\n") && !harness.file().contains("LOCAL"))
  }

  @Test func aHandMergeIsCommittedAndPushed() async throws {
    let harness = try await resolution { text in
      Self.keep("local", in: text).replacingOccurrences(of: "- [x] tag zamboni LOCAL", with: "- [x] tag zamboni BY HAND")
    }
    #expect(harness.file().contains("BY HAND"))
  }

  @Test func editCommandsNeverCommitANoteWithMarkers() async throws {
    let (harness, _, commits) = try await conflicted()
    let outcome = try await NoteEditing.edit(path: harness.notePath, notebook: harness.notebook, commit: true) { editor in
      NoteEditing.Change(edits: [editor.appendLine("- 11:02 start", toSection: "Friday")], message: "time")
    }
    #expect(outcome.changed && !outcome.committed)
    #expect(try await harness.commits() == commits)
  }
}
