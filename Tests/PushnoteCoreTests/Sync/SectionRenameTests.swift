import Testing

@testable import PushnoteCore

/// A heading renamed on one side still matches its section, so the rename and the other side's
/// edits merge line by line instead of becoming a deletion, an addition and a conflict.
@Suite struct SectionRenameTests {
  static let base = """
    # Push 2026-12-01

    ## Blockers

    - [ ] bug 1234 on stage
    - [ ] bug 1240 in review

    ## Timeline

    - 11:02 push started

    """

  private func merge(local: String, pad: String, base: String = SectionRenameTests.base) throws -> NoteMerge {
    try NoteMerge(
      base: NoteSections(bytes: Array(base.utf8)), local: NoteSections(bytes: Array(local.utf8)), pad: NoteSections(bytes: Array(pad.utf8)))
  }

  private func edit(_ text: String, _ pairs: [(String, String)]) -> String {
    pairs.reduce(text) { text, pair in text.replacingOccurrences(of: pair.0, with: pair.1) }
  }

  @Test func aRenameHereAndABodyEditThereMerge() throws {
    let local = edit(Self.base, [("## Blockers", "## Blockers (QA)")])
    let pad = edit(Self.base, [("- [ ] bug 1234 on stage", "- [x] bug 1234 on stage")])
    let merged = try merge(local: local, pad: pad)
    let expected = edit(Self.base, [("## Blockers", "## Blockers (QA)"), ("- [ ] bug 1234 on stage", "- [x] bug 1234 on stage")])
    #expect(!merged.hasConflicts)
    #expect(String(decoding: merged.localBytes, as: UTF8.self) == expected)
    #expect(merged.padText == expected)
    #expect(merged.baseText == expected)
  }

  @Test func aRenameOnThePadMergesTheSameWay() throws {
    let local = edit(Self.base, [("- [ ] bug 1240 in review", "- [x] bug 1240 in review")])
    let pad = edit(Self.base, [("## Timeline", "## Timeline (Pacific)")])
    let merged = try merge(local: local, pad: pad)
    let expected = edit(Self.base, [("## Timeline", "## Timeline (Pacific)"), ("- [ ] bug 1240 in review", "- [x] bug 1240 in review")])
    #expect(!merged.hasConflicts)
    #expect(String(decoding: merged.localBytes, as: UTF8.self) == expected)
    #expect(merged.padText == expected)
  }

  @Test func twoDifferentRenamesConflictOnTheHeadingAndKeepTheBodyOnce() throws {
    let local = edit(Self.base, [("## Blockers", "## Blockers (QA)")])
    let pad = edit(Self.base, [("## Blockers", "## Blockers (ops)")])
    let merged = try merge(local: local, pad: pad)
    let text = String(decoding: merged.localBytes, as: UTF8.self)
    #expect(merged.hasConflicts)
    #expect(text.contains("<<<<<<< local\n## Blockers (QA)\n"))
    #expect(text.contains("=======\n## Blockers (ops)\n>>>>>>> pad\n"))
    #expect(text.components(separatedBy: "bug 1234 on stage").count == 2, "the body once: \(text)")
    #expect(!merged.padText.contains("<<<<<<<"))
    // Resolved in the file, the next merge takes the resolution to the pad.
    let resolved = edit(Self.base, [("## Blockers", "## Blockers (QA and ops)")])
    let next = try merge(local: resolved, pad: merged.padText, base: merged.baseText)
    #expect(!next.hasConflicts)
    #expect(next.padText == resolved)
    #expect(String(decoding: next.localBytes, as: UTF8.self) == resolved)
  }

  @Test func aNewSectionWithAnotherBodyIsNotARename() throws {
    let blockers = "## Blockers\n\n- [ ] bug 1234 on stage\n- [ ] bug 1240 in review"
    let local = edit(Self.base, [(blockers, "## Flags\n\n- [ ] switch `search` on")])
    let pad = edit(Self.base, [("- [ ] bug 1234 on stage", "- [x] bug 1234 on stage")])
    let merged = try merge(local: local, pad: pad)
    // The blockers were deleted here and edited there: a conflict, and the new section is added.
    #expect(merged.newConflicts == ["Blockers"])
    #expect(merged.padText.contains("## Flags\n\n- [ ] switch `search` on\n"))
  }
}
