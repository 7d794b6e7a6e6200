import Testing

@testable import PushnoteCore

/// The one rule for section titles and identities, read the same by the model, the editor, lint,
/// the mail and sync.
@Suite struct NoteOutlineTests {
  @Test(arguments: [
    ("Private notes", "private notes"), ("## Private notes:", "private notes"), ("**Private notes**", "private notes"),
    ("  private   NOTES :: ", "private notes"), ("_Private_ notes", "private notes"), ("Cherry-picks", "cherry picks"),
    ("Notes #2", "notes 2"), ("Sign-offs:", "sign offs"), ("Caf\u{C9}\u{A0}notes", "caf\u{E9} notes"), ("***", ""),
  ])
  func titlesNormalise(_ title: String, _ key: String) {
    #expect(NoteOutline.titleKey(title) == key)
  }

  @Test func identitiesCountEqualTitlesAndMarkNestedLocalOnlySections() {
    var identities = SectionIdentities(localOnly: ["**Private notes:**"])
    let headings = [("Notes", 2), ("Private notes", 2), ("Deeper", 3), ("notes:", 2), ("private NOTES", 1), ("Anything", 2), ("Top", 1)]
    let result = headings.map { identities.next(title: $0.0, level: $0.1) }
    #expect(result.map(\.key.ordinal) == [1, 1, 1, 2, 2, 1, 1])
    #expect(result.map(\.isLocalOnly) == [false, true, true, false, true, true, false])
  }

  @Test func theModelTheEditorAndLintShareTheRule() throws {
    var config = NotebookConfig()
    config.pad.localOnly = ["private notes"]
    let text = "# Push\n\n## Notes\n\n- [ ] a\n\n## notes:\n\n- [ ] b\n\n## **Private notes**\n\nsecret\n"
    let parsed = try ParsedNote(bytes: Array(text.utf8), config: config)
    #expect(parsed.outline.sections.map(\.key.description) == ["push", "notes", "notes (2)", "private notes"])
    #expect(parsed.outline.sections.map(\.isLocalOnly) == [false, false, false, true])
    #expect(parsed.outline.items.map(\.text) == ["a", "b"])
    #expect(NoteEditor(parsed).section(titled: "NOTES")?.line == 3)
    #expect(NoteEditor(parsed).section(titled: "Private notes:")?.line == 11)
    #expect(parsed.note.problems.map(\.description).contains { $0.hasPrefix("7:1: warning: duplicate section 'notes:' (first at line 3)") })
  }
}
