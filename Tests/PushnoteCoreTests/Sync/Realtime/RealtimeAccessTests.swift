import Foundation
import PushnoteTestSupport
import Testing

@testable import PushnoteCore

/// Access to a pad's socket as the real server checks it: group pads with an HTTP API session,
/// read-only access, and what pushnote does about each.
@Suite struct RealtimeAccessTests {
  /// One sync of the harness's note over the socket, in a notebook whose pads are in `group`.
  static func sync(
    _ harness: SyncHarness, group: NotebookConfig.PadConfig.Group?, token: String, cache: PadTokenCache,
    mode: NotebookConfig.PadConfig.Transport = .realtime, basic: (user: String, password: String)? = nil
  ) async throws -> (report: SyncReport, notices: [String]) {
    var config = harness.notebook.config
    config.pad.group = group
    let notebook = Notebook(root: harness.folder.path, config: config)
    let client = try harness.client(tokenCache: cache)
    var engine = SyncEngine(notebook: notebook, notePath: harness.notePath, client: client)
    let transport = RealtimePadTransport(
      server: try #require(URL(string: harness.url)), mode: mode, identity: .init(token: token, name: "ddurst"), basic: basic,
      api: client)
    engine.realtime = transport
    defer { transport.close() }
    let report = try await engine.run()
    return (report, transport.notices)
  }

  @Test func aGroupPadIsWrittenOverTheSocketWithASessionOfItsGroup() async throws {
    let harness = try await SyncHarness()
    let cache = PadTokenCache(directory: harness.folder.appending("../\(UUID().uuidString)-cache"))
    let token = RealtimePadConnection.Identity.makeToken()
    let (first, _) = try await Self.sync(harness, group: .mapper("release-team"), token: token, cache: cache)
    #expect(first.outcome == .synced)
    let group = try #require(await harness.server.group(forMapper: "release-team"))
    let padID = group + "$" + harness.padID
    #expect(await harness.server.pads[padID]?.text == harness.file())
    #expect(await harness.server.pads[harness.padID] == nil)
    #expect(await harness.server.count("createGroupPad") == 1)
    #expect(await harness.server.count("createPad") == 0)
    #expect(await harness.server.count("setText") == 0)
    // The text is the session's author's, the one the author mapper names.
    let author = try #require(await harness.server.author(forMapper: EtherpadClient.authorMapper(token: token)))
    // (The pad's own first newline, which the changeset kept, has none.)
    let authors = try await harness.server.authors(of: padID)
    let units = Array(harness.file().utf16)
    #expect(authors.count == units.count && authors.filter { $0 == nil }.count == 1)
    #expect(zip(units, authors).allSatisfy { unit, who in who == author || (who == nil && unit == 0x0A) })
    #expect(await harness.server.authorName(author) == "ddurst")
    #expect(!EtherpadClient.authorMapper(token: token).contains(token.dropFirst(2)))

    try harness.editFile("## Friday\n", "## Friday\n- [ ] rollback plan\n")
    let (second, _) = try await Self.sync(harness, group: .mapper("release-team"), token: token, cache: cache)
    #expect(second.outcome == .synced)
    #expect(await harness.server.pads[padID]?.text == harness.file())
    // The group id and the session are cached (0600, outside the notebook): made once.
    #expect(await harness.server.count("createGroupIfNotExistsFor") == 1)
    #expect(await harness.server.count("createSession") == 1)
    let (third, _) = try await Self.sync(harness, group: .mapper("release-team"), token: token, cache: cache)
    #expect(third.outcome == .unchanged && third.requests == 1)
    #expect(try await harness.isClean())
  }

