import Foundation
import PushnoteTestSupport
import Testing

@testable import PushnoteCore

/// Messages rendered by `MailMessage`, read back by Python's `email` package with the strict policy.
@Suite struct MailMessageTests {
  static func message(
    fromName: String? = "Release manager", toName: String? = nil, subject: String = "Marketplace push 2026-12-01: done",
    body: String = "Hello.\n", attachment: MailMessage.Attachment? = nil
  ) throws -> MailMessage {
    MailMessage(
      from: try MailAddress(name: fromName, address: "rm@example.org", field: "from"),
      to: [try MailAddress(name: toName, address: "dev@lists.example.org", field: "to")],
      cc: [try MailAddress(name: "Ops", address: "ops@example.org", field: "cc")],
      replyTo: try MailAddress(name: nil, address: "replies@example.org", field: "reply"), subject: subject,
      date: MailFixtures.now, timeZone: TimeZone(identifier: "America/Los_Angeles") ?? .current,
      messageID: "announcement.mkt-2026-12-01.marketplace.pushnote@example.org", body: body, attachment: attachment)
  }

  /// Parses a message and checks what every message must satisfy: no defects, CRLF, ≤ 78 octets, ASCII.
  static func parsed(_ message: MailMessage) async throws -> MailOracle.Parsed {
    let bytes = message.rendered()
    #expect(MailOracle.rawProblems(bytes) == [])
    let parsed = try await MailOracle.parse(bytes)
    #expect(parsed.defects == [])
    return parsed
  }

  @Test func plainMessageReadsBackHeaderByHeader() async throws {
    let parsed = try await Self.parsed(try Self.message())
    #expect(parsed.header("From") == "Release manager <rm@example.org>")
    #expect(parsed.addresses["to"] == [["", "dev@lists.example.org"]])
    #expect(parsed.addresses["cc"] == [["Ops", "ops@example.org"]])
    #expect(parsed.header("Reply-To") == "replies@example.org")
    #expect(parsed.header("Subject") == "Marketplace push 2026-12-01: done")
    #expect(parsed.header("Date") == "Tue, 01 Dec 2026 12:40:00 -0800")
    #expect(parsed.header("Message-ID") == "<announcement.mkt-2026-12-01.marketplace.pushnote@example.org>")
    #expect(parsed.header("MIME-Version") == "1.0")
    #expect(parsed.parts.count == 1)
    #expect(parsed.parts.first?.contentType == "text/plain")
    #expect(parsed.parts.first?.charset == "utf-8")
    #expect(parsed.parts.first?.transferEncoding == "7bit")
    #expect(parsed.parts.first?.content == "Hello.\n")
  }

  @Test func nonASCIINamesAndSubjectsBecomeEncodedWordsThatDecode() async throws {
    let subject =
      "Marketplace-Push 2026-12-01: fertig in 1 h 13 min — Größenänderung, 日本語のテキスト, "
      + "emoji 🚀🚀🚀 und noch mehr Text"
    let fromName = "Jürgen Groß-Müller (Ops, „Team“) 🚀"
    let toName = "张伟 <not an address> \"quoted\""
    let parsed = try await Self.parsed(try Self.message(fromName: fromName, toName: toName, subject: subject))
    #expect(parsed.header("Subject") == subject)
    #expect(parsed.addresses["from"] == [[fromName, "rm@example.org"]])
    #expect(parsed.addresses["to"] == [[toName, "dev@lists.example.org"]])
  }

  @Test func asciiSpecialsInNamesAreQuoted() async throws {
    let parsed = try await Self.parsed(try Self.message(fromName: "Durst, David \"dd\" (RM)"))
    #expect(parsed.addresses["from"] == [["Durst, David \"dd\" (RM)", "rm@example.org"]])
  }

  @Test func longASCIISubjectIsFoldedAndReadsBackWhole() async throws {
    let subject = (1...40).map { "word\($0)" }.joined(separator: " ")
    let rendered = try Self.message(subject: subject).renderedText()
    #expect(rendered.contains("\r\n word"))
    #expect(try await Self.parsed(try Self.message(subject: subject)).header("Subject") == subject)
  }

