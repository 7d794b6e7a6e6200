import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

@Suite struct SlackDeliveryTests {
  @Test func postsEscapedTextAndNeverATopic() async throws {
    let webhook = try await FakeSlackWebhook()
    defer { Task { await webhook.stop() } }
    let (folder, notifier) = try IRCDeliveryTests.notifier([ChatDestination(.slack)], environment: ["PUSHNOTE_SLACK_WEBHOOK": webhook.url])
    let date = try #require(PushDate("2099-12-08"))
    var events = [ChatEvent.say("a < b & c > d\nsecond line")]
    events += ChatEvent.newWeek(notePath: folder.appending("mkt-2099-12-08.md"), date: date, notebook: notifier.notebook)
    let report = await notifier.post(events)
    #expect(report.failure == nil, "\(report.warnings)")
    #expect(report.delivered.map(\.kind) == [.say, .handover])
    let texts = await webhook.texts()
    #expect(texts.first == "a &lt; b &amp; c &gt; d\nsecond line")
    #expect(texts.count == 2)
    #expect(await webhook.refusals().isEmpty)
  }

  @Test func aFailingWebhookKeepsTheMessageUntilTheNextFlushAndNeverShowsTheURL() async throws {
    let webhook = try await FakeSlackWebhook()
    defer { Task { await webhook.stop() } }
    let (_, notifier) = try IRCDeliveryTests.notifier([ChatDestination(.slack)], environment: ["PUSHNOTE_SLACK_WEBHOOK": webhook.url])
    await webhook.fail(next: 1)
    let failed = await notifier.post([ChatEvent.say("deploy done")])
    #expect(failed.queued.count == 1)
    #expect(failed.failure?.exitStatus == .temporaryFailure)
    for text in failed.warnings + failed.queued.compactMap(\.lastError) { #expect(!text.contains(webhook.secret)) }
    let flushed = await notifier.flush()
    #expect(flushed.delivered.count == 1)
    #expect(await webhook.texts() == ["deploy done"])
    let revoked = try IRCDeliveryTests.notifier(
      [ChatDestination(.slack)],
      environment: ["PUSHNOTE_SLACK_WEBHOOK": webhook.url.replacingOccurrences(of: webhook.secret, with: "revoked")]
    ).1
    let refused = await revoked.post([ChatEvent.say("nope")])
    #expect(refused.failure?.exitStatus == .permission)
    #expect(await webhook.refusals().contains("403 invalid_token"))
  }
}
