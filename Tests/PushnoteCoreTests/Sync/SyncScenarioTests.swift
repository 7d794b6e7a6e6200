import Foundation
import PushnoteTestSupport
import Testing

@testable import PushnoteCore

/// The merge scenarios of spec/sync-reliability.md §3 (1–6, 22–24), end to end against the fake
/// Etherpad: each checks the file, the pad, the git history and the base.
@Suite struct SyncScenarioTests {
  @Test func firstSyncCreatesThePadAndSecondIsANoOp() async throws {
    let harness = try await SyncHarness()
    try await harness.establish()
    #expect(harness.base() == harness.file())
    #expect(try await harness.commits() == 2)
    let report = try await harness.sync()
    #expect(report.outcome == .unchanged)
    #expect(report.requests == 1)
    #expect(try await harness.commits() == 2)
    #expect(try await harness.isClean())
  }

  @Test func differentSectionsEditedOnBothSides() async throws {
    let harness = try await SyncHarness()
    try await harness.establish()
    let commits = try await harness.commits(), revision = await harness.padRevision()
    try harness.editFile("- [ ] tag fireplace", "- [x] tag fireplace LOCAL-1")
    await harness.editPad("- [ ] verify stage", "- [x] verify stage PAD-1")
    let report = try await harness.sync()
    #expect(report.outcome == .synced)
    #expect(report.fromPad == ["Friday"] && report.toPad == ["Monday"])
    #expect(harness.file().contains("LOCAL-1") && harness.file().contains("PAD-1"))
    #expect(await harness.padText() == harness.file())
    #expect(harness.base() == harness.file())
    #expect(try await harness.commits() == commits + 1)
    #expect(await harness.padRevision() == revision + 2)  // the colleague's revision and ours
    #expect(
      try await harness.git(["log", "-1", "--format=%s"]).hasPrefix("sync mkt-2026-12-01: 1 section from the pad, 1 section to the pad"))
    await harness.server.resetCalls()
    try harness.write(harness.file())  // a touch: same bytes
    let second = try await harness.sync()
    #expect(second.outcome == .unchanged)
    #expect(await harness.server.calls == ["getRevisionsCount"])
    #expect(try await harness.commits() == commits + 1)
  }

  @Test func sameSectionNonAdjacentIsCleanAdjacentConflicts() async throws {
    let note = "## Monday\n\n- a\n- b\n- c\n- d\n\n## Friday\n\n- x\n"
    let harness = try await SyncHarness(note: note)
    try await harness.establish()
    try harness.editFile("- a", "- a LOCAL")
    await harness.editPad("- c", "- c PAD")
    #expect(try await harness.sync().outcome == .synced)
    #expect(harness.file() == "## Monday\n\n- a LOCAL\n- b\n- c PAD\n- d\n\n## Friday\n\n- x\n")
    try harness.editFile("- b", "- b LOCAL")
    await harness.editPad("- c PAD", "- c PAD2")
    try harness.editFile("- x", "- x LOCAL")
    let report = try await harness.sync()
    #expect(report.outcome == .conflicts)
    #expect(harness.file().contains("<<<<<<< local\n- b LOCAL\n- c PAD\n||||||| base\n- b\n- c PAD\n=======\n- b\n- c PAD2\n>>>>>>> pad\n"))
    // The other section merged and went to the pad; the conflicting one kept the pad's text there.
    let pad = await harness.padText() ?? ""
    #expect(pad.contains("- x LOCAL") && pad.contains("- c PAD2") && !pad.contains("<<<<<<<"))
  }

  @Test func bothAppendToTheSameSection() async throws {
    let harness = try await SyncHarness()
    try await harness.establish()
    try harness.editFile("- [ ] mail the list\n", "- [ ] mail the list\n- [ ] LOCAL item\n")
    await harness.editPad("- [ ] mail the list\n", "- [ ] mail the list\n- [ ] PAD item\n")
    let report = try await harness.sync()
    #expect(report.outcome == .synced)
    #expect(harness.file().contains("- [ ] mail the list\n- [ ] LOCAL item\n- [ ] PAD item\n"))
    #expect(await harness.padText() == harness.file())
    try harness.editFile("- [ ] PAD item\n", "- [ ] PAD item\n- [ ] SAME\n")
    await harness.editPad("- [ ] PAD item\n", "- [ ] PAD item\n- [ ] SAME\n")
    #expect(try await harness.sync().outcome == .unchanged)
    #expect(harness.file().components(separatedBy: "SAME").count == 2)
    #expect(await harness.padText() == harness.file())
    #expect(try await harness.sync().outcome == .unchanged)
  }

  @Test func trueConflictStaysInTheFileUntilResolved() async throws {
    let harness = try await SyncHarness()
    try await harness.establish()
    try harness.editFile("- [ ] tag zamboni", "- [x] tag zamboni LOCAL")
    await harness.editPad("- [ ] tag zamboni", "- [-] tag zamboni PAD")
    let commits = try await harness.commits()
    let report = try await harness.sync()
    #expect(report.outcome == .conflicts && report.conflicts == ["Monday"])
    #expect(
      harness.file().contains(
        "<<<<<<< local\n- [x] tag zamboni LOCAL\n||||||| base\n- [ ] tag zamboni\n=======\n- [-] tag zamboni PAD\n>>>>>>> pad\n"))
    #expect(await harness.padText()?.contains("PAD") == true)
    #expect(await harness.padText()?.contains("<<<<<<<") == false)
    // The first report names the block's place; a note holding markers is never committed.
    #expect(report.conflictLines == [7] && report.summary.contains("2026/mkt-2026-12-01.md:7"), "\(report.summary)")
    #expect(try await harness.commits() == commits)
    // Not resolved: still a conflict, nothing new.
    let again = try await harness.sync()
    #expect(again.outcome == .conflicts && again.conflicts.isEmpty && again.conflictLines.count == 1)
    #expect(harness.file().components(separatedBy: "<<<<<<<").count == 2)
    #expect(try await harness.commits() == commits)
    // Resolved: pushed.
    let resolved = harness.file().replacingOccurrences(
      of: "<<<<<<< local\n- [x] tag zamboni LOCAL\n||||||| base\n- [ ] tag zamboni\n=======\n- [-] tag zamboni PAD\n>>>>>>> pad\n",
      with: "- [x] tag zamboni RESOLVED\n")
    try harness.write(resolved)
    #expect(try await harness.sync().outcome == .synced)
    #expect(await harness.padText() == resolved)
    #expect(try await harness.commits() == commits + 1)
    #expect(try await !harness.git(["log", "-p", "--all"]).contains("<<<<<<<"))
    #expect(try await harness.sync().outcome == .unchanged)
  }

  @Test func deleteAgainstEditKeepsTheEditVisible() async throws {
    let harness = try await SyncHarness()
    try await harness.establish()
    try harness.editFile("## Friday\n\n- [ ] verify stage\n- [ ] mail the list\n", "")
    await harness.editPad("- [ ] verify stage", "- [ ] verify stage PAD-EDIT")
    let report = try await harness.sync()
    #expect(report.outcome == .conflicts)
    #expect(harness.file().contains("PAD-EDIT"))
    #expect(await harness.padText()?.contains("PAD-EDIT") == true)
    // The other way round: the pad deletes a line the file edits.
    let other = try await SyncHarness()
    try await other.establish()
    try other.editFile("- [ ] tag fireplace", "- [ ] tag fireplace LOCAL-EDIT")
    await other.editPad("- [ ] tag fireplace\n", "")
    #expect(try await other.sync().outcome == .conflicts)
    #expect(other.file().contains("LOCAL-EDIT"))
  }

  @Test func renamedHeadingWithBodyEditLosesNothing() async throws {
    let harness = try await SyncHarness()
    try await harness.establish()
    try harness.editFile("## Friday", "## Friday (stage)")
    await harness.editPad("- [ ] mail the list", "- [ ] mail the list PAD-EDIT")
    let report = try await harness.sync()
    #expect(harness.file().contains("PAD-EDIT"))
    #expect(harness.file().contains("## Friday (stage)"))
    #expect(report.outcome == .conflicts || harness.file().components(separatedBy: "verify stage").count == 2)
  }

  @Test func lineEndingsTabsAndNoFinalNewlineDoNotPingPong() async throws {
    let note = "\u{FEFF}# Title\r\n\r\n## Monday\r\n\r\n\t- [ ] tabbed\r\n- [ ] nbsp\u{A0}here\r\n\r\n## Friday\r\n\r\n- [ ] last"
    let harness = try await SyncHarness(note: note)
    #expect(try await harness.sync().outcome == .synced)
    #expect(harness.fileBytes() == Array(note.utf8))
    #expect(await harness.padText() == "# Title\n\n## Monday\n\n        - [ ] tabbed\n- [ ] nbsp\u{A0}here\n\n## Friday\n\n- [ ] last\n")
    #expect(try await harness.sync().outcome == .unchanged)
    await harness.editPad("- [ ] nbsp", "- [x] nbsp")
    #expect(try await harness.sync().outcome == .synced)
    #expect(harness.fileBytes() == Array(note.replacingOccurrences(of: "- [ ] nbsp", with: "- [x] nbsp").utf8))
    #expect(try await harness.sync().outcome == .unchanged)
  }

  @Test func markdownEdgeCasesSectionAsCommonMark() async throws {
    let note = """
      Preamble text
      ## Notes
      - one
      ```
      # not a heading
      ```
      Setext
      ======
      #tag is not a heading
      ## Notes
      - two

      """
    let harness = try await SyncHarness(note: note)
    try await harness.establish()
    try harness.editFile("- two", "- two LOCAL")
    await harness.editPad("- one", "- one PAD")
    #expect(try await harness.sync().outcome == .synced)
    #expect(
      harness.file() == note.replacingOccurrences(of: "- two", with: "- two LOCAL").replacingOccurrences(of: "- one", with: "- one PAD"))
    let sections = try NoteSections(bytes: Array(note.utf8))
    let keys = [
      SectionKey.preamble, SectionKey(title: "notes", ordinal: 1), SectionKey(title: "setext", ordinal: 1),
      SectionKey(title: "notes", ordinal: 2),
    ]
    #expect(sections.sections.map(\.key) == keys)
  }

  @Test func leftoverMarkersAreNeverPushed() async throws {
    let harness = try await SyncHarness()
    try await harness.establish()
    try harness.editFile("- [ ] tag fireplace", "<<<<<<< mine\n- [ ] tag fireplace A\n=======\n- [ ] tag fireplace B\n>>>>>>> theirs")
    try harness.editFile("- [ ] verify stage", "- [ ] verify stage LOCAL")
    let report = try await harness.sync()
    #expect(report.outcome == .conflicts && report.conflictLines == [8])
    let pad = await harness.padText() ?? ""
    #expect(!pad.contains("<<<<<<<") && !pad.contains(">>>>>>>") && pad.contains("verify stage LOCAL"))
  }

  @Test func localOnlySectionsNeverReachThePad() async throws {
    let note = SyncHarness.note + "## Private notes\n\nsecret plan\n\n### Deeper\n\nalso secret\n"
    let harness = try await SyncHarness(note: note, localOnly: ["private notes"])
    #expect(try await harness.sync().outcome == .synced)
    #expect(await harness.padText()?.contains("secret") == false)
    await harness.editPad("- [ ] verify stage", "- [x] verify stage")
    #expect(try await harness.sync().outcome == .synced)
    #expect(harness.file().contains("- [x] verify stage") && harness.file().hasSuffix("also secret\n"))
    #expect(await harness.padText()?.contains("secret") == false)
  }
}
