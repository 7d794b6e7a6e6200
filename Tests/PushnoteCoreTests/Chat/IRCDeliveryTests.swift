import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

/// Chat to a real ngIRCd on 127.0.0.1 (TLS with a certificate the test trusts), read back by a
/// second client in the channel.
///
/// Serialized: each test starts a server of its own, and the machine is shared with the suites
/// whose in-process servers must start within seconds.
@Suite(.serialized) struct IRCDeliveryTests {
  /// A notebook in a temporary folder whose chat goes to `destinations`.
  static func notifier(_ destinations: [ChatDestination], environment: [String: String] = [:]) throws -> (TemporaryDirectory, ChatNotifier)
  {
    let folder = try TemporaryDirectory(prefix: "pushnote-chat")
    var config = NotebookConfig()
    config.product = "Acme"
    config.timeZone = try #require(TimeZone(identifier: "UTC"))
    config.rotation = ["cvan", "ddurst"]
    config.pad.url = "https://pad.example.org"
    config.chat = ChatConfig(destinations: destinations)
    var notifier = ChatNotifier(
      notebook: Notebook(root: folder.path, config: config), environment: environment, timeouts: ChatTimeouts(connect: 5, read: 30))
    notifier.flood = FloodControl(burst: 20, interval: 0.05)
    notifier.templates = Templates(searchPath: [Fixtures.path("templates")])
    return (folder, notifier)
  }

  static let note = """
    # Acme push 2026-12-01

    - Release manager: cvan
    - Tag: 2026.12.01

    ## Timeline

    - 11:02 start
    - 12:07 end

    """

  /// The fixture itself: a port another server holds is seen in ngIRCd's log, not taken for
  /// ngIRCd's because something answers there (that once sent a test's client to another server).
  @Test func aServerWhosePortIsTakenSaysSo() async throws {
    let other = try LoopbackPeer(timeout: 30) { _ in }
    let error = await #expect(throws: IRCTestError.self) { _ = try await IRCTestServer(port: other.port) }
    #expect(error?.description.contains("Can't bind socket to address 127.0.0.1:\(other.port)") == true, "\(String(describing: error))")
    withExtendedLifetime(other) {}
  }

