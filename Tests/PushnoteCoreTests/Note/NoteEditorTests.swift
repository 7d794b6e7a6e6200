import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

@Suite struct NoteEditorTests {
  static let note = """
    # Marketplace push 2026-12-01

    - Release manager: cvan
    - QA: krupa
    - Tag: 2026.12.01

    ## Before the push

    - [ ] Push to stage
    - [x] Tag every repository
    - [ ] QA on stage
    - [-] Migrations reviewed with Ops

    ## Sign-offs

    - [ ] QA:
    - [ ] Ops:

    ## Timeline

    - 11:02 start

    ## Follow-ups

    """

  private func parse(_ text: String) throws -> ParsedNote {
    try ParsedNote(bytes: Array(text.utf8), path: "note.md", config: NotebookConfig())
  }

  /// Applies one edit and checks that only the bytes of `changed` differ between before and after.
  private func apply(_ edit: ByteEdit, to text: String) -> String {
    String(decoding: ByteEdit.apply([edit], to: Array(text.utf8)), as: UTF8.self)
  }

  @Test func tickingChangesExactlyOneByte() throws {
    let parsed = try parse(Self.note)
    let editor = NoteEditor(parsed)
    let item = try editor.item(matching: "push to STAGE")
    let edit = try #require(try editor.setState(.done, of: item))
    #expect(edit.range.count == 1 && edit.replacement == Array("x".utf8))
    let before = Array(Self.note.utf8)
    let after = ByteEdit.apply([edit], to: before)
    #expect(after.count == before.count)
    let differing = zip(before, after).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset)
    #expect(differing == [edit.range.lowerBound])
    #expect(String(decoding: after, as: UTF8.self).contains("- [x] Push to stage\n"))
    // Already in that state: no edit at all.
    #expect(try editor.setState(.done, of: try editor.item(matching: "Tag every repository")) == nil)
  }

  @Test func ambiguousAndMissingItemsListTheCandidates() throws {
    let editor = NoteEditor(try parse(Self.note))
    #expect(throws: NoteEditError.ambiguousItem(query: "stage", candidates: ["9: Push to stage", "11: QA on stage"])) {
      try editor.item(matching: "stage")
    }
    do {
      _ = try editor.item(matching: "deploy the moon")
      Issue.record("no error")
    } catch {
      #expect(error.description.contains("no checklist item matches 'deploy the moon'"))
      #expect(error.description.contains("9: Push to stage"))
      #expect(error.exitStatus == .usage)
    }
  }

  @Test func signingRewritesOnlyTheRolesLine() throws {
    let parsed = try parse(Self.note)
    let zone = try #require(TimeZone(identifier: "America/Los_Angeles"))
    let at = Date(timeIntervalSince1970: 1_796_155_800)  // 2026-12-01 12:10 PST
    let result = apply(NoteEditor(parsed).sign(role: .qa, name: "krupa", at: at, zone: zone), to: Self.note)
    #expect(result == Self.note.replacingOccurrences(of: "- [ ] QA:\n", with: "- [x] QA: krupa 2026-12-01 12:10\n"))
    let reparsed = try parse(result)
    #expect(reparsed.note.signoffs.first { $0.role == "qa" }?.done == true)
    #expect(reparsed.note.signoffs.first { $0.role == "qa" }?.at == "2026-12-01T12:10:00-08:00")
  }

  @Test func signingWithoutASignoffSectionAddsOne() throws {
    let text = "# Push\n\n## Timeline\n\n- 11:00 start\n"
    let zone = try #require(TimeZone(identifier: "UTC"))
    let result = apply(NoteEditor(try parse(text)).sign(role: .rm, name: "cvan", at: Date(timeIntervalSince1970: 0), zone: zone), to: text)
    #expect(result == text + "\n## Sign-offs\n\n- [x] RM: cvan 1970-01-01 00:00\n")
  }

  @Test func appendingKeepsTrailingBlankLinesAndLineEndings() throws {
    let editor = NoteEditor(try parse(Self.note))
    let timeline = apply(editor.appendLine("- 12:04 end", toSection: "timeline"), to: Self.note)
    #expect(timeline == Self.note.replacingOccurrences(of: "- 11:02 start\n", with: "- 11:02 start\n- 12:04 end\n"))
    let empty = apply(editor.appendLine("- [ ] look at the queue", toSection: "Follow-ups"), to: Self.note)
    #expect(empty == Self.note + "\n- [ ] look at the queue\n")
    let crlf = Self.note.replacingOccurrences(of: "\n", with: "\r\n")
    let crlfResult = apply(NoteEditor(try parse(crlf)).appendLine("- 12:04 end", toSection: "Timeline"), to: crlf)
    #expect(crlfResult == timeline.replacingOccurrences(of: "\n", with: "\r\n"))
  }

  @Test func insertedTextCannotBreakOutOfItsLine() throws {
    let editor = NoteEditor(try parse(Self.note))
    let result = apply(editor.appendLine("- 12:04 end\n## Injected\r\nheading", toSection: "Timeline"), to: Self.note)
    #expect(!result.contains("\n## Injected"))
    #expect(try parse(result).note.sections.map(\.title) == (try parse(Self.note)).note.sections.map(\.title))
  }

  @Test func headerFieldsAreReplacedOrAdded() throws {
    let editor = NoteEditor(try parse(Self.note))
    let tag = apply(editor.setHeaderField("Tag", value: "2026.12.01-1"), to: Self.note)
    #expect(tag == Self.note.replacingOccurrences(of: "- Tag: 2026.12.01\n", with: "- Tag: 2026.12.01-1\n"))
    let sent = apply(editor.setHeaderField("Mail sent", value: "2026-12-01 12:40 PST <a@b>"), to: Self.note)
    #expect(
      sent
        == Self.note.replacingOccurrences(of: "- Tag: 2026.12.01\n", with: "- Tag: 2026.12.01\n- Mail sent: 2026-12-01 12:40 PST <a@b>\n"))
  }

  @Test func timelineEntriesCarryTheDateOnlyWhenItIsAnotherDay() throws {
    let zone = try #require(TimeZone(identifier: "America/Los_Angeles"))
    let at = Date(timeIntervalSince1970: 1_796_155_800)  // 2026-12-01 12:10 PST
    #expect(NoteEditor.timelineEntry("end", at: at, noteDate: PushDate("2026-12-01"), zone: zone) == "- 12:10 end")
    #expect(NoteEditor.timelineEntry("end", at: at, noteDate: PushDate("2026-11-30"), zone: zone) == "- 2026-12-01 12:10 end")
  }
}
