import Foundation
import PushnoteTestSupport
import Testing

@testable import PushnoteCore

/// Races, server faults, refusals, bad input and the base's loss (spec/sync-reliability.md §3,
/// 8–17 and 20–21): nothing is lost, nothing is written on a failed read, the next sync converges.
@Suite struct SyncFaultTests {
  @Test func colleagueEditBeforeSetTextIsMergedAgain() async throws {
    let harness = try await SyncHarness()
    try await harness.establish()
    try harness.editFile("- [ ] tag zamboni", "- [x] tag zamboni LOCAL")
    await harness.server.inject(
      .colleagueEdit { $0.replacingOccurrences(of: "- [ ] mail the list", with: "- [ ] mail the list COLLEAGUE") }, into: "setText")
    let report = try await harness.sync()
    #expect(report.outcome == .synced)
    #expect(harness.file().contains("COLLEAGUE") && harness.file().contains("LOCAL"))
    #expect(await harness.padText() == harness.file())
    #expect(harness.base() == harness.file())
    #expect(try await harness.sync().outcome == .unchanged)
  }

  @Test func readFailuresChangeNothing() async throws {
    let harness = try await SyncHarness()
    try await harness.establish()
    try harness.editFile("- [ ] tag zamboni", "- [x] tag zamboni LOCAL")
    let before = harness.fileBytes(), commits = try await harness.commits(), base = harness.base()
    let faults: [FakeEtherpad.Fault] = [
      .respond(status: 500, body: "{\"code\":2,\"message\":\"boom\",\"data\":null}"),
      .respond(status: 502, body: "<html>Bad Gateway</html>"),
      .truncate(bytes: 20),
      .respond(status: 200, body: ""),
      .respond(status: 200, body: "{\"code\":2,\"message\":\"internal\",\"data\":null}"),
    ]
    for fault in faults {
      for _ in 0..<3 { await harness.server.inject(fault, into: "getText") }
      let error = await harness.failingSync()
      #expect(error?.exitStatus == .temporaryFailure, "\(fault)")
      let commitsNow = try await harness.commits()
      #expect(harness.fileBytes() == before && harness.base() == base && commitsNow == commits)
    }
    for _ in 0..<3 { await harness.server.inject(.delay(2.5), into: "getRevisionsCount") }
    let slow = await harness.failingSync(timeout: 1)
    #expect(slow?.exitStatus == .temporaryFailure)
    #expect(slow?.description.contains("did not answer getRevisionsCount") == true, "\(String(describing: slow))")
    await harness.server.stop()
    let refused = await harness.failingSync()
    #expect(refused?.exitStatus == .temporaryFailure)
    let commitsAfter = try await harness.commits()
    #expect(harness.fileBytes() == before && commitsAfter == commits)
  }

  @Test func failedSetTextKeepsTheMergeAndConvergesNextTime() async throws {
    let harness = try await SyncHarness()
    try await harness.establish()
    let base = harness.base()
    try harness.editFile("- [ ] tag zamboni", "- [x] tag zamboni LOCAL")
    await harness.editPad("- [ ] verify stage", "- [x] verify stage PAD")
    await harness.server.inject(.respond(status: 500, body: "{\"code\":2,\"message\":\"x\",\"data\":null}"), into: "setText")
    let commits = try await harness.commits()
    let error = await harness.failingSync()
    #expect(error?.exitStatus == .temporaryFailure)
    #expect(harness.file().contains("PAD") && harness.file().contains("LOCAL"))
    #expect(try await harness.commits() == commits + 1)
    #expect(harness.base() == base)
    let revision = await harness.padRevision()
    #expect(try await harness.sync().outcome == .synced)
    #expect(await harness.padText() == harness.file())
    #expect(await harness.padRevision() == revision + 1)
    #expect(harness.file().components(separatedBy: "LOCAL").count == 2)
  }

