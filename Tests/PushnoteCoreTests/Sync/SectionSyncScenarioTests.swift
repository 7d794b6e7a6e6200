import Foundation
import PushnoteTestSupport
import Testing

@testable import PushnoteCore

/// Section identity, local-only titles and the checklist-aware merge end to end: the file in git,
/// the fake Etherpad, the base.
@Suite struct SectionSyncScenarioTests {
  @Test func qaUntickingTwoInThePadWhileTheReleaseManagerUnticksOneMerges() async throws {
    let note = SyncHarness.note.replacingOccurrences(of: "- [ ] tag", with: "- [x] tag")
    let harness = try await SyncHarness(note: note)
    try await harness.establish()
    try harness.editFile("- [x] tag zamboni", "- [ ] tag zamboni")
    await harness.editPad("- [x] tag zamboni\n- [x] tag fireplace", "- [ ] tag zamboni\n- [ ] tag fireplace")
    let report = try await harness.sync()
    #expect(report.outcome == .synced)
    #expect(harness.file() == SyncHarness.note)
    #expect(await harness.padText() == SyncHarness.note)
    #expect(harness.base() == SyncHarness.note)
    #expect(try await harness.sync().outcome == .unchanged)
  }

  @Test func aTickOnThePadMergesIntoTheFilesEditOfTheItem() async throws {
    let harness = try await SyncHarness()
    try await harness.establish()
    try harness.editFile("- [ ] verify stage", "- [ ] verify stage and -dev")
    await harness.editPad("- [ ] verify stage\n- [ ] mail the list", "- [x] verify stage\n- [x] mail the list")
    #expect(try await harness.sync().outcome == .synced)
    let expected = SyncHarness.note.replacingOccurrences(
      of: "- [ ] verify stage\n- [ ] mail the list", with: "- [x] verify stage and -dev\n- [x] mail the list")
    #expect(harness.file() == expected)
    #expect(await harness.padText() == expected)
  }

  @Test func repeatedHeadingsAddedOnThePadBesideARealNotes2LoseNothing() async throws {
    let note = SyncHarness.note.replacingOccurrences(of: "## Friday", with: "## Notes #2\n\n- real notes\n\n## Friday")
    let harness = try await SyncHarness(note: note)
    try await harness.establish()
    try harness.editFile("- real notes", "- real notes LOCAL")
    await harness.editPad("## Friday", "## Notes\n\n- colleague one\n\n## Notes\n\n- colleague two\n\n## Friday")
    #expect(try await harness.sync().outcome == .synced)
    let expected = note.replacingOccurrences(of: "- real notes", with: "- real notes LOCAL").replacingOccurrences(
      of: "## Friday", with: "## Notes\n\n- colleague one\n\n## Notes\n\n- colleague two\n\n## Friday")
    #expect(harness.file() == expected)
    #expect(await harness.padText() == expected)
    #expect(try await harness.git(["show", "HEAD:2026/mkt-2026-12-01.md"]) == expected)
  }

  @Test func aSecondNotesInTheFileBesideARealNotes2LosesNothing() async throws {
    let note = SyncHarness.note.replacingOccurrences(of: "## Friday", with: "## Notes\n\n- first\n\n## Notes #2\n\n- real\n\n## Friday")
    let harness = try await SyncHarness(note: note)
    try await harness.establish()
    try harness.editFile("## Friday", "## Notes\n\n- second LOCAL\n\n## Friday")
    await harness.editPad("- real", "- real PAD")
    #expect(try await harness.sync().outcome == .synced)
    let expected = note.replacingOccurrences(of: "- real", with: "- real PAD").replacingOccurrences(
      of: "## Friday", with: "## Notes\n\n- second LOCAL\n\n## Friday")
    #expect(harness.file() == expected)
    #expect(await harness.padText() == expected)
  }

  @Test func everySpellingOfThePrivateTitleStaysOffThePad() async throws {
    let note =
      SyncHarness.note
      + "## Private notes:\n\nsecret one\n\n## private notes\n\nsecret two\n\n## **Private notes**\n\nsecret three\n\n"
      + "Private notes\n-------------\n\nsecret four\n"
    let harness = try await SyncHarness(note: note, localOnly: ["Private notes"])
    #expect(try await harness.sync().outcome == .synced)
    #expect(await harness.padText() == SyncHarness.note)
    await harness.editPad("- [ ] verify stage", "- [x] verify stage")
    try harness.editFile("secret four", "secret four, edited")
    #expect(try await harness.sync().outcome == .synced)
    #expect(
      harness.file()
        == note.replacingOccurrences(of: "- [ ] verify stage", with: "- [x] verify stage").replacingOccurrences(
          of: "secret four", with: "secret four, edited"))
    #expect(await harness.padText()?.contains("secret") == false)
    #expect(try await harness.sync().outcome == .unchanged)
  }
}
