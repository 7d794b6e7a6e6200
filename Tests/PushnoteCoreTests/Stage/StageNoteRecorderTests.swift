import Foundation
import Testing

@testable import PushnoteCore

/// The splices a stage deploy makes in a note: several lines at once, the stage checklist item.
@Suite struct StageNoteRecorderTests {
  private func editor(_ text: String) throws -> NoteEditor {
    try NoteEditor(ParsedNote(bytes: Array(text.utf8), path: "2026/bzr-2026-12-01.md"))
  }

  private func apply(_ edit: ByteEdit?, to text: String) -> String {
    String(decoding: ByteEdit.apply([edit].compactMap { $0 }, to: Array(text.utf8)), as: UTF8.self)
  }

  @Test func linesGoAtTheEndOfTheirSection() throws {
    let text = "# Push\n\n## Blockers\n\n- earlier\n\n## Timeline\n"
    let lines = ["- failed", "  ```", "  console", "", "  ```"]
    #expect(
      apply(try editor(text).appendLines(lines, toSection: "Blockers"), to: text)
        == "# Push\n\n## Blockers\n\n- earlier\n- failed\n  ```\n  console\n\n  ```\n\n## Timeline\n")
    #expect(
      apply(try editor(text).appendLines(["- 11:20 a", "- 11:21 b"], toSection: "Timeline"), to: text) == text + "\n- 11:20 a\n- 11:21 b\n")
    #expect(try editor(text).appendLines([], toSection: "Timeline") == nil)
  }

  @Test func aMissingSectionIsCreatedAndLineEndingsFollowTheNote() throws {
    let text = "# Push\r\n\r\n## Timeline\r\n\r\n- 10:58 tagged\r\n"
    #expect(
      apply(try editor(text).appendLines(["- x", "  y"], toSection: "Blockers"), to: text)
        == text + "\r\n## Blockers\r\n\r\n- x\r\n  y\r\n")
    #expect(
      apply(try editor(text).appendLines(["- 11:20 a", "- 11:21 b"], toSection: "Timeline"), to: text) == text
        + "- 11:20 a\r\n- 11:21 b\r\n")
  }

  @Test func theStageItemIsFoundSensibly() throws {
    let template = "# Push\n\n## Before\n\n- [ ] Push to stage\n- [ ] QA on stage\n"
    #expect(try editor(template).stageChecklistItem()?.text == "Push to stage")
    let worded = "# Push\n\n## Before\n\n- [ ] QA on stage\n- [ ] Deploy the tag to stage (Jenkins)\n- [ ] Push to production\n"
    #expect(try editor(worded).stageChecklistItem()?.text == "Deploy the tag to stage (Jenkins)")
    let twoCandidates = "# Push\n\n## Before\n\n- [ ] Update stage\n- [ ] Deploy stage again\n"
    #expect(try editor(twoCandidates).stageChecklistItem() == nil)
    #expect(try editor("# Push\n\n- [ ] QA on stage\n").stageChecklistItem() == nil)
  }

  @Test func aFailedJobsProblemLinesHoldItsConsole() {
    let failed = StageRecord(job: "api", tag: "2026.12.01", result: .failure, durationSeconds: 5)
    #expect(
      StageNoteRecorder.problemLines(failed, buildURL: "https://ci/job/api/3/", console: ["x ``` y", "", "z"])
        == ["- [ ] Stage deploy failed: api 2026.12.01 FAILURE, https://ci/job/api/3/", "  ````", "  x ``` y", "", "  z", "  ````"])
    #expect(StageNoteRecorder.problemLines(failed, buildURL: nil, console: []) == ["- [ ] Stage deploy failed: api 2026.12.01 FAILURE"])
  }
}
