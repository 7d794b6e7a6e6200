import Foundation
import PushnoteTestSupport
import Testing

@testable import PushnoteCore

/// Whole syncs through the realtime transport against the fake realtime Etherpad.
@Suite struct RealtimeSyncTests {
  /// One sync as the command runs it, with the realtime transport in `mode`.
  static func sync(
    _ harness: SyncHarness, token: String, mode: NotebookConfig.PadConfig.Transport = .realtime, pauses: [TimeInterval]? = nil
  ) async throws -> (report: SyncReport, notices: [String]) {
    let client = try harness.client()
    var engine = SyncEngine(notebook: harness.notebook, notePath: harness.notePath, client: client)
    let transport = RealtimePadTransport(
      server: try #require(URL(string: harness.url)), mode: mode, identity: .init(token: token, name: "ddurst"))
    if let pauses { transport.rateLimitPauses = pauses }
    engine.realtime = transport
    defer { transport.close() }
    let report = try await engine.run()
    return (report, transport.notices)
  }

  @Test func localEditsGoOutAsChangesetsAndEveryLineKeepsItsAuthor() async throws {
    let harness = try await SyncHarness()
    let token = RealtimePadConnection.Identity.makeToken()
    _ = try await Self.sync(harness, token: token)
    #expect(await harness.padText() == harness.file())
    let colleague = try await FakeBrowser(baseURL: harness.url, padID: harness.padID, name: "krupa")
    try await colleague.type { $0.replacingOccurrences(of: "- [ ] verify stage", with: "- [x] verify stage") }
    for step in 0..<10 {
      try harness.editFile("## Friday\n", "## Friday\n- [ ] step \(step)\n")
      _ = try await Self.sync(harness, token: token)
    }
    let pad = try #require(await harness.padText())
    #expect(pad == harness.file())
    #expect(harness.file().contains("- [x] verify stage\n"))
    #expect((0..<10).allSatisfy { harness.file().contains("- [ ] step \($0)\n") })
    #expect(await harness.server.count("setText") == 0)
    #expect(await harness.server.socketMessages.filter { $0 == "USER_CHANGES" }.count == 12)  // 11 syncs and the colleague's tick
    let perUnit = try await harness.server.authors(of: harness.padID)
    let units = Array(pad.utf16)
    func authors(of line: String) -> Set<String?> {
      let needle = Array(line.utf16)
      guard let start = (0...(units.count - needle.count)).first(where: { Array(units[$0..<$0 + needle.count]) == needle }) else {
        return []
      }
      return Set(perUnit[start..<start + needle.count])
    }
    let me = await harness.server.authorID(forToken: token)
    #expect(authors(of: "- [ ] tag zamboni") == [me])
    #expect(authors(of: "x] verify stage").contains(colleague.authorID))
    #expect(authors(of: "] verify stage") == [me])
    #expect(authors(of: "- [ ] step 3") == [me])
    #expect(await harness.server.authorName(me) == "ddurst")
    await colleague.close()
  }

  /// Edits in several sections, a tick and a new line, go out batched: one USER_CHANGES per sync.
  @Test func editsAllOverTheNoteGoOutAsOneChangeset() async throws {
    let harness = try await SyncHarness()
    let token = RealtimePadConnection.Identity.makeToken()
    _ = try await Self.sync(harness, token: token)
    try harness.editFile("- [ ] tag zamboni", "- [x] tag zamboni")
    try harness.editFile("- [ ] tag fireplace\n", "")
    try harness.editFile("## Friday\n", "## Friday\n- [ ] rollback plan\n")
    try harness.editFile("- [ ] mail the list", "- [ ] mail the list and the wiki")
    let before = await harness.server.socketMessages.filter { $0 == "USER_CHANGES" }.count
    let (report, _) = try await Self.sync(harness, token: token)
    #expect(report.outcome == .synced)
    #expect(await harness.server.socketMessages.filter { $0 == "USER_CHANGES" }.count == before + 1)
    #expect(await harness.padText() == harness.file())
  }

  @Test func aColleagueTypingDuringTheWriteEndsUpInTheFileAndOnThePad() async throws {
    let harness = try await SyncHarness()
    let token = RealtimePadConnection.Identity.makeToken()
    _ = try await Self.sync(harness, token: token)
    try harness.editFile("- [ ] tag zamboni", "- [x] tag zamboni")
    await harness.server.colleagueTypesBeforeNextCommit(as: "a.colleague0000000") {
      $0.replacingOccurrences(of: "tag zamboni\n", with: "tag zamboni (done)\n")
        .replacingOccurrences(of: "- [ ] tag fireplace", with: "- [x] tag fireplace")
    }
    let (report, _) = try await Self.sync(harness, token: token)
    #expect(report.outcome == .synced)
    #expect(harness.file().contains("- [x] tag zamboni (done)\n"))
    #expect(harness.file().contains("- [x] tag fireplace\n"))
    #expect(await harness.padText() == harness.file())
    #expect(await harness.server.count("setText") == 0)
  }

  @Test func aSocketDroppedMidCommitLeavesExactlyOneCopy() async throws {
    let harness = try await SyncHarness()
    let token = RealtimePadConnection.Identity.makeToken()
    _ = try await Self.sync(harness, token: token)
    try harness.editFile("## Friday\n", "## Friday\n- [ ] rollback plan\n")
    await harness.server.dropConnectionAfterNextCommit()
    await #expect(throws: SyncError.self) { try await Self.sync(harness, token: token) }
    #expect(harness.file().contains("- [ ] rollback plan\n"))
    _ = try await Self.sync(harness, token: token)
    let pad = try #require(await harness.padText())
    #expect(pad.components(separatedBy: "rollback plan").count == 2)
    #expect(pad == harness.file())
  }

  /// A write whose answer was lost is found in the history by its author.
  ///
  /// The write lands rebased over a colleague's line added at the same place, its answer never
  /// comes, and then the colleague unticks the box pushnote ticked. The next sync finds the
  /// revision by its author (its text is not what was sent) and merges from it: the untick, made
  /// after the write, stands; neither line is lost or doubled.
  @Test func aRebasedWriteWhoseAnswerWasLostIsFoundByItsAuthor() async throws {
    let harness = try await SyncHarness()
    let token = RealtimePadConnection.Identity.makeToken()
    _ = try await Self.sync(harness, token: token)
    try harness.editFile("- [ ] mail the list\n", "- [x] mail the list\n- [ ] rollback plan\n")
    await harness.server.colleagueTypesBeforeNextCommit(as: "a.colleague0000000") {
      $0.replacingOccurrences(of: "- [ ] mail the list\n", with: "- [ ] mail the list\n- [ ] colleague line\n")
    }
    await harness.server.dropConnectionAfterNextCommit()
    await #expect(throws: SyncError.self) { try await Self.sync(harness, token: token) }
    let record = try #require(SyncStore(root: harness.folder.path, padID: harness.padID).loadState().writeRecord)
    #expect(record.author == (await harness.server.authorID(forToken: token)))
    let landed = try #require(await harness.padText())
    #expect(landed.contains("- [x] mail the list\n") && landed.contains("colleague line") && landed != record.text)
    let colleague = try await FakeBrowser(baseURL: harness.url, padID: harness.padID, name: "krupa")
    try await colleague.type { $0.replacingOccurrences(of: "- [x] mail the list", with: "- [ ] mail the list") }
    await colleague.close()
    let (report, _) = try await Self.sync(harness, token: token)
    #expect(report.outcome == .synced)
    let pad = try #require(await harness.padText())
    #expect(pad == harness.file())
    for line in ["- [ ] rollback plan\n", "- [ ] colleague line\n", "- [ ] mail the list\n"] {
      #expect(pad.components(separatedBy: line).count == 2, "\(line) lost or doubled in \(pad)")
    }
    #expect(SyncStore(root: harness.folder.path, padID: harness.padID).loadState().writeRecord == nil)
  }

  /// The repair of a socket write on the HTTP API (the next sync does not use the socket): the
  /// write is found by its text, as a setText write is, and a colleague's untick after it stands.
  @Test func aSocketWriteIsRepairedOverTheAPIWhenTheSocketIsNotUsed() async throws {
    let harness = try await SyncHarness()
    let token = RealtimePadConnection.Identity.makeToken()
    _ = try await Self.sync(harness, token: token)
    try harness.editFile("- [ ] mail the list\n", "- [x] mail the list\n- [ ] rollback plan\n")
    await harness.server.dropConnectionAfterNextCommit()
    await #expect(throws: SyncError.self) { try await Self.sync(harness, token: token) }
    #expect(SyncStore(root: harness.folder.path, padID: harness.padID).loadState().writeRecord?.author != nil)
    await harness.editPad("- [x] mail the list", "- [ ] mail the list")
    let report = try await harness.sync()
    #expect(report.outcome == .synced)
    let pad = try #require(await harness.padText())
    #expect(pad == harness.file())
    #expect(pad.contains("- [ ] mail the list\n") && pad.components(separatedBy: "- [ ] rollback plan\n").count == 2)
  }

  @Test func autoFallsBackToTheAPIWhenTheSocketIsRefused() async throws {
    let harness = try await SyncHarness()
    await harness.server.refuseSockets()
    let token = RealtimePadConnection.Identity.makeToken()
    let (_, notices) = try await Self.sync(harness, token: token, mode: .auto)
    #expect(notices.count == 1)
    #expect(notices.first?.contains("using the HTTP API") == true)
    #expect(await harness.padText() == harness.file())
    #expect(await harness.server.count("setText") == 1)
    try harness.editFile("## Friday\n", "## Friday\n- [ ] more\n")
    await #expect {
      _ = try await Self.sync(harness, token: token, mode: .realtime)
    } throws: { error in
      guard case SyncError.realtime(.socket(.handshakeRefused(400, _))) = error else { return false }
      return (error as? SyncError)?.exitStatus == .unavailable
    }
  }

