import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

@testable import pushnote

/// `pushnote mail --json`'s object: the bytes as the version before wrote them, and the same
/// object through Foundation's encoder.
@Suite struct MailJSONTests {
  private func check(_ value: some Encodable, is expected: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
    for (way, text) in try JSONOracle.writings(of: value) { #expect(text == expected, "\(way)", sourceLocation: sourceLocation) }
  }

  @Test func aRenderedMessageHasEveryKeyAndNullWithoutATransport() throws {
    var rendered = Pushnote.Mail.Rendered(
      from: "rm@example.org", recipients: ["cvan@example.org", "dörte@example.org"],
      subject: "Marketplace push 2026-12-08: over to you, \"Chris\" Van/Dörte 😀",
      messageID: "handover.mkt-2026-12-01.marketplace.pushnote@example.org",
      message: "From: Release manager <rm@example.org>\r\nSubject: =?utf-8?q?x?=\r\n\r\nbody \\ \t\u{1}\r\n", transport: nil)
    try check(rendered, is: Self.renderedJSON)
    rendered.recipients = []
    rendered.transport = "smtp://mail.example.org:587 with AUTH"
    try check(rendered, is: Self.dryRunJSON)
  }
}

// The bytes the version before printed, recorded with it.
extension MailJSONTests {
  static let renderedJSON = #"""
    {
      "from" : "rm@example.org",
      "message" : "From: Release manager <rm@example.org>\r\nSubject: =?utf-8?q?x?=\r\n\r\nbody \\ \t\u0001\r\n",
      "message_id" : "handover.mkt-2026-12-01.marketplace.pushnote@example.org",
      "recipients" : [
        "cvan@example.org",
        "dörte@example.org"
      ],
      "subject" : "Marketplace push 2026-12-08: over to you, \"Chris\" Van/Dörte 😀",
      "transport" : null
    }

    """#

  static let dryRunJSON = #"""
    {
      "from" : "rm@example.org",
      "message" : "From: Release manager <rm@example.org>\r\nSubject: =?utf-8?q?x?=\r\n\r\nbody \\ \t\u0001\r\n",
      "message_id" : "handover.mkt-2026-12-01.marketplace.pushnote@example.org",
      "recipients" : [

      ],
      "subject" : "Marketplace push 2026-12-08: over to you, \"Chris\" Van/Dörte 😀",
      "transport" : "smtp://mail.example.org:587 with AUTH"
    }

    """#
}