  @Test func aGroupNamedByItsIDNeedsNoMapper() async throws {
    let harness = try await SyncHarness()
    let cache = PadTokenCache(directory: harness.folder.appending("../\(UUID().uuidString)-cache"))
    let (group, _, _) = await harness.server.makeSession(
      group: "ops", author: "someone", validUntil: Int(Date().timeIntervalSince1970) + 60)
    let (report, _) = try await Self.sync(
      harness, group: .id(group), token: RealtimePadConnection.Identity.makeToken(), cache: cache)
    #expect(report.outcome == .synced)
    #expect(await harness.server.pads[group + "$" + harness.padID]?.text == harness.file())
    #expect(await harness.server.count("createGroupIfNotExistsFor") == 0)
  }

  /// On the HTTP API a group pad is just its id: created with createGroupPad, written with setText.
  @Test func aGroupPadSyncsOverTheAPITooWithoutASession() async throws {
    let harness = try await SyncHarness()
    var config = harness.notebook.config
    config.pad.group = .mapper("release-team")
    let engine = SyncEngine(
      notebook: Notebook(root: harness.folder.path, config: config), notePath: harness.notePath, client: try harness.client())
    #expect(try await engine.run().outcome == .synced)
    let group = try #require(await harness.server.group(forMapper: "release-team"))
    #expect(await harness.server.pads[group + "$" + harness.padID]?.text == harness.file())
    #expect(await harness.server.count("createSession") == 0)
    #expect(await harness.server.count("setText") == 1)
  }

  /// A cached session that expired on the server (or that it forgot) is denied: pushnote makes
  /// a new one once and goes on.
  @Test(arguments: [true, false])
  func aDeniedCachedSessionIsReplacedOnce(expire: Bool) async throws {
    let harness = try await SyncHarness()
    let cache = PadTokenCache(directory: harness.folder.appending("../\(UUID().uuidString)-cache"))
    let token = RealtimePadConnection.Identity.makeToken()
    _ = try await Self.sync(harness, group: .mapper("release-team"), token: token, cache: cache)
    if expire { await harness.server.letSessionsExpire() } else { await harness.server.forgetSessions() }
    try harness.editFile("## Friday\n", "## Friday\n- [ ] after the session\n")
    let (report, _) = try await Self.sync(harness, group: .mapper("release-team"), token: token, cache: cache)
    #expect(report.outcome == .synced)
    #expect(await harness.server.count("createSession") == 2)
    let group = try #require(await harness.server.group(forMapper: "release-team"))
    #expect(await harness.server.pads[group + "$" + harness.padID]?.text == harness.file())
  }

  /// `accessStatus: deny` (here: requireAuthentication and no credentials given) stops the sync
  /// with exit 77 in both modes, the pad untouched and the file's edit kept.
  @Test(arguments: [NotebookConfig.PadConfig.Transport.auto, .realtime])
  func aDeniedSocketIsExit77AndNothingIsWritten(mode: NotebookConfig.PadConfig.Transport) async throws {
    let harness = try await SyncHarness()
    try await harness.establish()
    await harness.server.requireAuthentication(user: "qa", password: "pw")
    let cache = PadTokenCache(directory: harness.folder.appending("../\(UUID().uuidString)-cache"))
    try harness.editFile("## Friday\n", "## Friday\n- [ ] denied so far\n")
    let padBefore = await harness.padText()
    await #expect {
      _ = try await Self.sync(harness, group: nil, token: RealtimePadConnection.Identity.makeToken(), cache: cache, mode: mode)
    } throws: { error in
      guard case SyncError.realtime(.accessDenied(let padID)) = error else { return false }
      return padID == harness.padID && (error as? SyncError)?.exitStatus == .permission
    }
    #expect(await harness.padText() == padBefore)
    #expect(harness.file().contains("- [ ] denied so far\n"))
  }

  /// A basic user with read-only access: `auto` falls back to the HTTP API with one notice,
  /// `realtime` stops with a clear error and writes nothing.
  @Test func aReadOnlyPadFallsBackToTheAPIInAutoAndStopsInRealtime() async throws {
    let harness = try await SyncHarness()
    try await harness.establish()
    await harness.server.requireAuthentication(user: "qa", password: "pw", readOnly: true)
    let cache = PadTokenCache(directory: harness.folder.appending("../\(UUID().uuidString)-cache"))
    let token = RealtimePadConnection.Identity.makeToken()
    try harness.editFile("## Friday\n", "## Friday\n- [ ] read-only pad\n")
    let padBefore = await harness.padText()
    let setTexts = await harness.server.count("setText")
    await #expect {
      _ = try await Self.sync(harness, group: nil, token: token, cache: cache, basic: ("qa", "pw"))
    } throws: { error in
      guard case SyncError.realtime(.readOnly(let padID)) = error else { return false }
      return padID == harness.padID && (error as? SyncError)?.exitStatus == .unavailable
    }
    #expect(await harness.padText() == padBefore)
    #expect(harness.file().contains("- [ ] read-only pad\n"))
    let (report, notices) = try await Self.sync(harness, group: nil, token: token, cache: cache, mode: .auto, basic: ("qa", "pw"))
    #expect(report.outcome == .synced)
    #expect(notices.count == 1 && notices[0].contains("read-only") && notices[0].contains("using the HTTP API"))
    #expect(!notices[0].contains("\n"))
    #expect(await harness.padText() == harness.file())
    #expect(await harness.server.count("setText") == setTexts + 1)
    #expect(!(await harness.server.socketMessages.contains("USER_CHANGES")))
  }
}