  @Test(arguments: [
    ("badChangeset", RealtimeError.badChangeset(padID: "mkt-2026-12-01"), PushnoteCore.ExitStatus.unavailable),
    ("userdup", .duplicateAuthor(padID: "mkt-2026-12-01"), .temporaryFailure),
    ("deleted", .deleted(padID: "mkt-2026-12-01"), .unavailable),
    ("rejected", .disconnected(padID: "mkt-2026-12-01", reason: "rejected"), .unavailable),
    ("corruptPad", .disconnected(padID: "mkt-2026-12-01", reason: "corruptPad"), .unavailable),
  ])
  func aDisconnectReasonIsAClearErrorAndNothingIsLost(
    reason: String, error expected: RealtimeError, status: PushnoteCore.ExitStatus
  ) async throws {
    let harness = try await SyncHarness()
    let token = RealtimePadConnection.Identity.makeToken()
    _ = try await Self.sync(harness, token: token)
    let padBefore = await harness.padText()
    try harness.editFile("## Friday\n", "## Friday\n- [ ] local only so far\n")
    await harness.server.failNextCommit(with: reason)
    await #expect {
      _ = try await Self.sync(harness, token: token)
    } throws: { error in
      guard case SyncError.realtime(let realtime) = error else { return false }
      return realtime == expected && (error as? SyncError)?.exitStatus == status
    }
    #expect(harness.file().contains("- [ ] local only so far\n"))
    #expect(await harness.padText() == padBefore)
  }

  @Test func rateLimitedIsRetriedAfterAPause() async throws {
    let harness = try await SyncHarness()
    let token = RealtimePadConnection.Identity.makeToken()
    _ = try await Self.sync(harness, token: token)
    try harness.editFile("## Friday\n", "## Friday\n- [ ] paced\n")
    await harness.server.failNextCommit(with: "rateLimited")
    _ = try await Self.sync(harness, token: token)
    #expect(await harness.padText() == harness.file())
    #expect(harness.file().contains("- [ ] paced\n"))
  }

  /// Etherpad's default limit (10 messages a second per IP): other browsers behind the same IP
  /// spend the window right before pushnote's CLIENT_READY and again before its USER_CHANGES;
  /// each is sent again after a pause, the change rebased over a colleague's edit meanwhile.
  @Test func aRateLimitedMessageIsSentAgainAfterThePause() async throws {
    let harness = try await SyncHarness()
    let token = RealtimePadConnection.Identity.makeToken()
    _ = try await Self.sync(harness, token: token)
    await harness.server.limitSocketMessages(to: 10, per: 1)
    try harness.editFile("## Friday\n", "## Friday\n- [ ] paced\n")
    await harness.server.otherBrowsersSend(10, before: "CLIENT_READY")
    await harness.server.otherBrowsersSend(10, before: "USER_CHANGES")
    await harness.server.colleagueTypesBeforeNextCommit(as: "a.colleague0000000") {
      $0.replacingOccurrences(of: "- [ ] verify stage", with: "- [x] verify stage")
    }
    let messagesBefore = await harness.server.socketMessages.count
    let (report, _) = try await Self.sync(harness, token: token)
    #expect(report.outcome == .synced)
    #expect(await harness.server.rateLimitedMessages == 2)
    let messages = await harness.server.socketMessages.dropFirst(messagesBefore)
    #expect(messages == ["CLIENT_READY", "CLIENT_READY", "USER_CHANGES", "USER_CHANGES"])
    let pad = try #require(await harness.padText())
    #expect(pad == harness.file())
    #expect(pad.components(separatedBy: "- [ ] paced\n").count == 2)
    #expect(pad.contains("- [x] verify stage\n"))
  }

  /// A limit that does not end: a bounded number of tries, then exit 75, nothing lost; the next
  /// sync delivers the change once.
  @Test func aRateLimitThatLastsIsAClearErrorAfterBoundedTries() async throws {
    let harness = try await SyncHarness()
    let token = RealtimePadConnection.Identity.makeToken()
    _ = try await Self.sync(harness, token: token)
    let padBefore = await harness.padText()
    await harness.server.limitSocketMessages(to: 10, per: 1)
    try harness.editFile("## Friday\n", "## Friday\n- [ ] flooded\n")
    await harness.server.otherBrowsersSend(10, before: "USER_CHANGES", times: 100)
    let commitsBefore = await harness.server.socketMessages.filter { $0 == "USER_CHANGES" }.count
    await #expect {
      _ = try await Self.sync(harness, token: token, pauses: [0.05, 0.05, 0.05])
    } throws: { error in
      guard case SyncError.realtime(.rateLimited(let padID)) = error else { return false }
      return padID == harness.padID && (error as? SyncError)?.exitStatus == .temporaryFailure
        && "\(error)".contains("nothing was lost")
    }
    // One send and one after each of the three pauses.
    #expect(await harness.server.socketMessages.filter { $0 == "USER_CHANGES" }.count - commitsBefore == 4)
    #expect(await harness.padText() == padBefore)
    #expect(harness.file().contains("- [ ] flooded\n"))
    await harness.server.otherBrowsersSend(0, before: "USER_CHANGES", times: 0)
    _ = try await Self.sync(harness, token: token)
    let pad = try #require(await harness.padText())
    #expect(pad == harness.file())
    #expect(pad.components(separatedBy: "- [ ] flooded\n").count == 2)
  }

  @Test func theAuthorTokenIsKeptPrivatelyOutsideTheNotebook() throws {
    let folder = try TemporaryDirectory(prefix: "pushnote-author")
    let cache = PadTokenCache(directory: folder.appending("cache"))
    let first = RealtimePadTransport.identity(server: "https://pad.example.org", cache: cache, name: "ddurst")
    let second = RealtimePadTransport.identity(server: "https://pad.example.org", cache: cache, name: "ddurst")
    #expect(first.token == second.token)
    #expect(first.token.hasPrefix("t.") && first.token.count == 22)
    let files = try FileManager.default.contentsOfDirectory(atPath: folder.appending("cache"))
    #expect(files.count == 1)
    let attributes = try FileManager.default.attributesOfItem(atPath: folder.appending("cache/\(files[0])"))
    #expect((attributes[.posixPermissions] as? Int) == 0o600)
    #expect(RealtimePadTransport.identity(server: "https://other.example.org", cache: cache, name: nil).token != first.token)
  }
}

/// `pad.transport` in pushnote.yml.
@Suite struct PadTransportConfigTests {
  @Test func theTransportIsAutoUnlessTheNotebookSaysOtherwise() throws {
    #expect(try NotebookConfig(yaml: "pad: {url: https://pad.example.org}\n", path: "pushnote.yml").pad.transport == .auto)
    for mode in ["auto", "realtime", "api"] {
      let config = try NotebookConfig(yaml: "pad:\n  transport: \(mode)\n", path: "pushnote.yml")
      #expect(config.pad.transport.rawValue == mode)
    }
  }

  @Test func anUnknownTransportNamesTheFileAndLine() {
    #expect {
      _ = try NotebookConfig(yaml: "pad:\n  transport: websocket\n", path: "pushnote.yml")
    } throws: { error in
      let text = "\(error)"
      return text.contains("pushnote.yml:2") && text.contains("auto, realtime or api")
    }
  }
}
