import Foundation
import PushnoteTestSupport
import Testing

@testable import PushnoteCore

/// The guarded write to the pad: the write record saved before `setText` lets the next sync merge
/// again a colleague's edit that the write overwrote, whether the check after the write failed,
/// timed out or never ran.
@Suite struct SyncWriteRecordTests {
  static let colleague: FakeEtherpad.Fault = .colleagueEdit {
    $0.replacingOccurrences(of: "- [ ] mail the list", with: "- [x] mail the list\n- [ ] COLLEAGUE line")
  }

  /// Runs a sync whose check after `setText` fails in the way `breakCheck` scripts, with a
  /// colleague's tick and line landing between the read and the write; then a normal sync.
  func overwrittenEditComesBack(timeout: Double = 30, attempts: Int = 3, breakCheck: (FakeEtherpad) async -> Void) async throws {
    let harness = try await SyncHarness()
    try await harness.establish()
    try harness.editFile("- [ ] tag zamboni", "- [x] tag zamboni LOCAL")
    await harness.server.inject(Self.colleague, into: "setText")
    // The read and the check right before the write answer; the check after it does not.
    await harness.server.inject(.delay(0), into: "getRevisionsCount")
    await harness.server.inject(.delay(0), into: "getRevisionsCount")
    await breakCheck(harness.server)
    let error = await harness.failingSync(timeout: timeout, attempts: attempts)
    #expect(error?.exitStatus == .temporaryFailure, "\(String(describing: error))")
    // The sync stopped in the check right after its write.
    #expect(await harness.server.calls.last { $0 != "getRevisionsCount" } == "setText")
    // The write overwrote the colleague's edit; the record says what was written over what.
    #expect(await harness.padText()?.contains("COLLEAGUE") == false)
    let record = SyncStore(root: harness.folder.path, padID: harness.padID).loadState().writeRecord
    #expect(record?.revision == 1 && record?.text.contains("LOCAL") == true)
    let report = try await harness.sync()
    #expect(report.outcome == .synced)
    for token in ["LOCAL", "COLLEAGUE", "- [x] mail the list"] {
      #expect(harness.file().components(separatedBy: token).count == 2, "\(token)")
    }
    #expect(await harness.padText() == harness.file())
    #expect(harness.base() == harness.file())
    #expect(SyncStore(root: harness.folder.path, padID: harness.padID).loadState().writeRecord == nil)
    #expect(try await harness.isClean())
    #expect(try await harness.sync().outcome == .unchanged)
  }

  @Test func anEditOverwrittenBeforeAFailedCheckIsMergedNextTime() async throws {
    try await overwrittenEditComesBack { server in
      for _ in 0..<3 {
        await server.inject(.respond(status: 500, body: "{\"code\":2,\"message\":\"x\",\"data\":null}"), into: "getRevisionsCount")
      }
    }
  }

  @Test func anEditOverwrittenBeforeATimedOutCheckIsMergedNextTime() async throws {
    // One attempt, and a deadline a loaded machine still meets for the other requests.
    try await overwrittenEditComesBack(timeout: 6, attempts: 1) { server in
      await server.inject(.delay(12), into: "getRevisionsCount")
    }
  }

