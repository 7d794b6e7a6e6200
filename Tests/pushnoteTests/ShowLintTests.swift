import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

/// `pushnote show` and `pushnote lint`, run as the built program on fixture notebooks.
@Suite struct ShowLintTests {
  private let pushnote = Fixtures.builtExecutable("pushnote")
  private let notebook = Fixtures.fixture("notes")

  private func run(_ arguments: [String], in directory: String? = nil) async throws -> ProcessRunner.Result {
    try await ProcessRunner.run(pushnote, arguments, workingDirectory: directory ?? Fixtures.fixture("notes"))
  }

  @Test func showJSONEqualsTheGoldenFile() async throws {
    let result = try await run(["show", "--notebook", notebook, "--json", "2026-12-01"])
    #expect(result.status == 0)
    #expect(result.stdout == (try Fixtures.text("notes/mkt-2026-12-01.json")))
  }

  @Test func showByPadIDAndByPathAgree() async throws {
    let byPad = try await run(["show", "--notebook", notebook, "--json", "mkt-2026-12-01"])
    let byPath = try await run(["show", "--notebook", notebook, "--json", "mkt-2026-12-01.md"])
    #expect(byPad.status == 0 && byPath.status == 0)
    #expect(byPad.stdout == byPath.stdout)
  }

  @Test func humanViewHasProgressBarsAndDuration() async throws {
    let result = try await run(["show", "--notebook", notebook, "2026-12-01"])
    #expect(result.status == 0)
    let lines = result.stdout.components(separatedBy: "\n")
    #expect(lines.first == "Marketplace push 2026-12-01")
    #expect(lines.contains("  Before we push    [#############-------]  2/3"))
    #expect(
      lines.contains(
        "  mozilla/solitude   2026.11.24-2...2026.12.01  https://github.com/mozilla/solitude/compare/2026.11.24-2...2026.12.01")
    )
    #expect(lines.contains("  [x] switch enable-new-search → on"))
    #expect(lines.contains("  [x] qa   krupa  12:10 PST"), "times in the notebook's zone")
    #expect(lines[1] == "mkt-2026-12-01.md", "the note's path")
    #expect(lines.contains("  11:02 PST  push started"))
    #expect(lines.contains("Open items") && lines.contains("  [ ] Ops:"))
    #expect(lines.contains("Duration: 1h 31m"))
    #expect(!result.stdout.contains("\u{1B}["))
  }

  @Test func lintReportsPositionsAndExits65() async throws {
    let result = try await run(["lint", "--notebook", notebook, "2026-12-08"])
    #expect(result.status == 65)
    let lines = result.stdout.split(separator: "\n").map(String.init)
    #expect(lines.count == 9)
    #expect(lines.first == "mkt-2026-12-08.md:1:20: error: template placeholder 'YYYY.MM.DD' left in the note")
    #expect(
      lines.contains("mkt-2026-12-08.md:17:1: error: leftover conflict markers (lines 17 to 21); resolve them and remove the markers"))
    #expect(lines.last == "mkt-2026-12-08.md:34:1: warning: timeline out of order: 'stage verified' is before line 33")
  }

  @Test func lintOfACleanNoteIsSilent() async throws {
    let result = try await run(["lint", "--notebook", notebook, "2026-12-01"])
    #expect(result.status == 0)
    #expect(result.stdout.isEmpty)
  }

  @Test func lintOfSeveralNotesAsJSON() async throws {
    let result = try await run(["lint", "--notebook", notebook, "--json", "2026-12-01", "2026-12-08"])
    #expect(result.status == 65)
    struct Report: Decodable {
      var file: String
      var problems: [Note.Problem]
    }
    let reports = try JSONDecoder().decode([Report].self, from: Data(result.stdout.utf8))
    #expect(reports.map(\.file) == ["mkt-2026-12-01.md", "mkt-2026-12-08.md"])
    #expect(reports.map(\.problems.count) == [0, 9])
    #expect(
      reports[1].problems.first
        == Note.Problem(severity: .error, line: 1, column: 20, message: "template placeholder 'YYYY.MM.DD' left in the note"))
  }

  @Test func invalidUTF8IsAnErrorWithItsOffset() async throws {
    let folder = try TemporaryDirectory()
    let path = folder.appending("bad.md")
    FileManager.default.createFile(atPath: path, contents: Data(Array("# Push\n\nab".utf8) + [0xFF] + Array("\n".utf8)))
    let lint = try await run(["lint", "--notebook", notebook, path], in: folder.path)
    #expect(lint.status == 65)
    #expect(lint.stdout == "bad.md:3:3: error: invalid UTF-8 at byte offset 10\n")
    let show = try await run(["show", "--notebook", notebook, path], in: folder.path)
    #expect(show.status == 65)
    #expect(show.stderr.contains(":3:3: error: invalid UTF-8 at byte offset 10"))
  }

  @Test func aMissingNoteIsAUsageError() async throws {
    let result = try await run(["show", "--notebook", notebook, "2031-01-07"])
    #expect(result.status == 64)
    #expect(result.stderr.contains("no note for '2031-01-07'"))
  }
}
