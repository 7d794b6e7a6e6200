import Foundation
import PushnoteCore
import PushnoteTestSupport
import Synchronization
import Testing

@Suite struct ChatQueueTests {
  /// Ports held closed for the rest of the run, so that no other test's server is handed one.
  static let held = Mutex<[ClosedLoopbackPort]>([])

  /// A destination nothing listens on: every message is queued.
  static func down() throws -> ChatDestination {
    let closed = try ClosedLoopbackPort()
    held.withLock { $0.append(closed) }
    return ChatDestination(.irc(IRCAddress(host: "127.0.0.1", port: closed.port, tls: false, channel: "#push", nick: "pushnote")))
  }

  @Test func theQueueIsKeptInOrderOutOfGitAndShownToStatus() async throws {
    let (folder, notifier) = try IRCDeliveryTests.notifier([try Self.down()])
    let git = Git(directory: folder.path)
    try await git.run(["init", "--quiet"])
    _ = await notifier.post([ChatEvent.say("first", id: "1")])
    _ = await notifier.post([ChatEvent.say("second", id: "2"), ChatEvent.say("first again", id: "1")])
    let queued = try ChatNotifier.queued(in: notifier.notebook)
    #expect(queued.map(\.text) == ["first", "second"])
    #expect(queued.map(\.attempts) == [2, 1])
    #expect(queued.allSatisfy { $0.lastError?.contains("cannot reach") == true })
    let status = try await git.run(["status", "--porcelain", "--untracked-files=all"])
    #expect(status.isEmpty, "\(status)")
  }

  /// Within one command a destination that just failed is not tried again (a server that drops
  /// packets would cost a whole connect timeout each time): even once it is up, a post that skips
  /// it leaves everything queued, attempts unchanged; the next post that tries it delivers both.
  @Test func aDestinationThatJustFailedIsSkippedAndItsMessagesKept() async throws {
    // Held closed while the server is down, so that no other test's server is handed the port.
    var closed: ClosedLoopbackPort? = try ClosedLoopbackPort()
    let port = try #require(closed).port
    let address = IRCAddress(host: "127.0.0.1", port: port, tls: false, channel: "#push", nick: "pushnote")
    let (_, notifier) = try IRCDeliveryTests.notifier([ChatDestination(.irc(address))])
    let first = await notifier.post([ChatEvent.say("first", id: "1")])
    let failed = try #require(first.failedDestinations["irc \(address)"])
    closed = nil
    let server = try await IRCTestServer(port: port, tlsPort: try IRCTestServer.freePort())
    let listener = try await IRCListener.join(port: server.port, channels: ["#push"])
    let skipped = await notifier.post([ChatEvent.say("second", id: "2")], skipping: ["irc \(address)": failed])
    #expect(skipped.delivered.isEmpty)
    #expect(skipped.undelivered.count == 1 && skipped.undelivered[0].contains("2 messages queued"), "\(skipped.warnings)")
    #expect(try ChatNotifier.queued(in: notifier.notebook).map(\.attempts) == [1, 0])
    let tried = await notifier.flush()
    #expect(tried.delivered.map(\.text) == ["first", "second"] && tried.failedDestinations.isEmpty)
    try await listener.waitForQuit(of: "pushnote")
    #expect(listener.texts(in: "#push") == ["first", "second"])
  }

  @Test func aDamagedQueueIsAnErrorAndIsNeverOverwritten() async throws {
    let (folder, notifier) = try IRCDeliveryTests.notifier([try Self.down()])
    _ = await notifier.post([ChatEvent.say("first")])
    let path = folder.appending(".pushnote/chat/queue.json")
    try "{ not json".write(toFile: path, atomically: true, encoding: .utf8)
    let report = await notifier.post([ChatEvent.say("second")])
    guard case .queue(let where_, _) = report.failure else {
      Issue.record("expected a queue error, got \(String(describing: report.failure))")
      return
    }
    #expect(where_ == path)
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "{ not json")
    #expect(throws: ChatError.self) { try ChatNotifier.queued(in: notifier.notebook) }
  }

  @Test func eventsADestinationTurnedOffAreNotQueuedForIt() async throws {
    var quiet = try Self.down()
    quiet.off = [.say]
    let (_, notifier) = try IRCDeliveryTests.notifier([quiet])
    let report = await notifier.post([ChatEvent.say("muted")])
    #expect(report.queued.isEmpty && report.delivered.isEmpty && report.failure == nil)
  }

  @Test func theHandOverAfterTheMailIsTheOneNewPostsSoItGoesOutOnce() throws {
    let (folder, notifier) = try IRCDeliveryTests.notifier([try Self.down()])
    var note = Note()
    note.date = PushDate("2099-12-01")
    let afterMail = try #require(ChatEvent.handover(after: note, notebook: notifier.notebook))
    let next = try #require(PushDate("2099-12-08"))
    let fromNew = ChatEvent.newWeek(notePath: folder.appending("2099/mkt-2099-12-08.md"), date: next, notebook: notifier.notebook)
    #expect(fromNew.map(\.id) == ["topic:2099-12-08", "handover:2099-12-08"])
    #expect(afterMail.id == fromNew.last?.id)
    #expect(afterMail.fields["nick"] == Rotation(config: notifier.notebook.config).releaseManager(for: next))
    // A week in the past sets no topic and hands nothing over.
    #expect(ChatEvent.newWeek(notePath: "old.md", date: try #require(PushDate("2020-01-07")), notebook: notifier.notebook).isEmpty)
  }

  @Test func delaysReadAsMinutesSecondsOrHours() throws {
    #expect(try ChatEvent.delaySeconds("10m") == 600)
    #expect(try ChatEvent.delaySeconds("90s") == 90)
    #expect(try ChatEvent.delaySeconds("1h") == 3600)
    #expect(try ChatEvent.delaySeconds("5") == 300)
    #expect(throws: ChatError.invalidDelay("soon")) { try ChatEvent.delaySeconds("soon") }
    #expect(throws: ChatError.invalidDelay("-1m")) { try ChatEvent.delaySeconds("-1m") }
  }
}