  @Test func textThatLooksLikeAnEncodedWordIsNotDecodedByReaders() async throws {
    let subject = "=?utf-8?b?SGFja2Vk?= subject"
    #expect(try await Self.parsed(try Self.message(subject: subject)).header("Subject") == subject)
  }

  @Test func twoHundredCharacterLinesUseQuotedPrintableAndDecodeExactly() async throws {
    let ascii = String(repeating: "abcdefghij", count: 20)
    let unicode = String(repeating: "Größe 日本 ", count: 20)
    let equalsAndSpaces = String(repeating: "a=b ", count: 50) + "  "
    let body = [ascii, unicode, equalsAndSpaces, ".", "From the start", ""].joined(separator: "\n")
    let parsed = try await Self.parsed(try Self.message(body: body))
    #expect(parsed.parts.first?.transferEncoding == "quoted-printable")
    #expect(parsed.parts.first?.content == body)
  }

  @Test func lineEndsInTheBodyBecomeCRLF() async throws {
    let parsed = try await Self.parsed(try Self.message(body: "one\r\ntwo\rthree\nfour"))
    #expect(parsed.parts.first?.content == "one\ntwo\nthree\nfour\n")
  }

  @Test func newlinesInHeaderTextCannotStartAField() async throws {
    let evil = "Done\r\nBcc: victim@example.org\r\n\r\nInjected body"
    let parsed = try await Self.parsed(try Self.message(fromName: evil, toName: "x\nCc: other@example.org", subject: evil))
    #expect(parsed.headers["bcc"] == nil)
    #expect(parsed.headers["cc"] == ["Ops <ops@example.org>"])
    #expect(parsed.header("Subject") == "Done Bcc: victim@example.org Injected body")
    #expect(parsed.addresses["from"] == [["Done Bcc: victim@example.org Injected body", "rm@example.org"]])
    #expect(parsed.parts.first?.content == "Hello.\n")
  }

  @Test func calendarAttachmentMakesAMultipartMessage() async throws {
    let event = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:Push duty – Chris\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    let attachment = MailMessage.Attachment(contentType: "text/calendar; method=PUBLISH", fileName: "duty 2026/12/08.ics", text: event)
    let parsed = try await Self.parsed(try Self.message(body: "Über to you.\n", attachment: attachment))
    #expect(parsed.contentType == "multipart/mixed")
    #expect(parsed.parts.map(\.contentType) == ["text/plain", "text/calendar"])
    #expect(parsed.parts.first?.content == "Über to you.\n")
    #expect(parsed.parts.last?.content == event.replacingOccurrences(of: "\r\n", with: "\n"))
    #expect(parsed.parts.last?.filename == "duty20261208.ics")
  }

  @Test func envelopeRecipientsAreToAndCcOnce() throws {
    var message = try Self.message()
    message.cc.append(try MailAddress(name: nil, address: "DEV@lists.example.org", field: "cc"))
    #expect(message.envelopeRecipients == ["dev@lists.example.org", "ops@example.org"])
  }

  @Test(arguments: [
    "", "no-at-sign", "two@@example.org", "spa ce@example.org", "a@b.org\r\nBcc: x@y.org", "ünï@example.org", "a@.org",
    "<a@b.org>,c@d.org",
  ])
  func invalidAddressesAreRefused(_ text: String) {
    #expect(throws: MailError.self) { try MailAddress(parsing: text, field: "mail.to") }
  }

  @Test func addressesParseWithAndWithoutNames() throws {
    #expect(
      try MailAddress(parsing: "Release manager <rm@example.org>", field: "f")
        == MailAddress(name: "Release manager", address: "rm@example.org", field: "f"))
    #expect(try MailAddress(parsing: "\"Durst, \\\"D\\\"\" <d@example.org>", field: "f").name == "Durst, \"D\"")
    #expect(try MailAddress(parsing: "  rm@example.org ", field: "f").name == nil)
    #expect(try MailAddress(parsing: "rm@example.org", field: "f").domain == "example.org")
  }
}
