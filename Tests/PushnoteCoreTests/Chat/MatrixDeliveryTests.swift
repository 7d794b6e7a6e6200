import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

/// Chat to a real Synapse on 127.0.0.1 (SQLite, a registered bot).
///
/// Synapse takes seconds to start, so one server serves the whole test process (``SynapseServer/shared()``); each test has its own room.
@Suite(.serialized) struct MatrixDeliveryTests {
  @Test func postsAMessageWithHTMLAndSetsTheTopicThroughTheAlias() async throws {
    let synapse = try await SynapseServer.shared()
    let alias = "push-\(UInt32.random(in: 0...UInt32.max))"
    let roomID = try await synapse.createRoom(alias: alias)
    let destination = ChatDestination(.matrix(homeserver: URL(string: synapse.url)!, room: "#\(alias):localhost"))
    let (folder, notifier) = try IRCDeliveryTests.notifier([destination], environment: ["PUSHNOTE_MATRIX_TOKEN": synapse.token])
    let date = try #require(PushDate("2099-12-08"))
    var events = [ChatEvent.say("tagged 2026.12.01 <b>now</b> & see https://github.com/acme/api/compare/2026.11.24...2026.12.01")]
    events += ChatEvent.newWeek(notePath: folder.appending("mkt-2099-12-08.md"), date: date, notebook: notifier.notebook)
    let report = await notifier.post(events)
    #expect(report.failure == nil, "\(report.warnings)")
    #expect(report.delivered.count == 3)
    let messages = try await synapse.messages(in: roomID)
    let first = try #require(messages.first)
    #expect(first["msgtype"] as? String == "m.text")
    #expect(first["body"] as? String == "tagged 2026.12.01 <b>now</b> & see https://github.com/acme/api/compare/2026.11.24...2026.12.01")
    #expect(first["format"] as? String == "org.matrix.custom.html")
    #expect(
      first["formatted_body"] as? String
        == "tagged 2026.12.01 &lt;b&gt;now&lt;/b&gt; &amp; see <a href=\"https://github.com/acme/api/compare/2026.11.24...2026.12.01\">"
        + "https://github.com/acme/api/compare/2026.11.24...2026.12.01</a>")
    #expect(messages.count == 2)
    #expect((messages.last?["body"] as? String)?.contains("you are the release manager for the Acme push of 2099-12-08") == true)
    #expect(try await synapse.topic(of: roomID) == "Acme push 2099-12-08: https://pad.example.org/p/mkt-2099-12-08")
  }

  @Test func aRetryOfTheSameEventIsOneTransactionAndPostsOnce() async throws {
    let synapse = try await SynapseServer.shared()
    let alias = "retry-\(UInt32.random(in: 0...UInt32.max))"
    let roomID = try await synapse.createRoom(alias: alias)
    let destination = ChatDestination(.matrix(homeserver: URL(string: synapse.url)!, room: roomID))
    let environment = ["PUSHNOTE_MATRIX_TOKEN": synapse.token]
    // Two machines (two queues) post the same event: the transaction id is the event's, so the
    // homeserver keeps one.
    let (_, first) = try IRCDeliveryTests.notifier([destination], environment: environment)
    let (_, second) = try IRCDeliveryTests.notifier([destination], environment: environment)
    let event = ChatEvent.say("push finished", id: "push-end-2026-12-01")
    #expect(await first.post([event]).delivered.count == 1)
    #expect(await second.post([event]).delivered.count == 1)
    let messages = try await synapse.messages(in: roomID)
    #expect(messages.compactMap { $0["body"] as? String } == ["push finished"])
  }

  @Test func aWrongTokenIsACredentialsErrorAndTheMessageWaits() async throws {
    let synapse = try await SynapseServer.shared()
    let destination = ChatDestination(.matrix(homeserver: URL(string: synapse.url)!, room: "!nowhere:localhost"))
    let (_, notifier) = try IRCDeliveryTests.notifier([destination], environment: ["PUSHNOTE_MATRIX_TOKEN": "syt_not_a_real_token"])
    let report = await notifier.post([ChatEvent.say("hello")])
    #expect(report.failure?.exitStatus == .permission)
    #expect(report.queued.count == 1)
    #expect(!report.warnings.joined().contains("syt_not_a_real_token"))
    let (_, missing) = try IRCDeliveryTests.notifier([destination], environment: [:])
    let none = await missing.post([ChatEvent.say("hello")])
    #expect(none.failure == .missingSecret(destination: destination.description, variable: "PUSHNOTE_MATRIX_TOKEN"))
  }
}