  @Test func ambiguousSetTextIsAdoptedNotPushedTwice() async throws {
    let harness = try await SyncHarness()
    try await harness.establish()
    try harness.editFile("- [ ] tag zamboni", "- [x] tag zamboni LOCAL")
    // The answer comes after the deadline; the deadline is one a loaded machine meets for the reads.
    await harness.server.inject(.applyThenHang(10), into: "setText")
    let error = await harness.failingSync(timeout: 4)
    #expect(error?.exitStatus == .temporaryFailure, "\(String(describing: error))")
    let padNow = await harness.padText()
    let calls = await harness.server.calls
    #expect(padNow == harness.file(), "\(String(describing: padNow)) \(calls)")
    await harness.server.resetCalls()
    let report = try await harness.sync()
    #expect(report.outcome != .conflicts)
    #expect(await harness.server.count("setText") == 0)
    #expect(harness.base() == harness.file())
  }

  @Test func legacyRevisionShapeIsRead() async throws {
    let harness = try await SyncHarness()
    try await harness.establish()
    await harness.server.setLegacyShape()
    await harness.editPad("- [ ] verify stage", "- [x] verify stage PAD")
    #expect(try await harness.sync().outcome == .synced)
    #expect(harness.file().contains("- [x] verify stage PAD"))
  }

  @Test func rejectedCredentialsExit77WithoutLeakingTheKey() async throws {
    let harness = try await SyncHarness()
    let before = harness.fileBytes()
    let error = await harness.failingSync(credentials: .apiKey("wrong-\(harness.key)"))
    #expect(error?.exitStatus == .permission)
    #expect(error?.description.contains(harness.key) == false)
    #expect(harness.fileBytes() == before)
    try await harness.establish()
    #expect(await harness.server.requestTargets.allSatisfy { !$0.contains(harness.key) })
    #expect(try await !harness.git(["log", "-p", "--all"]).contains(harness.key))
  }

  @Test func oauthTokenIsFetchedAgainAfterARestart() async throws {
    let harness = try await SyncHarness(auth: .clientCredentials(id: "pushnote", secret: "s3cret"))
    let credentials = PadCredentials.clientCredentials(id: "pushnote", secret: "s3cret")
    #expect(try await harness.sync(credentials: credentials).outcome == .synced)
    let client = try harness.client(credentials: credentials)
    _ = try await client.revisionsCount(harness.padID)
    await harness.server.restart()
    #expect(try await client.revisionsCount(harness.padID) >= 1)
    #expect(await harness.server.count("token") == 3)
    let wrong = await harness.failingSync(credentials: .clientCredentials(id: "pushnote", secret: "nope"))
    #expect(wrong?.exitStatus == .permission)
  }

  @Test func vanishedWipedOrRewoundPadsAreRefused() async throws {
    let harness = try await SyncHarness()
    try await harness.establish()
    let before = harness.fileBytes()
    await harness.server.colleagueSets(harness.padID, "\n")
    #expect(await harness.failingSync()?.exitStatus == .unavailable)
    #expect(harness.fileBytes() == before)
    await harness.server.delete(harness.padID)
    #expect(await harness.failingSync()?.exitStatus == .unavailable)
    let gone = await harness.padText()
    #expect(harness.fileBytes() == before && gone == nil)
    #expect(try await harness.sync { $0.recreatePad = true }.outcome != .conflicts)
    #expect(await harness.padText() == harness.file())
    await harness.server.seed(harness.padID, harness.file())
    let rewound = await harness.failingSync()
    #expect(rewound?.exitStatus == .unavailable)
    #expect(try await harness.sync { $0.acceptPadReset = true }.outcome == .unchanged)
  }

  @Test func lostBaseIsNeverTakenAsEmpty() async throws {
    let harness = try await SyncHarness()
    try await harness.establish()
    try harness.editFile("- [ ] tag zamboni", "- [x] tag zamboni LOCAL")
    await harness.editPad("- [ ] verify stage", "- [x] verify stage PAD")
    let store = SyncStore(root: harness.folder.path, padID: harness.padID)
    try "garbage\n".write(toFile: store.basePath, atomically: true, encoding: .utf8)
    let report = try await harness.sync()
    #expect(report.outcome == .conflicts && Set(report.conflicts) == ["Monday", "Friday"])
    #expect(harness.file().components(separatedBy: "# Marketplace push").count == 2)
    #expect(await harness.padText()?.contains("<<<<<<<") == false)
  }