  @Test func aWriteWhoseReplyWasLostIsFoundAndNotRepeated() async throws {
    let harness = try await SyncHarness()
    try await harness.establish()
    try harness.editFile("- [ ] tag zamboni", "- [x] tag zamboni LOCAL")
    // The write is applied, then the connection drops before the answer is complete.
    await harness.server.inject(.dropConnection, into: "setText")
    let dropped = await harness.failingSync()
    #expect(dropped?.exitStatus == .temporaryFailure, "\(String(describing: dropped))")
    #expect(await harness.padText()?.contains("LOCAL") == true)
    await harness.editPad("- [ ] verify stage", "- [ ] verify stage LATER")
    await harness.server.resetCalls()
    #expect(try await harness.sync().outcome == .synced)
    for token in ["LOCAL", "LATER"] { #expect(harness.file().components(separatedBy: token).count == 2, "\(token)") }
    #expect(await harness.padText() == harness.file())
    #expect(harness.base() == harness.file())
  }

  @Test func aWriteThatNeverLandedLeavesEveryLaterRevision() async throws {
    let harness = try await SyncHarness()
    try await harness.establish()
    try harness.editFile("- [ ] tag zamboni", "- [x] tag zamboni LOCAL")
    await harness.server.inject(.respond(status: 502, body: "<html>Bad Gateway</html>"), into: "setText")
    #expect(await harness.failingSync()?.exitStatus == .temporaryFailure)
    #expect(SyncStore(root: harness.folder.path, padID: harness.padID).loadState().writeRecord != nil)
    await harness.editPad("- [ ] verify stage", "- [ ] verify stage ONE")
    await harness.editPad("- [ ] mail the list", "- [ ] mail the list TWO")
    #expect(try await harness.sync().outcome == .synced)
    for token in ["LOCAL", "ONE", "TWO"] { #expect(harness.file().components(separatedBy: token).count == 2, "\(token)") }
    #expect(await harness.padText() == harness.file())
  }

  @Test func theRevisionIsCheckedRightBeforeEveryWrite() async throws {
    let harness = try await SyncHarness()
    try await harness.establish()
    try harness.editFile("- [ ] tag zamboni", "- [x] tag zamboni LOCAL")
    // A colleague types between the read and the check before the write (well within 0.5 s).
    await harness.server.inject(.delay(0), into: "getRevisionsCount")
    await harness.server.inject(
      .colleagueEdit { $0.replacingOccurrences(of: "- [ ] verify stage", with: "- [ ] verify stage EARLY") }, into: "getRevisionsCount")
    await harness.server.resetCalls()
    #expect(try await harness.sync().outcome == .synced)
    #expect(harness.file().contains("EARLY") && harness.file().contains("LOCAL"))
    #expect(await harness.padText() == harness.file())
    // One setText only: the edit was merged before writing, not repaired after.
    #expect(await harness.server.count("setText") == 1)
    await harness.server.resetCalls()
    #expect(try await harness.sync().outcome == .unchanged)
    #expect(await harness.server.calls == ["getRevisionsCount"])
  }
}

/// The base's own header: a truncated, damaged or foreign base is told in any clone.
@Suite struct SyncBaseHeaderTests {
  @Test func aTruncatedOrForeignBaseIsLostEvenWithoutState() throws {
    let folder = try TemporaryDirectory(prefix: "pushnote-base")
    let store = SyncStore(root: folder.path, padID: "mkt-2026-12-01")
    let text = "# Push\n\n## Monday\n\n- [ ] tag zamboni\n"
    try store.saveBase(text)
    #expect(store.loadBase(state: .init()) == .text(text))
    let written = try String(contentsOfFile: store.basePath, encoding: .utf8)
    #expect(written.hasPrefix("<!-- pushnote-base mkt-2026-12-01 \(text.utf8.count) fnv1a64 "))
    try String(written.dropLast(5)).write(toFile: store.basePath, atomically: true, encoding: .utf8)
    guard case .lost(let truncated) = store.loadBase(state: .init()) else {
      Issue.record("a truncated base was taken")
      return
    }
    #expect(truncated.contains("of its \(text.utf8.count) bytes"))
    let other = SyncStore(root: folder.path, padID: "mkt-2026-12-08")
    try other.saveBase(text)
    try FileManager.default.removeItem(atPath: store.basePath)
    try FileManager.default.copyItem(atPath: other.basePath, toPath: store.basePath)
    #expect(
      store.loadBase(state: .init()) == .lost(reason: "the base file .pushnote/base/mkt-2026-12-01.md belongs to the pad mkt-2026-12-08"))
    try written.replacingOccurrences(of: "tag zamboni", with: "tag zambonj").write(
      toFile: store.basePath, atomically: true, encoding: .utf8)
    #expect(store.loadBase(state: .init()) == .lost(reason: "the base file .pushnote/base/mkt-2026-12-01.md does not match its checksum"))
  }

  @Test func aFreshCloneWithATruncatedBaseNeverMergesFromIt() async throws {
    let harness = try await SyncHarness()
    try await harness.establish()
    let store = SyncStore(root: harness.folder.path, padID: harness.padID)
    // A clone has the tracked base but none of this machine's state.
    try FileManager.default.removeItem(atPath: store.statePath)
    let base = try String(contentsOfFile: store.basePath, encoding: .utf8)
    try String(base.prefix(base.count - 30)).write(toFile: store.basePath, atomically: true, encoding: .utf8)
    try harness.editFile("- [ ] tag zamboni", "- [x] tag zamboni LOCAL")
    await harness.editPad("- [ ] tag zamboni", "- [-] tag zamboni PAD")
    let report = try await harness.sync()
    // Without a base both edits stay visible as a conflict; a truncated base would have taken one.
    #expect(report.outcome == .conflicts)
    #expect(harness.file().contains("LOCAL") && harness.file().contains("PAD"))
  }
}
