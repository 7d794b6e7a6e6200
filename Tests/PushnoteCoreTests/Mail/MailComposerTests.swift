import Foundation
import PushnoteTestSupport
import Testing

@testable import PushnoteCore

@Suite struct MailComposerTests {
  @Test func printsSample() throws {
    let composed = try MailFixtures.compose(MailFixtures.finishedNote())
    print(composed.message.renderedText())
    let hand = try MailFixtures.compose(MailFixtures.finishedNote(), kind: .handover, calendar: "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    print(hand.message.renderedText())
    #expect(!composed.message.body.isEmpty)
  }
}