  @Test func invalidUTF8IsRefusedWithItsOffset() async throws {
    let harness = try await SyncHarness()
    var bytes = Array(SyncHarness.note.utf8)
    bytes.insert(0xFF, at: 10)
    try harness.writeBytes(bytes)
    let error = await harness.failingSync()
    #expect(error?.exitStatus == .dataError)
    #expect(error?.description.contains("offset 10") == true)
    let pad = await harness.padText()
    #expect(harness.fileBytes() == bytes && pad == nil)
  }

  @Test func aSecondSyncWaitsOrNamesTheHolder() async throws {
    let harness = try await SyncHarness()
    let store = SyncStore(root: harness.folder.path, padID: harness.padID)
    let held = try SyncLock(path: store.lockPath)
    let error = await harness.failingSync()
    #expect(error?.exitStatus == .temporaryFailure)
    #expect(error?.description.contains("pid \(getpid())") == true)
    withExtendedLifetime(held) {}
  }

  @Test func aStaleGitIndexLockIsReportedBeforeAnythingIsWritten() async throws {
    let harness = try await SyncHarness()
    try await harness.establish()
    try harness.editFile("- [ ] tag zamboni", "- [x] tag zamboni LOCAL")
    await harness.editPad("- [ ] verify stage", "- [x] verify stage PAD")
    let before = harness.fileBytes(), pad = await harness.padText()
    #expect(FileManager.default.createFile(atPath: harness.folder.appending(".git/index.lock"), contents: Data()))
    let error = await harness.failingSync()
    #expect(error?.exitStatus == .unavailable && error?.description.contains("index.lock") == true)
    #expect(FileManager.default.fileExists(atPath: harness.folder.appending(".git/index.lock")))
    #expect(harness.fileBytes() == before)
    #expect(await harness.padText() == pad)
  }
}

/// The editor, large inputs, and the notebook's own git remote.
@Suite struct SyncEdgeTests {
  @Test func anEditorSaveDuringTheSyncIsNeverOverwritten() async throws {
    let harness = try await SyncHarness()
    try await harness.establish()
    try harness.editFile("- [ ] tag zamboni", "- [x] tag zamboni LOCAL")
    await harness.editPad("- [ ] verify stage", "- [x] verify stage PAD")
    let path = harness.notePath
    let editorBytes = Array(
      harness.file().replacingOccurrences(of: "- Release manager: ddurst", with: "- Release manager: ddurst EDITOR").utf8)
    let error: SyncError?
    do {
      _ = try await harness.sync(checkpoint: { step in
        if step == "after-merge" { _ = FileManager.default.createFile(atPath: path, contents: Data(editorBytes)) }
      })
      error = nil
    } catch let caught {
      error = caught
    }
    #expect(error == .changedDuringSync(path: "2026/mkt-2026-12-01.md"))
    #expect(harness.fileBytes() == editorBytes)
    #expect(try await harness.sync().outcome == .synced)
    for token in ["LOCAL", "PAD", "EDITOR"] { #expect(harness.file().components(separatedBy: token).count == 2, "\(token)") }
    #expect(await harness.padText() == harness.file())
  }

  @Test func largeAndRepetitiveNotesStayBounded() async throws {
    let repeated = "## Checklist\n\n" + String(repeating: "- [ ]\n", count: 10_000)
    let harness = try await SyncHarness(note: repeated)
    // Generous deadlines: a debug-built FlyingFox reads large bodies slowly when the suite is busy.
    try await harness.establish(timeout: 60)
    try harness.write("## Checklist\n\n- [ ] LOCAL first\n" + String(repeating: "- [ ]\n", count: 10_000))
    await harness.server.colleagueSets(harness.padID, repeated + "- [ ] PAD last\n")
    let start = Date()
    #expect(try await harness.sync(timeout: 60).outcome == .synced)
    #expect(Date().timeIntervalSince(start) < 60)
    #expect(harness.file() == "## Checklist\n\n- [ ] LOCAL first\n" + String(repeating: "- [ ]\n", count: 10_000) + "- [ ] PAD last\n")
    let longLine = "## Long\n\n" + String(repeating: "x", count: 1_000_000) + "\n"
    let long = try await SyncHarness(note: longLine)
    try await long.establish(timeout: 60)  // 3 MB of form body through a debug-built test server
    #expect(await long.padText() == longLine)
  }
}

/// The guarded write's other paths: an edit landing after ours, a pad that never stays still,
/// and an overloaded server.
@Suite struct SyncRaceTests {
  @Test func colleagueEditAfterOursIsMergedBack() async throws {
    let harness = try await SyncHarness()
    try await harness.establish()
    try harness.editFile("- [ ] tag zamboni", "- [x] tag zamboni LOCAL")
    // The first count is the read, the second the check before setText; before the third (the
    // check after it) a colleague types.
    await harness.server.inject(.delay(0), into: "getRevisionsCount")
    await harness.server.inject(.delay(0), into: "getRevisionsCount")
    await harness.server.inject(
      .colleagueEdit { $0.replacingOccurrences(of: "- [ ] verify stage", with: "- [ ] verify stage LATE") }, into: "getRevisionsCount")
    #expect(try await harness.sync().outcome == .synced)
    #expect(harness.file().contains("LATE") && harness.file().contains("LOCAL"))
    #expect(await harness.padText() == harness.file())
    #expect(try await harness.sync().outcome == .unchanged)
  }

