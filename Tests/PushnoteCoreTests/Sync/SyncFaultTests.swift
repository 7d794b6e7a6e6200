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
    await harness.server.inject(.colleagueEdit { $0.replacingOccurrences(of: "- [ ] mail the list", with: "- [ ] mail the list COLLEAGUE") }, into: "setText")
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
    let before = harness.fileBytes(), commits = try harness.commits(), base = harness.base()
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
      #expect(try harness.fileBytes() == before && harness.base() == base && harness.commits() == commits)
    }
    for _ in 0..<3 { await harness.server.inject(.delay(2.5), into: "getRevisionsCount") }
    let slow = await harness.failingSync(timeout: 1)
    #expect(slow?.exitStatus == .temporaryFailure)
    #expect(slow?.description.contains("did not answer getRevisionsCount") == true, "\(String(describing: slow))")
    await harness.server.stop()
    let refused = await harness.failingSync()
    #expect(refused?.exitStatus == .temporaryFailure)
    #expect(try harness.fileBytes() == before && harness.commits() == commits)
  }

  @Test func failedSetTextKeepsTheMergeAndConvergesNextTime() async throws {
    let harness = try await SyncHarness()
    try await harness.establish()
    let base = harness.base()
    try harness.editFile("- [ ] tag zamboni", "- [x] tag zamboni LOCAL")
    await harness.editPad("- [ ] verify stage", "- [x] verify stage PAD")
    await harness.server.inject(.respond(status: 500, body: "{\"code\":2,\"message\":\"x\",\"data\":null}"), into: "setText")
    let commits = try harness.commits()
    let error = await harness.failingSync()
    #expect(error?.exitStatus == .temporaryFailure)
    #expect(harness.file().contains("PAD") && harness.file().contains("LOCAL"))
    #expect(try harness.commits() == commits + 1)
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
    await harness.server.inject(.applyThenHang(3), into: "setText")
    let error = await harness.failingSync(timeout: 1.2)
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
    #expect(try !harness.git(["log", "-p", "--all"]).contains(harness.key))
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

  @Test func aStaleGitIndexLockIsReported() async throws {
    let harness = try await SyncHarness()
    FileManager.default.createFile(atPath: harness.folder.appending(".git/index.lock"), contents: Data())
    let error = await harness.failingSync()
    #expect(error?.exitStatus == .unavailable && error?.description.contains("index.lock") == true)
    #expect(FileManager.default.fileExists(atPath: harness.folder.appending(".git/index.lock")))
  }
}
