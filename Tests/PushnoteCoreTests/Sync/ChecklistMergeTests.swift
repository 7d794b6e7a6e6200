import Testing

@testable import PushnoteCore

/// The checklist-aware merge: changes of boxes on different items merge even on adjacent lines, a
/// tick merges into the other side's edit of the same item, two edits of one item still conflict.
@Suite struct ChecklistMergeTests {
  private func merge(base: String, local: String, pad: String) throws -> NoteMerge {
    try NoteMerge(
      base: NoteSections(bytes: Array(base.utf8)), local: NoteSections(bytes: Array(local.utf8)), pad: NoteSections(bytes: Array(pad.utf8)))
  }

  private func section(_ items: String...) -> String {
    "# Push\n\n## Checks\n\n" + items.map { $0 + "\n" }.joined() + "\n## After\n\n- x\n"
  }

  /// Merges and checks that file, pad and next base all hold `expected`, without a conflict.
  private func expectClean(base: String, local: String, pad: String, _ expected: String) throws {
    let merged = try merge(base: base, local: local, pad: pad)
    let file = String(decoding: merged.localBytes, as: UTF8.self)
    #expect(!merged.hasConflicts, "\(file)")
    #expect(file == expected)
    #expect(merged.padText == expected)
    #expect(merged.baseText == expected)
  }

  @Test func ticksOnAdjacentItemsMerge() throws {
    try expectClean(
      base: section("- [ ] a", "- [ ] b", "- [ ] c"), local: section("- [x] a", "- [ ] b", "- [ ] c"),
      pad: section("- [ ] a", "- [x] b", "- [-] c"), section("- [x] a", "- [x] b", "- [-] c"))
  }

  @Test func qaUntickingTwoWhileTheReleaseManagerUnticksOneMerges() throws {
    try expectClean(
      base: section("- [x] tag zamboni", "- [x] tag fireplace"), local: section("- [ ] tag zamboni", "- [x] tag fireplace"),
      pad: section("- [ ] tag zamboni", "- [ ] tag fireplace"), section("- [ ] tag zamboni", "- [ ] tag fireplace"))
  }

  @Test func aTickHereAndAnEditThereGiveTheEditedItemTicked() throws {
    try expectClean(
      base: section("- [ ] verify stage", "- [ ] mail"), local: section("- [x] verify stage", "- [ ] mail"),
      pad: section("- [ ] verify stage (-dev too)", "- [ ] mail"), section("- [x] verify stage (-dev too)", "- [ ] mail"))
    // The other way round, with a neighbour ticked on the editing side too.
    try expectClean(
      base: section("- [ ] verify stage", "- [ ] mail"), local: section("- [ ] verify stage (-dev too)", "- [x] mail"),
      pad: section("- [-] verify stage", "- [ ] mail"), section("- [-] verify stage (-dev too)", "- [x] mail"))
  }

  @Test func aTickMergesIntoAnEditWithTabsAndCRLFKeptInTheFile() throws {
    let base = "## Checks\r\n\r\n\t- [ ] a\r\n- [ ] b\r\n"
    let local = "## Checks\r\n\r\n\t- [ ] a edited\r\n- [ ] b\r\n"
    let pad = "## Checks\n\n        - [x] a\n- [x] b\n"
    let merged = try merge(base: base, local: local, pad: pad)
    #expect(!merged.hasConflicts)
    #expect(String(decoding: merged.localBytes, as: UTF8.self) == "## Checks\r\n\r\n\t- [x] a edited\r\n- [x] b\r\n")
    #expect(merged.padText == "## Checks\n\n        - [x] a edited\n- [x] b\n")
  }

  @Test func aTickNeverLandsOnAnItemRewrittenIntoAnother() throws {
    let merged = try merge(
      base: section("- [ ] verify stage", "- [ ] b"), local: section("- [ ] tag zamboni", "- [ ] b"),
      pad: section("- [x] verify stage", "- [ ] b"))
    let file = String(decoding: merged.localBytes, as: UTF8.self)
    #expect(merged.hasConflicts)
    #expect(!file.contains("- [x] tag zamboni"), "\(file)")
    #expect(file.contains("<<<<<<< local\n- [ ] tag zamboni\n||||||| base\n- [ ] verify stage\n=======\n- [x] verify stage\n>>>>>>> pad\n"))
  }

  @Test func twoDifferentEditsOfOneItemStillConflict() throws {
    let merged = try merge(
      base: section("- [ ] a", "- [ ] b"), local: section("- [ ] a LOCAL", "- [ ] b"), pad: section("- [ ] a PAD", "- [x] b"))
    let file = String(decoding: merged.localBytes, as: UTF8.self)
    #expect(merged.hasConflicts)
    #expect(file.contains("<<<<<<< local\n- [ ] a LOCAL\n||||||| base\n- [ ] a\n=======\n- [ ] a PAD\n>>>>>>> pad\n"), "\(file)")
    // The other item's tick is merged, outside the block.
    #expect(file.contains(">>>>>>> pad\n- [x] b\n"), "\(file)")
    #expect(!merged.padText.contains("<<<<<<<"))
  }

  @Test func twoDifferentBoxesOnOneItemConflict() throws {
    let merged = try merge(base: section("- [ ] a", "- [ ] b"), local: section("- [x] a", "- [ ] b"), pad: section("- [-] a", "- [x] b"))
    let file = String(decoding: merged.localBytes, as: UTF8.self)
    #expect(merged.hasConflicts)
    #expect(file.contains("<<<<<<< local\n- [x] a\n||||||| base\n- [ ] a\n=======\n- [-] a\n>>>>>>> pad\n- [x] b\n"), "\(file)")
  }

  @Test func aTickOnAnItemTheOtherSideDeletedConflicts() throws {
    let merged = try merge(base: section("- [ ] a", "- [ ] b"), local: section("- [x] a", "- [ ] b"), pad: section("- [x] b"))
    let file = String(decoding: merged.localBytes, as: UTF8.self)
    #expect(merged.hasConflicts, "\(file)")
    #expect(file.contains("- [x] a"))
  }

  @Test func theSameTickOnBothSidesIsTakenOnce() throws {
    try expectClean(
      base: section("- [ ] a", "- [ ] b"), local: section("- [x] a", "- [x] b"), pad: section("- [X] a", "- [ ] b"),
      section("- [x] a", "- [x] b"))
  }

  @Test func theBoxIsReadOnceForTheParserTheMailAndTheMerge() {
    let line = Array("  12. [X] ship it".utf8)
    #expect(ChecklistSyntax.boxMark(inLine: line, 0..<line.count) == 7)
    #expect(ChecklistSyntax.box(line, at: 6)?.state == .done)
    for text in ["- [x]ship", "[x] no marker", "-[ ] no space", "- [?] odd", "- [ ]"] {
      let bytes = Array(text.utf8)
      #expect((ChecklistSyntax.boxMark(inLine: bytes, 0..<bytes.count) != nil) == (text == "- [ ]"), "\(text)")
    }
    #expect(MailModel.listedItem("[x] ~~done~~")?.done == true)
    #expect(MailModel.listedItem("~~struck ~~ inside~~") == MailModel.ListedItem(text: "~~struck ~~ inside~~", done: false))
    #expect(MailModel.listedItem("[-] not this week") == nil)
  }
}