/// The fake server's checks of a group pad's socket, as `SecurityManager.checkAccess` makes them.
@Suite struct GroupPadAccessTests {
  static let text = "group notes\n"

  /// A server with a group pad of group `ops` and sessions: of `ops` (valid and expired) and of
  /// another group.
  static func server() async throws -> (fake: FakeEtherpad, base: String, padID: String, sessions: [String: String]) {
    let fake = FakeEtherpad()
    let base = try await fake.start()
    let now = Int(Date().timeIntervalSince1970)
    let (group, author, valid) = await fake.makeSession(group: "ops", author: "rm", validUntil: now + 600)
    let (_, _, expired) = await fake.makeSession(group: "ops", author: "rm", validUntil: now - 1)
    let (_, _, other) = await fake.makeSession(group: "qa", author: "rm", validUntil: now + 600)
    let padID = group + "$notes"
    await fake.seed(padID, Self.text)
    return (fake, base, padID, ["valid": valid, "expired": expired, "other": other, "author": author])
  }

  @Test(arguments: [
    ("", "no session"), ("expired", "an expired session"), ("other", "a session of another group"),
    ("s.00000000000000000000000000000000", "an unknown session"),
  ])
  func aGroupPadWithoutAValidSessionIsDenied(session: String, what: String) async throws {
    let (fake, base, padID, sessions) = try await Self.server()
    let cookies = session.isEmpty ? [:] : ["sessionID": sessions[session] ?? session]
    await #expect(throws: RealtimeError.accessDenied(padID: padID), "\(what)") {
      _ = try await FakeBrowser(baseURL: base, padID: padID, name: "x", cookies: cookies)
    }
    await fake.stop()
  }

  /// Several session ids (comma-separated, quoted): the first valid one of the pad's group
  /// counts, and its author writes, whatever the token.
  @Test func theFirstValidSessionOfThePadsGroupGivesTheAuthor() async throws {
    let (fake, base, padID, sessions) = try await Self.server()
    let list = "\"\(sessions["other"]!),\(sessions["expired"]!),\(sessions["valid"]!)\""
    let browser = try await FakeBrowser(baseURL: base, padID: padID, name: "rm", cookies: ["sessionID": list])
    #expect(browser.authorID == sessions["author"])
    try await browser.type { $0 + "written\n" }
    #expect(await fake.pads[padID]?.text == Self.text + "written\n")
    await browser.close()
    await fake.stop()
  }

  /// checkAccess runs on every message: a session that ends while connected denies the next one.
  @Test func aSessionThatEndsWhileConnectedDeniesTheNextCommit() async throws {
    let (fake, base, padID, sessions) = try await Self.server()
    let browser = try await FakeBrowser(baseURL: base, padID: padID, name: "rm", cookies: ["sessionID": sessions["valid"]!])
    await fake.letSessionsExpire()
    await #expect(throws: RealtimeError.accessDenied(padID: padID)) { try await browser.type { $0 + "late\n" } }
    #expect(await fake.pads[padID]?.text == Self.text)
    await browser.close()
    await fake.stop()
  }

  @Test func theHTTPAPIMakesGroupPadsAndSessionsAsTheRealServer() async throws {
    let fake = FakeEtherpad()
    let base = try await fake.start()
    let client = try EtherpadClient(server: base, credentials: .apiKey("test-key"))
    let group = try await client.groupID(mapper: "team")
    #expect(EtherpadClient.isGroupID(group))
    #expect(try await client.groupID(mapper: "team") == group)
    try await client.createPad("\(group)$pad")
    #expect(await fake.count("createGroupPad") == 1)
    #expect(await fake.count("createPad") == 0)
    #expect(try await Self.api(base, "createPad", ["padID": "\(group)$other"]).contains("createPad can't create group pads"))
    let unknownAuthor = ["groupID": group, "authorID": "a.nobody", "validUntil": "9999999999"]
    #expect(try await Self.api(base, "createSession", unknownAuthor).contains("authorID does not exist"))
    let session = try await client.session(group: group, authorMapper: "m", name: "rm")
    #expect(session.hasPrefix("s.") && session.count == 34)
    let authorID = await fake.author(forMapper: "m") ?? ""
    let past = ["groupID": group, "authorID": authorID, "validUntil": "1000"]
    #expect(try await Self.api(base, "createSession", past).contains("validUntil is in the past"))
    #expect(try await client.text("\(group)$pad") == "\n")
    await fake.stop()
  }
}