  @Test func aPadThatNeverStaysStillGivesUpWithNothingLost() async throws {
    let harness = try await SyncHarness()
    try await harness.establish()
    let base = harness.base()
    try harness.editFile("- [ ] tag zamboni", "- [x] tag zamboni LOCAL")
    for round in 1...3 {
      await harness.server.inject(.colleagueEdit { $0 + "- [ ] BUSY \(round)\n" }, into: "setText")
    }
    let commits = try await harness.commits()
    let error = await harness.failingSync()
    let calls = await harness.server.calls
    let padNow = await harness.padText() ?? ""
    #expect(error == .raceLost(attempts: 3), "\(calls) \(padNow)")
    #expect(harness.base() == base)
    #expect(try await harness.commits() == commits + 1)
    #expect(try await harness.sync().outcome == .synced)
    for token in ["LOCAL", "BUSY 1", "BUSY 2", "BUSY 3"] {
      #expect(harness.file().components(separatedBy: token).count == 2, "\(token)")
    }
    #expect(await harness.padText() == harness.file())
  }

  @Test func overloadedReadsHonourRetryAfter() async throws {
    let harness = try await SyncHarness()
    try await harness.establish()
    await harness.editPad("- [ ] verify stage", "- [x] verify stage PAD")
    await harness.server.inject(.respond(status: 429, body: "slow down", headers: ["Retry-After": "0"]), into: "getText")
    await harness.server.inject(.respond(status: 503, body: "busy", headers: ["Retry-After": "0"]), into: "getText")
    #expect(try await harness.sync().outcome == .synced)
    #expect(harness.file().contains("verify stage PAD"))
    #expect(await harness.server.count("getText") == 4)  // the first sync's, two refusals, the read
  }
}

extension SyncEdgeTests {
  @Test func temporaryFilesOfKilledWritesAreRemoved() async throws {
    let harness = try await SyncHarness()
    let dead = harness.folder.appending("2026/.mkt-2026-12-01.md.pushnote-999999-1.tmp")
    let alive = harness.folder.appending("2026/.mkt-2026-12-01.md.pushnote-\(getpid())-2.tmp")
    #expect(FileManager.default.createFile(atPath: dead, contents: Data("half".utf8)))
    #expect(FileManager.default.createFile(atPath: alive, contents: Data("busy".utf8)))
    try await harness.establish()
    #expect(!FileManager.default.fileExists(atPath: dead))
    #expect(FileManager.default.fileExists(atPath: alive))
  }
}
