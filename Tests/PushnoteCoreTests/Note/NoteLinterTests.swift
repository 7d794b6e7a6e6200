import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

/// Lint's findings, with their positions.
@Suite struct NoteLinterTests {
  private func lint(_ text: String, config: NotebookConfig = NotebookConfig()) throws -> [String] {
    try ParsedNote(bytes: Array(text.utf8), path: "mkt-2026-12-01.md", config: config).note.problems.map(\.description)
  }

  @Test func brokenFixtureNote() throws {
    let notebook = try Notebook(root: Fixtures.fixture("notes"))
    let text = try Fixtures.text("notes/mkt-2026-12-08.md")
    let problems = try lint(text, config: notebook.config).map { $0.replacingOccurrences(of: "mkt-2026-12-01", with: "") }
    #expect(
      problems == [
        "1:20: error: template placeholder 'YYYY.MM.DD' left in the note",
        "3:20: error: template placeholder '<push hero>' left in the note",
        "7:1: error: no compare link for mozilla/solitude",
        "10:3: error: compare link for mozilla/fireplace ends at '2026.12.01', not at this week's tag 2026.12.08",
        "15:4: error: open item in a note signed off at line 29: Run the smoke tests",
        "17:1: error: leftover conflict markers (lines 17 to 21); resolve them and remove the markers",
        "20:4: error: open item in a note signed off at line 29: Deploy to stage (stage is down)",
        "28:4: error: QA sign-off has no time",
        "34:1: warning: timeline out of order: 'stage verified' is before line 33",
      ])
  }

  @Test func cleanSampleHasNoProblems() throws {
    let notebook = try Notebook(root: Fixtures.fixture("notes"))
    #expect(try lint(try Fixtures.text("notes/mkt-2026-12-01.md"), config: notebook.config).isEmpty)
  }

  @Test func followUpsMayStayOpenAfterTheSignOff() throws {
    let text = """
      ## Push

      - [ ] Smoke test production

      ## Sign-offs

      - [x] RM: cvan 2026-12-01 12:00

      ## Follow-ups:

      - [ ] Enable the flag next week

      """
    #expect(try lint(text) == ["3:4: error: open item in a note signed off at line 7: Smoke test production"])
  }

  @Test func afterThePushItemsAreNotOpenItemsOfASignedOffNote() throws {
    let text = """
      ## Push

      - [x] Smoke test production

      ## Sign-offs

      - [x] RM: cvan 2026-12-01 12:00

      ## After the push

      - [ ] Send the announcement mail
      - [ ] Hand over to next week's release manager
      - [ ] Create next week's note

      ## Timeline

      - [ ] Write down when it ended

      """
    #expect(try lint(text) == ["17:4: error: open item in a note signed off at line 7: Write down when it ended"])
  }

  @Test func setextUnderlineIsNotAConflict() throws {
    #expect(try lint("Title\n=======\n\ntext\n>>>>>>> stray\n").isEmpty)
    #expect(try lint("<<<<<<< a\nx\n>>>>>>> b\n").isEmpty)
    let diff3 = "<<<<<<< local\nx\n||||||| base\ny\n=======\nz\n>>>>>>> pad\n"
    #expect(try lint(diff3) == ["1:1: error: leftover conflict markers (lines 1 to 7); resolve them and remove the markers"])
  }

  @Test func nulByteIsAWarning() throws {
    #expect(try lint("# Push\n\nab\u{0}c\u{0}\n") == ["3:3: warning: NUL byte in the note (2 in all)"])
  }

  @Test func duplicateSectionsAreWarnings() throws {
    #expect(
      try lint("## Checklist\n\n## Flags\n\n## checklist:\n") == [
        "5:1: warning: duplicate section 'checklist:' (first at line 1); sync matches sections by title"
      ])
  }

  @Test func tagsThatDisagreeBetweenRepositories() throws {
    let text = """
      - https://github.com/a/one/compare/2026.11.24...2026.12.01
      - https://github.com/a/two/compare/2026.11.24...2026.12.01-1
      - https://github.com/a/three/compare/2026.11.24...2026.11.30

      """
    let problems = try ParsedNote(bytes: Array(text.utf8), path: "notes.md").note.problems.map(\.description)
    #expect(problems == ["3:3: error: tag '2026.11.30' for a/three disagrees with the other repositories' 2026.12.01"])
  }

  @Test func sameRepositoryLinksThatDisagree() throws {
    let text = """
      ## Pushing

      [https://github.com/a/b/compare/2026.11.24-1...2026.12.01](https://github.com/a/b/compare/2026.11.24...2026.12.01)

      - https://github.com/a/b/compare/2026.12.01...2026.12.01-1

      """
    #expect(
      try lint(text) == ["3:60: warning: compare link for a/b (2026.11.24...2026.12.01) disagrees with line 3 (2026.11.24-1...2026.12.01)"])
  }

  @Test func unreadableTimelineTime() throws {
    #expect(
      try lint("## Stats\n\n- start time: about noon\n- end time:\n") == ["3:15: warning: cannot read the time 'about noon' of 'start'"])
  }
}
