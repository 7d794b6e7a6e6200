import Foundation
import Testing

@testable import PushnoteCore

@Suite struct ReleaseNoteEditorTests {
  private static let config: NotebookConfig = {
    let yaml = """
      repositories:
        - {name: acme/api, git: /nowhere/api.git}
        - {name: acme/lab, git: /nowhere/lab.git, web: "https://gitlab.example.org/acme/lab"}
      """
    return (try? NotebookConfig(yaml: yaml, path: "pushnote.yml")) ?? NotebookConfig()
  }()

  private func editing(_ text: String, _ plan: (ReleaseNoteEditor) throws -> [ByteEdit]) throws -> String {
    let parsed = try ParsedNote(bytes: Array(text.utf8), config: ReleaseNoteEditorTests.config)
    let date = try #require(PushDate("2026-12-01"))
    let editor = ReleaseNoteEditor(
      editor: NoteEditor(parsed), config: ReleaseNoteEditorTests.config, pushDate: date)
    return String(decoding: ByteEdit.apply(try plan(editor), to: parsed.source.bytes), as: UTF8.self)
  }

  private func target(_ from: String?, _ to: String) throws -> ReleaseNoteEditor.CompareTarget {
    ReleaseNoteEditor.CompareTarget(from: from, to: try #require(PushTag(to)))
  }

  @Test func refreshesLinkTextAndDestinationKeepsHistoryAndRepeatTags() throws {
    let text = """
      ## Compare

      - [https://github.com/acme/api/compare/YYYY.MM.DD...YYYY.MM.DD](https://github.com/acme/api/compare/a..b)
      - last week: https://github.com/acme/api/compare/2026.11.17...2026.11.24
      - https://gitlab.example.org/acme/lab/-/compare/2026.11.24...2026.12.01-2

      """
    let result = try editing(text) { editor in
      editor.compareLinks(["acme/api": try target("2026.11.24", "2026.12.01"), "acme/lab": try target("2026.11.24", "2026.12.01")])
    }
    #expect(
      result == """
        ## Compare

        - [https://github.com/acme/api/compare/2026.11.24...2026.12.01](https://github.com/acme/api/compare/2026.11.24..2026.12.01)
        - last week: https://github.com/acme/api/compare/2026.11.17...2026.11.24
        - https://gitlab.example.org/acme/lab/-/compare/2026.11.24...2026.12.01-2

        """)
  }

  @Test func addsMissingLinksInTheRepositoriesWebStyle() throws {
    let text = "## Compare\n\n## Blockers\n"
    let result = try editing(text) { editor in
      editor.compareLinks([
        "acme/api": try target("2026.11.24", "2026.12.01"), "acme/lab": try target("2026.11.24", "2026.12.01"),
      ])
    }
    #expect(
      result == """
        ## Compare

        - https://github.com/acme/api/compare/2026.11.24...2026.12.01
        - https://gitlab.example.org/acme/lab/-/compare/2026.11.24...2026.12.01

        ## Blockers

        """)
  }

  @Test func whatGoesOutListsAtMostThirtySubjectsAndSaysHowManyMore() throws {
    let commits = (1...32).map {
      ChangeSummary.Commit(sha: String(repeating: "a", count: 39) + String($0 % 10), author: "Ada", subject: "Change \($0)")
    }
    let outcome = ReleaseOutcome(
      repository: "acme/api", tag: "2026.12.01", action: .created, commit: "c", previousTag: "2026.11.24",
      changes: ChangeSummary(commits: commits, migrations: []))
    let result = try editing("## What goes out\n\n- stale\n") { editor in [try #require(editor.whatGoesOut([outcome]))] }
    let lines = result.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines[2] == "- acme/api (2026.11.24...2026.12.01): 32 commits by Ada")
    #expect(lines.filter { $0.hasPrefix("  - aaaaaaa Change") }.count == 30)
    #expect(lines.suffix(2) == ["  - and 2 more", ""])
    #expect(!result.contains("stale"))
  }
}