  @Test func postsEachEventToTheChannelOverTLS() async throws {
    let server = try await IRCTestServer()
    let listener = try await IRCListener.join(port: server.port, channels: ["#push"])
    let (folder, notifier) = try Self.notifier([ChatDestination(.irc(server.address()))])
    let notePath = folder.appending("mkt-2026-12-01.md")
    try Self.note.write(toFile: notePath, atomically: true, encoding: .utf8)
    let parsed = try ParsedNote.read(path: notePath, config: notifier.notebook.config)
    let stage = try JSONDecoder().decode(
      StageReport.self,
      from: Data(
        """
        {"note": "mkt-2026-12-01.md", "jenkins": "http://jenkins", "dry_run": false, "checklist_item_ticked": false, "commits": 2, "jobs": [
          {"name": "deploy-api", "repository": "acme/api", "tag": "2026.12.01", "trigger": "", "status": "deployed", "result": "SUCCESS", "duration_seconds": 125},
          {"name": "deploy-web", "repository": "acme/web", "tag": "2026.12.01", "trigger": "", "status": "failed", "result": "FAILURE",
           "console_tail": ["npm ERR! code ELIFECYCLE", "Error: migration 0042 failed", ""]}]}
        """.utf8))
    var events = [ChatEvent.reminder(tag: "2026.12.01", minutes: 10, notePath: notePath)]
    events += ChatEvent.staged(stage, notePath: notePath)
    events += ["start", "end"].compactMap {
      ChatEvent.timeline($0, note: parsed.note, notePath: notePath, zone: notifier.notebook.config.timeZone)
    }
    events.append(ChatEvent.say("hello from the test"))
    let report = await notifier.post(events)
    #expect(report.failure == nil, "\(report.warnings)")
    #expect(report.delivered.count == 6)
    #expect(report.queued.isEmpty)
    try await listener.waitForQuit(of: "pushnote")
    let texts = listener.texts(in: "#push")
    #expect(
      texts == [
        "Acme: tagging 2026.12.01 in 10 minutes. Land or hold your half-finished patches now.",
        "Acme stage: deploy-api 2026.12.01 deployed in 2m 05s (job 1 of 2).",
        "Acme stage: deploy-web 2026.12.01 FAILED (FAILURE), job 2 of 2. Last console line: Error: migration 0042 failed",
        "Acme: the push of 2026-12-01 has started (11:02 GMT); cvan is pushing.",
        "Acme: the push of 2026-12-01 is done in 1h 05m.",
        "hello from the test",
      ])
    // The same events again (a re-run) post nothing.
    let again = await notifier.post(events.filter { $0.kind != .say })
    #expect(again.delivered.isEmpty && again.queued.isEmpty)
  }

  @Test func setsTheTopicWhereItMayAndWarnsWhereItMayNot() async throws {
    let server = try await IRCTestServer()
    let listener = try await IRCListener.join(port: server.port, channels: ["#push", "#locked"])
    let (folder, notifier) = try Self.notifier([
      ChatDestination(.irc(server.address(channel: "#push"))), ChatDestination(.irc(server.address(channel: "#locked", nick: "pushbot"))),
    ])
    let date = try #require(PushDate("2099-12-01"))
    let events = ChatEvent.newWeek(notePath: folder.appending("2099/mkt-2099-12-01.md"), date: date, notebook: notifier.notebook)
    #expect(events.map(\.kind) == [.topic, .handover])
    let report = await notifier.post(events)
    #expect(report.queued.isEmpty, "\(report.warnings)")
    try await listener.waitForQuit(of: "pushbot")
    try await listener.waitForQuit(of: "pushnote")
    let topics = listener.messages.filter { $0.command == "TOPIC" }
    #expect(topics.map { $0.parameters } == [["#push", "Acme push 2099-12-01: https://pad.example.org/p/mkt-2099-12-01"]])
    #expect(report.warnings.contains { $0.contains("#locked") && $0.contains("482") && $0.contains("not a channel operator") })
    let nick = try #require(Rotation(config: notifier.notebook.config).releaseManager(for: date))
    #expect(listener.texts(in: "#push").contains { $0.hasPrefix("\(nick): you are the release manager for the Acme push of 2099-12-01") })
  }

  @Test func aThousandCharacterMessageArrivesInLinesWithinTheLimit() async throws {
    let server = try await IRCTestServer()
    let listener = try await IRCListener.join(port: server.port, channels: ["#push"])
    let (_, notifier) = try Self.notifier([ChatDestination(.irc(server.address()))])
    let words = (0..<120).map { ["déploiement", "日本語", "🚀", "push", "migration"][$0 % 5] + "\($0)" }
    var text = ""
    for word in words where text.count + word.count < 1000 { text += (text.isEmpty ? "" : " ") + word }
    text += String(repeating: "x", count: 1000 - text.count)
    #expect(text.count == 1000)
    let report = await notifier.post([ChatEvent.say(text)])
    #expect(report.delivered.count == 1, "\(report.warnings)")
    try await listener.waitForQuit(of: "pushnote")
    let relayed = listener.lines.filter { String(decoding: $0, as: UTF8.self).contains(" PRIVMSG #push :") }
    #expect(relayed.count >= 3)
    for line in relayed { #expect(line.count + 2 <= 512) }
    let pieces = listener.texts(in: "#push")
    #expect(pieces.joined(separator: " ") == text)
    #expect(pieces.dropLast().allSatisfy { $0.utf8.count > 350 })  // the lines are filled, not cut early
  }

  @Test func noteTextCannotInjectCommands() async throws {
    let server = try await IRCTestServer()
    let listener = try await IRCListener.join(port: server.port, channels: ["#push", "#other"])
    let (folder, notifier) = try Self.notifier([ChatDestination(.irc(server.address()))])
    let notePath = folder.appending("mkt-2026-12-01.md")
    try "# Acme push 2026-12-01\n\n- Release manager: x\u{01}ACTION\u{01}\n".write(toFile: notePath, atomically: true, encoding: .utf8)
    let hostile = ChatEvent(
      kind: .stage, id: "stage:hostile", template: "stage.txt",
      fields: ["job": "x\r\nQUIT", "tag": "t\0NICK evil", "result": "FAILURE", "failed": "true", "last_line": "\r\nPRIVMSG #other :pwned"],
      notePath: notePath)
    let report = await notifier.post([
      hostile, ChatEvent.say("x\r\nQUIT"), ChatEvent.say("\r\nPRIVMSG #other :pwned"), ChatEvent.say("nul\0JOIN #other"),
      ChatEvent.say("\u{01}ACTION dances\u{01}"), ChatEvent.say("still here"),
    ])
    #expect(report.delivered.count == 6, "\(report.warnings)")
    try await listener.waitForQuit(of: "pushnote")
    let texts = listener.texts(in: "#push")
    #expect(texts.last == "still here")
    #expect(texts.contains("Acme stage: x QUIT t NICK evil FAILED (FAILURE). Last console line: PRIVMSG #other :pwned"))
    #expect(texts.contains("QUIT") && texts.contains("PRIVMSG #other :pwned") && texts.contains("nul JOIN #other"))
    #expect(texts.contains("ACTION dances"))
    for text in texts { #expect(!text.unicodeScalars.contains { $0 == "\r" || $0 == "\n" || $0 == "\0" || $0 == "\u{01}" }) }
    let elsewhere = listener.messages.filter { $0.parameters.first == "#other" || $0.command == "NICK" }
    #expect(elsewhere.isEmpty)
    // The bot left only at the end: its PART comes after its last message.
    let commands = listener.messages.filter { $0.nick == "pushnote" }.map(\.command)
    #expect(commands.last == "PART" && commands.filter { $0 == "PART" || $0 == "QUIT" }.count == 1)
  }

  @Test func aMessageQueuedWhileTheServerIsDownIsDeliveredOnceLater() async throws {
    let port = try IRCTestServer.freePort()
    let tlsPort = try IRCTestServer.freePort()
    let address = IRCAddress(host: "127.0.0.1", port: tlsPort, tls: true, channel: "#push", nick: "pushnote")
    let (folder, notifier) = try Self.notifier([ChatDestination(.irc(address))])
    let event = ChatEvent.say("the push is done", id: "done-1")
    let offline = await notifier.post([event])
    #expect(offline.delivered.isEmpty)
    #expect(offline.queued.map(\.text) == ["the push is done"])
    #expect(offline.warnings.contains { $0.contains("cannot reach the server") && $0.contains("queued") })
    #expect(try ChatNotifier.queued(in: notifier.notebook).count == 1)
    #expect(try ChatNotifier.queued(in: notifier.notebook).first?.attempts == 1)
    // The same event again while down: still one in the queue.
    _ = await notifier.post([event])
    #expect(try ChatNotifier.queued(in: notifier.notebook).count == 1)

    let server = try await IRCTestServer(port: port, tlsPort: tlsPort)
    let listener = try await IRCListener.join(port: server.port, channels: ["#push"])
    var online = notifier
    var trusted = address
    trusted.caFile = server.caFile
    var config = online.notebook.config
    config.chat = ChatConfig(destinations: [ChatDestination(.irc(trusted))])
    online = ChatNotifier(notebook: Notebook(root: folder.path, config: config), environment: [:], timeouts: notifier.timeouts)
    online.templates = notifier.templates
    // The destination's name does not hold the CA file, so the queued entry is still its own.
    #expect(ChatDestination(.irc(trusted)).description == ChatDestination(.irc(address)).description)
    let flushed = await online.flush()
    #expect(flushed.delivered.map(\.text) == ["the push is done"], "\(flushed.warnings)")
    #expect(flushed.queued.isEmpty)
    let nothing = await online.flush()
    #expect(nothing.delivered.isEmpty)
    let rerun = await online.post([event])
    #expect(rerun.delivered.isEmpty && rerun.queued.isEmpty)
    try await listener.waitForQuit(of: "pushnote")
    try await Task.sleep(for: .milliseconds(300))
    #expect(listener.texts(in: "#push") == ["the push is done"])
  }

  @Test func aTakenNickIsRetriedWithAnUnderscore() async throws {
    let server = try await IRCTestServer()
    let listener = try await IRCListener.join(port: server.port, nick: "pushnote", channels: ["#push"])
    let (_, notifier) = try Self.notifier([ChatDestination(.irc(server.address()))])
    let report = await notifier.post([ChatEvent.say("from the second nick")])
    #expect(report.delivered.count == 1, "\(report.warnings)")
    try await listener.waitForQuit(of: "pushnote_")
    let message = listener.messages.first { $0.command == "PRIVMSG" }
    #expect(message?.nick == "pushnote_")
    #expect(message?.trailing == "from the second nick")
  }

  @Test func anUntrustedCertificateIsRefusedAndTheMessageKept() async throws {
    let server = try await IRCTestServer()
    var address = server.address()
    address.caFile = nil
    let (_, notifier) = try Self.notifier([ChatDestination(.irc(address))])
    let report = await notifier.post([ChatEvent.say("secret plans")])
    #expect(report.delivered.isEmpty)
    #expect(report.queued.count == 1)
    guard case .refused(_, let reason) = report.failure else {
      Issue.record("expected a refusal, got \(String(describing: report.failure))")
      return
    }
    #expect(reason.contains("TLS") && reason.contains("certificate"))
  }

  @Test func joinsAKeyedChannelWithItsKey() async throws {
    let server = try await IRCTestServer()
    let listener = try await IRCListener.join(port: server.port, channels: ["#keyed sesame"])
    var address = server.address(channel: "#keyed")
    address.key = "sesame"
    let (_, notifier) = try Self.notifier([ChatDestination(.irc(address))])
    let report = await notifier.post([ChatEvent.say("behind the key")])
    #expect(report.delivered.count == 1, "\(report.warnings)")
    try await listener.waitForQuit(of: "pushnote")
    #expect(listener.texts(in: "#keyed") == ["behind the key"])
    var wrong = address
    wrong.key = "wrong"
    let (_, refused) = try Self.notifier([ChatDestination(.irc(wrong))])
    let failed = await refused.post([ChatEvent.say("not let in")])
    guard case .refused(_, let reason) = failed.failure else {
      Issue.record("expected a refusal, got \(String(describing: failed.failure))")
      return
    }
    #expect(reason.contains("475"))
  }
}
