import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

/// The editing commands, run as the real binary on a notebook in a fresh git repository.
@Suite struct EditCommandTests {
  private let pushnote = Fixtures.builtExecutable("pushnote")

  private func notebook() async throws -> TemporaryDirectory {
    let folder = try TemporaryDirectory()
    let result = try await ProcessRunner.run(
      pushnote, ["init", folder.path], environment: ["PUSHNOTE_TEMPLATES": Fixtures.path("templates")])
    #expect(result.status == 0, "\(result.stderr)")
    let git = Git(directory: folder.path)
    try await git.run(["config", "user.name", "Test"])
    try await git.run(["config", "user.email", "test@example.org"])
    return folder
  }

  private func run(_ arguments: [String], in folder: TemporaryDirectory) async throws -> ProcessRunner.Result {
    try await ProcessRunner.run(
      pushnote, arguments + ["--notebook", folder.path], environment: ["PUSHNOTE_TEMPLATES": Fixtures.path("templates")])
  }

  @Test func aWeekOfEditsEachChangesOnlyItsBytesAndCommits() async throws {
    let folder = try await notebook()
    #expect(try await run(["new", "--date", "2026-12-01"], in: folder).status == 0)
    let path = folder.appending("2026/mkt-2026-12-01.md")
    let created = try String(contentsOfFile: path, encoding: .utf8)

    let check = try await run(["check", "Push to stage", "--note", "2026-12-01"], in: folder)
    #expect(check.status == 0, "\(check.stderr)")
    let checked = try String(contentsOfFile: path, encoding: .utf8)
    #expect(checked == created.replacingOccurrences(of: "- [ ] Push to stage\n", with: "- [x] Push to stage\n"))

    let time = try await run(["time", "start", "--at", "11:02", "--note", "2026-12-01"], in: folder)
    #expect(time.status == 0, "\(time.stderr)")
    let timed = try String(contentsOfFile: path, encoding: .utf8)
    #expect(timed == checked.replacingOccurrences(of: "## Timeline\n", with: "## Timeline\n\n- 11:02 start\n"))

    let sign = try await run(["sign", "qa", "--as", "krupa", "--at", "12:10", "--note", "2026-12-01"], in: folder)
    #expect(sign.status == 0, "\(sign.stderr)")
    let signed = try String(contentsOfFile: path, encoding: .utf8)
    #expect(signed == timed.replacingOccurrences(of: "- [ ] QA:\n", with: "- [x] QA: krupa 2026-12-01 12:10\n"))

    let log = try await Git(directory: folder.path).run(["log", "--format=%s"])
    #expect(
      log.split(separator: "\n").prefix(4) == [
        "sign-off: QA krupa at 2026-12-01 12:10", "timeline: 11:02 start", "check: Push to stage",
        "new note for the push of 2026-12-01",
      ])
  }

  @Test func errorsHaveTheirExitCodesAndChangeNothing() async throws {
    let folder = try await notebook()
    #expect(try await run(["new", "--date", "2026-12-02"], in: folder).status == 64)
    #expect(try await run(["new", "--date", "YYYY-MM-DD"], in: folder).status == 64)
    #expect(try await run(["new", "--date", "2026-12-01"], in: folder).status == 0)
    let path = folder.appending("2026/mkt-2026-12-01.md")
    let before = try AtomicFile.read(path)
    let again = try await run(["new", "--date", "2026-12-01"], in: folder)
    #expect(again.status == 65 && again.stderr.contains("never overwritten"))
    let ambiguous = try await run(["check", "stage", "--note", "2026-12-01"], in: folder)
    #expect(ambiguous.status == 64 && ambiguous.stderr.contains("Push to stage") && ambiguous.stderr.contains("QA on stage"))
    let badTime = try await run(["time", "end", "--at", "teatime", "--note", "2026-12-01"], in: folder)
    #expect(badTime.status == 64)
    #expect(try AtomicFile.read(path) == before)
    try AtomicFile.write(before + [0xFF, 0x0A], to: path)
    let invalid = try await run(["check", "Push to stage", "--note", "2026-12-01"], in: folder)
    #expect(invalid.status == 65 && invalid.stderr.contains("invalid UTF-8 at byte offset \(before.count)"))
  }

  @Test func aSecondSignOffAndATimeBeforePushDayAreRefusedUnlessSaidSo() async throws {
    let folder = try await notebook()
    #expect(try await run(["new", "--date", "2026-12-01"], in: folder).status == 0)
    let path = folder.appending("2026/mkt-2026-12-01.md")
    let empty = try await run(["check", "QA:", "--note", "2026-12-01"], in: folder)
    #expect(empty.status == 65 && empty.stderr.contains("no name or time") && empty.stderr.contains("pushnote sign qa"), "\(empty.stderr)")
    #expect(try String(contentsOfFile: path, encoding: .utf8).contains("- [ ] QA:\n"))
    #expect(try await run(["sign", "qa", "--as", "krupa", "--at", "12:10", "--note", "2026-12-01"], in: folder).status == 0)
    let signed = try String(contentsOfFile: path, encoding: .utf8)
    let second = try await run(["sign", "qa", "--as", "krupa", "--at", "13:00", "--note", "2026-12-01"], in: folder)
    #expect(
      second.status == 65 && second.stderr.contains("krupa 2026-12-01 12:10") && second.stderr.contains("--again"), "\(second.stderr)")
    #expect(try String(contentsOfFile: path, encoding: .utf8) == signed)
    let early = try await run(["sign", "qa", "--again", "--at", "2026-11-27 16:00", "--note", "2026-12-01"], in: folder)
    #expect(early.status == 65 && early.stderr.contains("before the push day 2026-12-01"), "\(early.stderr)")
    #expect(try String(contentsOfFile: path, encoding: .utf8) == signed)
    let again = try await run(["sign", "qa", "--as", "krupa", "--again", "--at", "13:00", "--note", "2026-12-01"], in: folder)
    #expect(again.status == 0, "\(again.stderr)")
    #expect(
      try String(contentsOfFile: path, encoding: .utf8)
        == signed.replacingOccurrences(of: "krupa 2026-12-01 12:10", with: "krupa 2026-12-01 13:00"))
    let said = try await run(
      ["sign", "ops", "--as", "jason", "--before-push-day", "--at", "2026-11-30 18:00", "--note", "2026-12-01"], in: folder)
    #expect(said.status == 0, "\(said.stderr)")
    #expect(try String(contentsOfFile: path, encoding: .utf8).contains("- [x] Ops: jason 2026-11-30 18:00\n"))
  }
}
