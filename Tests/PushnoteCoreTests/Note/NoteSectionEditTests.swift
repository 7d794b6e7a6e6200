import Foundation
import PushnoteCore
import Testing

@Suite struct NoteSectionEditTests {
  private func edits(_ text: String) throws -> NoteEditor {
    NoteEditor(try ParsedNote(bytes: Array(text.utf8)))
  }

  private func applying(_ edit: ByteEdit, to text: String) -> String {
    String(decoding: ByteEdit.apply([edit], to: Array(text.utf8)), as: UTF8.self)
  }

  @Test func appendsAfterTheLastLineOfASectionKeepingBlankLinesAndTheRest() throws {
    let text = "# T\n\n## Migrations:\n\n- [ ] one\n\n\n## Next\n\ntext\n"
    let edit = try edits(text).appendLines(["- [ ] two"], toSection: "migrations")
    #expect(applying(edit, to: text) == "# T\n\n## Migrations:\n\n- [ ] one\n- [ ] two\n\n\n## Next\n\ntext\n")
  }

  @Test func appendsToAnEmptySectionAfterABlankLine() throws {
    let text = "## Cherry picks\n## Next\n"
    let edit = try edits(text).appendLines(["- [x] pick"], toSection: "Cherry-picks")
    #expect(applying(edit, to: text) == "## Cherry picks\n\n- [x] pick\n## Next\n")
  }

  @Test func keepsCRLFAndAFileWithoutAFinalLineEnding() throws {
    let text = "## Migrations\r\n\r\n- [ ] one"
    let edit = try edits(text).appendLines(["- [ ] two"], toSection: "Migrations")
    #expect(applying(edit, to: text) == "## Migrations\r\n\r\n- [ ] one\r\n- [ ] two\r\n")
  }

  @Test func createsAMissingSectionAtTheEnd() throws {
    let text = "# T\n\n## Compare\n\n- x\n"
    let edit = try edits(text).appendLines(["- [ ] m"], toSection: "Migrations")
    #expect(applying(edit, to: text) == "# T\n\n## Compare\n\n- x\n\n## Migrations\n\n- [ ] m\n")
    let unterminated = "# T"
    #expect(applying(try edits(unterminated).appendLines(["- a"], toSection: "New"), to: unterminated) == "# T\n\n## New\n\n- a\n")
  }

  @Test func replacesASectionWithItsSubsectionsUpToTheNextPeer() throws {
    let text = "## What goes out\n\n- old\n\n### detail\n\nold\n\n## After\n"
    let edit = try edits(text).replaceSection("What goes out", body: ["- new"])
    #expect(applying(edit, to: text) == "## What goes out\n\n- new\n\n## After\n")
  }

  @Test func insertsANewSectionBeforeTheNextOne() throws {
    let text = "## Compare\n\n- x\n\n## Blockers\n"
    let sections = try edits(text)
    let edit = sections.replaceSection("What goes out", body: ["- y"], fallbackOffset: sections.offsetAfterSection("Compare"))
    #expect(applying(edit, to: text) == "## Compare\n\n- x\n\n## What goes out\n\n- y\n\n## Blockers\n")
  }

  @Test func findsTextInASection() throws {
    let sections = try edits("## Migrations\n\n- [ ] acme/api `migrations/1.sql`\n\n## Other\n\nmigrations/2.sql\n")
    #expect(sections.section("Migrations", contains: "migrations/1.sql"))
    #expect(!sections.section("Migrations", contains: "migrations/2.sql"))
    #expect(!sections.section("Nowhere", contains: "migrations/1.sql"))
  }
}
