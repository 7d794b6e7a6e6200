import Testing

@testable import PushnoteCore

/// Sections are told apart by their normalised title and their place among equal titles, so that
/// repeated headings, and a real title that spells a repeat (`## Notes #2`), never collide and no
/// line is lost from either side.
@Suite struct SectionIdentityTests {
  private func merge(base: String, local: String, pad: String, localOnly: [String] = []) throws -> NoteMerge {
    try NoteMerge(
      base: NoteSections(bytes: Array(base.utf8), localOnly: localOnly),
      local: NoteSections(bytes: Array(local.utf8), localOnly: localOnly), pad: NoteSections(bytes: Array(pad.utf8)))
  }

  /// Whether every non-blank line of `lines` is in `text`, as a line.
  private func holds(_ text: String, _ lines: [String]) -> Bool {
    let have = Set(text.split(separator: "\n").map(String.init))
    return lines.allSatisfy(have.contains)
  }

  @Test func keysAreTitleAndOrdinalNeverAString() throws {
    let sections = try NoteSections(bytes: Array("intro\n## Notes\n## Notes #2\n## notes:\n### **Notes**\n".utf8))
    #expect(
      sections.sections.map(\.key) == [
        .preamble, SectionKey(title: "notes", ordinal: 1), SectionKey(title: "notes 2", ordinal: 1),
        SectionKey(title: "notes", ordinal: 2), SectionKey(title: "notes", ordinal: 3),
      ])
  }

  @Test func aSecondNotesAddedInTheFileBesideARealNotes2LosesNothing() throws {
    let base = "# Push\n\n## Notes\n\n- a\n\n## Notes #2\n\n- real\n\n## Friday\n\n- x\n"
    let local = base.replacingOccurrences(of: "## Friday", with: "## Notes\n\n- added in the file\n\n## Friday")
    let pad = base.replacingOccurrences(of: "- real", with: "- real PAD")
    let merged = try merge(base: base, local: local, pad: pad)
    let expected = local.replacingOccurrences(of: "- real", with: "- real PAD")
    #expect(!merged.hasConflicts)
    #expect(String(decoding: merged.localBytes, as: UTF8.self) == expected)
    #expect(merged.padText == expected)
  }

  @Test func twoNotesAddedOnThePadBesideARealNotes2LoseNothing() throws {
    let base = "# Push\n\n## Notes #2\n\n- real\n\n## Friday\n\n- x\n"
    let local = base.replacingOccurrences(of: "- real", with: "- real LOCAL")
    let pad = base.replacingOccurrences(
      of: "## Friday", with: "## Notes\n\n- one from the pad\n\n## Notes\n\n- two from the pad\n\n## Friday")
    let merged = try merge(base: base, local: local, pad: pad)
    let expected = pad.replacingOccurrences(of: "- real", with: "- real LOCAL")
    #expect(!merged.hasConflicts)
    #expect(String(decoding: merged.localBytes, as: UTF8.self) == expected)
    #expect(merged.padText == expected)
  }

  @Test func aRepeatedHeadingAddedAboveTheFirstTakesNotItsPlace() throws {
    let base = "## Notes\n\n- a\n- b\n\n## Friday\n\n- x\n"
    let local = base.replacingOccurrences(of: "- b", with: "- b LOCAL")
    let pad = "## Notes\n\n- new on the pad\n\n" + base
    let merged = try merge(base: base, local: local, pad: pad)
    let expected = "## Notes\n\n- new on the pad\n\n" + local
    #expect(!merged.hasConflicts)
    #expect(String(decoding: merged.localBytes, as: UTF8.self) == expected)
    #expect(merged.padText == expected)
    // The same from the file's side, the pad editing the old section.
    let other = try merge(base: base, local: pad, pad: local)
    #expect(!other.hasConflicts)
    #expect(String(decoding: other.localBytes, as: UTF8.self) == expected)
  }

  @Test func twoRepeatedSectionsSwappedOnOneSideKeepTheOtherSidesEdits() throws {
    let base = "## Notes\n\n- a\n\n## Notes\n\n- b\n\n## Friday\n\n- x\n"
    let local = "## Notes\n\n- b\n\n## Notes\n\n- a\n\n## Friday\n\n- x\n"
    let pad = base.replacingOccurrences(of: "- a\n", with: "- a\n- a2 PAD\n")
    let merged = try merge(base: base, local: local, pad: pad)
    #expect(!merged.hasConflicts)
    #expect(String(decoding: merged.localBytes, as: UTF8.self) == "## Notes\n\n- b\n\n## Notes\n\n- a\n- a2 PAD\n\n## Friday\n\n- x\n")
  }

  @Test func aDuplicatedSectionDeletedOnOneSideIsDeletedOnce() throws {
    let base = "## Notes\n\n- first\n\n## Notes\n\n- second\n\n## Friday\n\n- x\n"
    let local = "## Notes\n\n- first\n\n## Friday\n\n- x\n"
    let pad = base.replacingOccurrences(of: "- first", with: "- first PAD")
    let merged = try merge(base: base, local: local, pad: pad)
    #expect(!merged.hasConflicts)
    #expect(String(decoding: merged.localBytes, as: UTF8.self) == "## Notes\n\n- first PAD\n\n## Friday\n\n- x\n")
  }

  @Test(arguments: [
    "## Private notes:", "## private notes", "## **Private notes**", "Private notes\n-------------", "## Private notes ##",
    "## _Private_ notes :",
  ])
  func everySpellingOfALocalOnlyTitleStaysOffThePad(_ heading: String) throws {
    let text = "# Push\n\n## Monday\n\n- [ ] tag\n\n\(heading)\n\nsecret plan\n\n### Deeper\n\nalso secret\n\n## Friday\n\n- [ ] mail\n"
    let sections = try NoteSections(bytes: Array(text.utf8), localOnly: ["Private notes"])
    #expect(sections.sections.filter(\.isLocalOnly).count == 2, "\(sections.sections.map(\.title))")
    let parsed = try ParsedNote(bytes: Array(text.utf8), config: Self.config(localOnly: ["Private notes"]))
    #expect(parsed.note.sections.filter(\.isLocalOnly).map(\.title) == sections.sections.filter(\.isLocalOnly).map(\.title))
    let base = "# Push\n\n## Monday\n\n- [ ] tag\n\n## Friday\n\n- [ ] mail\n"
    let pad = base.replacingOccurrences(of: "- [ ] tag", with: "- [x] tag")
    let merged = try merge(base: base, local: text, pad: pad, localOnly: ["Private notes"])
    #expect(!merged.hasConflicts)
    #expect(!merged.padText.contains("secret"), "\(merged.padText)")
    #expect(String(decoding: merged.localBytes, as: UTF8.self).contains("secret plan\n\n### Deeper\n\nalso secret\n"))
  }

  @Test func aLocalOnlyTitleOnThePadNeverMeetsTheFilesInAConflict() throws {
    let base = "# Push\n\n## Monday\n\n- [ ] a\n\n## Private notes\n\ncolleague wrote this\n"
    let local = "# Push\n\n## Monday\n\n- [ ] a\n\n## Private notes:\n\nmy secret\n\n<<<<<<< mine\nx\n=======\ny\n>>>>>>> theirs\n"
    let pad = "# Push\n\n## Monday\n\n- [x] a\n\n## Private notes\n\ncolleague wrote this, edited\n"
    let merged = try merge(base: base, local: local, pad: pad, localOnly: ["private notes"])
    #expect(!merged.hasConflicts)
    #expect(String(decoding: merged.localBytes, as: UTF8.self) == local.replacingOccurrences(of: "- [ ] a", with: "- [x] a"))
    #expect(merged.padText == pad)
    #expect(!merged.baseText.contains("colleague") && !merged.baseText.contains("secret"))
  }

  @Test func theMailHidesWhatSyncKeepsOffThePad() throws {
    let text = "# Push\n\n## Notable things shipping\n\n- search\n\n## Private notes:\n\n- [ ] secret follow-up\n"
    let parsed = try ParsedNote(bytes: Array(text.utf8))
    let listed = MailModel.sectionItems(
      note: parsed.note, document: try MarkdownDocument(source: parsed.source), localOnly: ["Private notes"])
    #expect(listed.map(\.item.text) == ["search"])
  }

  static func config(localOnly: [String]) -> NotebookConfig {
    var config = NotebookConfig()
    config.pad.localOnly = localOnly
    return config
  }
}