extension GroupPadAccessTests {
  /// The answer's body of an API call to the fake, form-encoded as a client sends it.
  static func api(_ base: String, _ function: String, _ fields: [String: String]) async throws -> String {
    var request = HTTPTransport.Request(url: try #require(URL(string: "\(base)/api/1.3.1/\(function)")), method: "POST")
    request.setValue("application/x-www-form-urlencoded; charset=utf-8", forHTTPHeaderField: "Content-Type")
    request.body = Data(EtherpadClient.formEncode(fields.merging(["apikey": "test-key"]) { $1 }).utf8)
    return String(decoding: try await HTTPTransport(timeout: 30).send(request).body, as: UTF8.self)
  }
}

/// `pad.group` and `pad.group_mapper` in pushnote.yml.
@Suite struct PadGroupConfigTests {
  @Test func aGroupIsNamedByItsIDOrAMapper() throws {
    let byID = try NotebookConfig(yaml: "pad:\n  group: g.AbCdEfGh12345678\n", path: "pushnote.yml")
    #expect(byID.pad.group == .id("g.AbCdEfGh12345678"))
    let byMapper = try NotebookConfig(yaml: "pad:\n  group_mapper: release team\n", path: "pushnote.yml")
    #expect(byMapper.pad.group == .mapper("release team"))
    #expect(try NotebookConfig(yaml: "pad: {}\n", path: "pushnote.yml").pad.group == nil)
  }

  @Test(arguments: [
    ("pad:\n  group: g.short\n", "pushnote.yml:2", "a group id is 'g.' and 16 letters or digits"),
    ("pad:\n  group: mkt$x\n", "pushnote.yml:2", "a group id is"),
    ("pad:\n  group: g.AbCdEfGh12345678\n  group_mapper: team\n", "pushnote.yml:3", "name the group twice"),
    ("pad:\n  group_mapper: ''\n", "pushnote.yml:2", "pad.group_mapper is empty"),
  ])
  func aBadGroupNamesTheFileAndLine(yaml: String, place: String, words: String) {
    #expect {
      _ = try NotebookConfig(yaml: yaml, path: "pushnote.yml")
    } throws: { error in
      "\(error)".contains(place) && "\(error)".contains(words)
    }
  }
}
