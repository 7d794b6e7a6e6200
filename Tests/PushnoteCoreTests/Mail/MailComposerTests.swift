import Foundation
import PushnoteTestSupport
import Testing

@testable import PushnoteCore

/// The announcement and the hand-over from the sample note, read back by Python's `email` package.
@Suite struct MailComposerTests {
  static let calendar =
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//pushnote//test//EN\r\nBEGIN:VEVENT\r\nUID:duty-2026-12-08@pushnote\r\n"
    + "DTSTAMP:20261201T204000Z\r\nDTSTART:20261208T190000Z\r\nSUMMARY:Push duty: Chris Van\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"

  /// The boundary of the golden hand-over (a rendered message's own is random).
  static let goldenBoundary = "=_pushnote_57f9a97968050948"

  /// Compares a rendered message with its golden file; `PUSHNOTE_UPDATE_GOLDEN=1` rewrites the file.
  static func expectGolden(_ message: MailMessage, _ name: String) throws {
    var message = message
    message.boundary = Self.goldenBoundary
    let path = Fixtures.fixture("mail/\(name)")
    if ProcessInfo.processInfo.environment["PUSHNOTE_UPDATE_GOLDEN"] == "1" { try AtomicFile.write(message.rendered(), to: path) }
    let golden = try AtomicFile.read(path)
    #expect(message.renderedText() == String(decoding: golden, as: UTF8.self), "golden file \(name) differs")
  }

  @Test func announcementMatchesTheGoldenFileAndReadsBack() async throws {
    let composed = try MailFixtures.compose(MailFixtures.finishedNote())
    try Self.expectGolden(composed.message, "announcement.eml")
    let parsed = try await MailMessageTests.parsed(composed.message)
    #expect(parsed.header("Subject") == "Marketplace push 2026-12-01: done in 1h 13m, 2 pushes")
    #expect(parsed.header("From") == "Release manager <rm@example.org>")
    #expect(parsed.addresses["to"] == [["", "dev-marketplace@lists.example.org"]])
    #expect(parsed.parts.first?.content == composed.message.body)
    let body = composed.message.body
    for expected in [
      "The push took 1h 13m, from 11:02 PST to 12:15 PST.", "  - 2026.12.01-1, cherry-picked:",
      "      https://github.com/mozilla/zamboni/commit/a1b2c3d4e5f6a7b8c9d0",
      "    https://github.com/mozilla/fireplace/compare/2026.11.24...2026.12.01", "  - Search by developer name",
      "  - add index on addons.slug", "  - Clean up the dodgy migration", "  - Bump the CDN TTL (done)",
      "  - QA: Krupa at 12:10 PST", "  - Release manager: David Durst at 12:15 PST",
      "The push note:\n  https://notes.example.org/2026/mkt-2026-12-01.md",
      "Next week's release manager is Chris Van, pushing on Tuesday 2026-12-08.",
    ] {
      #expect(body.contains(expected + "\n"), "body lacks: \(expected)")
    }
  }

  @Test func aNoteThatSpellsTheBoundaryCannotHideTheHandoversCalendar() async throws {
    // The old boundary was a hash of the Message-ID, so a release-manager field could spell it.
    let forged = "--\(Self.goldenBoundary)--"
    var note = MailFixtures.finishedNote()
    note.people.releaseManager = forged
    var message = try MailFixtures.compose(note, kind: .handover, calendar: Self.calendar).message
    message.body += "\(forged)\n--\(Self.goldenBoundary)\nContent-Type: text/plain\n\nnot the calendar\n"
    for boundary in [nil, Self.goldenBoundary] {
      message.boundary = boundary
      let text = message.renderedText()
      #expect(!text.contains("boundary=\"\(Self.goldenBoundary)\""))
      let parsed = try await MailMessageTests.parsed(message)
      #expect(parsed.parts.map(\.contentType) == ["text/plain", "text/calendar"])
      #expect(parsed.parts.last?.content == Self.calendar.replacingOccurrences(of: "\r\n", with: "\n"))
      #expect(parsed.parts.first?.content == message.body)
    }
  }

  @Test func theBoundaryIsRandomEveryTime() throws {
    let message = try MailFixtures.compose(MailFixtures.finishedNote(), kind: .handover, calendar: Self.calendar).message
    let pattern = #"boundary="=_pushnote_[0-9a-f]{32}""#
    let boundaries = (0..<3).compactMap { _ in
      let text = message.renderedText()
      return text.range(of: pattern, options: .regularExpression).map { String(text[$0]) }
    }
    #expect(boundaries.count == 3)
    #expect(Set(boundaries).count == 3)
  }

  @Test func handoverGoesToNextWeeksReleaseManagerWithTheCalendarEvent() async throws {
    let composed = try MailFixtures.compose(MailFixtures.finishedNote(), kind: .handover, calendar: Self.calendar)
    try Self.expectGolden(composed.message, "handover.eml")
    let parsed = try await MailMessageTests.parsed(composed.message)
    #expect(parsed.addresses["to"] == [["Chris Van", "cvan@example.org"]])
    #expect(parsed.header("Subject") == "Marketplace push 2026-12-08: over to you, Chris Van")
    #expect(parsed.parts.map(\.contentType) == ["text/plain", "text/calendar"])
    #expect(parsed.parts.last?.content == Self.calendar.replacingOccurrences(of: "\r\n", with: "\n"))
    let body = try #require(parsed.parts.first?.content)
    #expect(body.contains("Tag the repositories on Friday 2026-12-04"))
    #expect(body.contains("create it with: pushnote new --date 2026-12-08\n"))
    #expect(body.contains("  - Clean up the dodgy migration\n"))
    #expect(!body.contains("Bump the CDN TTL"))
  }

  @Test func handoverCarriesNextWeeksDutyCalendarWhenAskedTo() async throws {
    let folder = try TemporaryDirectory(prefix: "pushnote-mail")
    let notebook = MailFixtures.notebook(folder)
    let composer = MailComposer(notebook: notebook, templates: MailFixtures.templates(notebook))
    let options = MailComposer.Options(kind: .handover, now: MailFixtures.now, attachDutyCalendar: true)
    let composed = try composer.compose(note: MailFixtures.finishedNote(), document: nil, options: options)
    let parsed = try await MailMessageTests.parsed(composed.message)
    let expected = try DutyCalendar.icsForWeek(MailFixtures.date.adding(days: 7), notebook: notebook, stamp: MailFixtures.now)
    #expect(parsed.parts.map(\.contentType) == ["text/plain", "text/calendar"])
    #expect(parsed.parts.last?.content == expected.replacingOccurrences(of: "\r\n", with: "\n"))
    #expect(expected.contains("20261208"))
  }

  @Test func handoverWithoutAnEventIsPlainText() async throws {
    let parsed = try await MailMessageTests.parsed(try MailFixtures.compose(MailFixtures.finishedNote(), kind: .handover).message)
    #expect(parsed.contentType == "text/plain")
  }

  @Test func handoverNeedsTheRecipientsAddressAndARotation() throws {
    var config = MailFixtures.config()
    config.people["cvan"]?.email = nil
    #expect(throws: MailError.noRecipients("people.cvan.email is not set in pushnote.yml")) {
      try MailFixtures.compose(MailFixtures.finishedNote(), kind: .handover, config: config)
    }
    config.rotation = []
    config.swaps = [:]
    #expect(throws: MailError.noRotation) { try MailFixtures.compose(MailFixtures.finishedNote(), kind: .handover, config: config) }
  }

  @Test func gateListsEverythingMissing() async throws {
    var note = MailFixtures.finishedNote()
    note.timeline.removeLast()
    note.signoffs[1].done = false
    note.signoffs.removeLast()
    let expected = [
      "the push has not ended: the timeline has no end (pushnote time end)", "Ops has not signed off (pushnote sign ops)",
      "The release manager has not signed off (pushnote sign rm)",
    ]
    #expect(throws: MailError.gateNotMet(missing: expected)) { try MailFixtures.compose(note) }
    #expect(MailError.gateNotMet(missing: expected).exitStatus == .dataError)
    let forced = try MailFixtures.compose(note, force: true)
    #expect(forced.gateMissing == expected)
    let body = await try #require(try MailMessageTests.parsed(forced.message).parts.first?.content)
    #expect(body.hasPrefix("WARNING: rendered with --force before the gate was met: the push has not ended"))
  }

  @Test func handoverIsNotGated() throws {
    var note = MailFixtures.finishedNote()
    note.signoffs = []
    #expect(try MailFixtures.compose(note, kind: .handover).gateMissing == [])
  }

  @Test func localOnlySectionsNeverReachTheMail() throws {
    var note = MailFixtures.finishedNote()
    note.sections.append(MailFixtures.section("Private notes", line: 70, [MailFixtures.item("follow-up: the secret contract", .open)]))
    var config = MailFixtures.config()
    config.pad.localOnly = ["private notes"]
    let composed = try MailFixtures.compose(note, config: config)
    #expect(!composed.message.body.contains("secret"))
    #expect(try MailFixtures.compose(note).message.body.contains("secret"))
  }

  @Test func nothingShippedSaysSo() async throws {
    var note = MailFixtures.finishedNote()
    note.sections = []
    note.durationSeconds = nil
    note.pushes = 1
    note.cherryPicks = []
    let composed = try MailFixtures.compose(note)
    let parsed = try await MailMessageTests.parsed(composed.message)
    #expect(parsed.header("Subject") == "Marketplace push 2026-12-01: 1 push")
    #expect(parsed.parts.first?.content.contains("What shipped:\n  Nothing notable shipped this week.\n") == true)
    #expect(parsed.parts.first?.content.contains("Repeat pushes") == false)
  }

  @Test func sevenRepeatPushesAreListedWithTheirCherryPicks() async throws {
    var note = MailFixtures.finishedNote()
    note.pushes = 8
    note.cherryPicks = (1...7).map { number in
      let sha = String(repeating: String(number), count: 40)
      return Note.CherryPick(
        repo: "mozilla/zamboni", sha: sha, url: "https://github.com/mozilla/zamboni/commit/\(sha)", done: true,
        tag: "2026.12.01-\(number)", line: 30 + number, range: 0..<0)
    }
    let composed = try MailFixtures.compose(note)
    let parsed = try await MailMessageTests.parsed(composed.message)
    #expect(parsed.header("Subject") == "Marketplace push 2026-12-01: done in 1h 13m, 8 pushes")
    let body = try #require(parsed.parts.first?.content)
    #expect(composed.model.tags == ["2026.12.01"] + (1...7).map { "2026.12.01-\($0)" })
    for number in 1...7 {
      #expect(
        body.contains("  - 2026.12.01-\(number), cherry-picked:\n      mozilla/zamboni \(String(repeating: String(number), count: 10))\n"))
    }
  }

  @Test func messageIDIsStableAcrossRerendersAndEdits() throws {
    let first = try MailFixtures.compose(MailFixtures.finishedNote()).message
    var edited = MailFixtures.finishedNote()
    edited.sections.removeAll()
    edited.pushes = 3
    let second = try MailFixtures.compose(edited).message
    #expect(first.messageID == second.messageID)
    #expect(first.messageID == "announcement.mkt-2026-12-01.marketplace.pushnote@example.org")
    #expect(try MailFixtures.compose(edited, kind: .handover).message.messageID != first.messageID)
  }

  @Test func injectionInEveryNoteDerivedFieldStaysInsideItsLine() async throws {
    let evil = "x\r\nBcc: victim@example.org\r\n\r\nSubject: fake\u{0}\u{1B}[31m\u{85}\u{2028}end"
    var note = MailFixtures.finishedNote()
    note.title = evil
    note.pad = evil
    note.people = .init(releaseManager: evil, qa: evil, ops: evil)
    note.compare = [Note.CompareLink(repo: evil, from: evil, to: evil, url: evil, line: 1, range: 0..<0)]
    note.cherryPicks = [Note.CherryPick(repo: evil, sha: evil, url: evil, done: true, tag: "2026.12.01-1", line: 2, range: 0..<0)]
    note.flags = [Note.Flag(name: evil, kind: "switch", desired: evil, done: true, line: 3, range: 0..<0)]
    note.migrations = [Note.Migration(text: evil, repo: evil, done: false, line: 4, range: 0..<0)]
    note.signoffs = ["qa", "ops", "rm"].map {
      Note.Signoff(role: $0, name: evil, at: nil, done: true, line: 5, range: 0..<0, boxOffset: nil, valueRange: 0..<0)
    }
    note.sections = [
      MailFixtures.section(evil, line: 6, [MailFixtures.item(evil, .open)]),
      MailFixtures.section("Notable features", line: 7, [MailFixtures.item(evil, .done)]),
    ]
    var config = MailFixtures.config()
    config.mail.subject = "{{title}} {{release_manager}} {{pad}} {{#shipped}}{{.}}{{/shipped}}"
    let composed = try MailFixtures.compose(note, config: config)
    let parsed = try await MailMessageTests.parsed(composed.message)
    #expect(
      Set(parsed.headers.keys) == [
        "from", "to", "subject", "date", "message-id", "mime-version", "x-mailer", "content-type", "content-transfer-encoding",
      ])
    let flattened = "x Bcc: victim@example.org Subject: fake [31m end"
    #expect(parsed.header("Subject")?.hasPrefix(flattened + " " + flattened) == true, "\(parsed.header("Subject") ?? "")")
    let body = try #require(parsed.parts.first?.content)
    let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(!lines.contains { $0.hasPrefix("Bcc:") || $0.hasPrefix("Subject:") })
    #expect(!body.unicodeScalars.contains { $0.properties.generalCategory == .control && $0 != "\n" })
    #expect(body.contains("  - \(flattened)\n"))
  }

  @Test func subjectPatternAndNoteURLComeFromTheConfiguration() throws {
    var config = MailFixtures.config()
    config.mail.subject = "[{{product}}] {{tag}} by {{release_manager}}"
    config.mail.noteURL = "https://git.example.org/notes/blob/main/{{path}}?pad={{pad}}"
    let composed = try MailFixtures.compose(MailFixtures.finishedNote(), config: config)
    #expect(composed.message.subject == "[Marketplace] 2026.12.01 by David Durst")
    #expect(composed.model.noteURL == "https://git.example.org/notes/blob/main/2026/mkt-2026-12-01.md?pad=mkt-2026-12-01")
  }

  @Test func notebookTemplatesComeBeforeTheProjectsAndErrorsNameTheirLine() throws {
    let folder = try TemporaryDirectory(prefix: "pushnote-mail")
    let templates = folder.appending("templates")
    try FileManager.default.createDirectory(atPath: templates, withIntermediateDirectories: true)
    try AtomicFile.write(
      "Pushed {{tag}} <b>{{product}}</b> & {{release_manager}}\n", to: (templates as NSString).appendingPathComponent("mail.txt"))
    let notebook = MailFixtures.notebook(folder)
    let composer = MailComposer(notebook: notebook, templates: MailFixtures.templates(notebook))
    let options = MailComposer.Options(kind: .announcement, now: MailFixtures.now)
    let composed = try composer.compose(note: MailFixtures.finishedNote(), document: nil, options: options)
    #expect(composed.message.body == "Pushed 2026.12.01 <b>Marketplace</b> & David Durst\n")
    let broken = (templates as NSString).appendingPathComponent("mail.txt")
    try AtomicFile.write("line one\n{{#shipped}}\nunclosed\n", to: broken)
    let error = try #require(throws: MailError.self) {
      try composer.compose(note: MailFixtures.finishedNote(), document: nil, options: options)
    }
    guard case .template(let path, let line, _, _) = error else { throw error }
    #expect(path == broken)
    #expect(line > 1)
    #expect(error.exitStatus == .dataError)
    let missing = MailComposer(notebook: notebook, templates: Templates(searchPath: [templates]))
    #expect(throws: MailError.templateNotFound(name: "handover.txt", searched: [templates])) {
      try missing.compose(note: MailFixtures.finishedNote(), document: nil, options: .init(kind: .handover, now: MailFixtures.now))
    }
  }

  @Test func sectionItemsComeFromTheMarkdownWhenGiven() throws {
    let text = """
      # Marketplace push 2026-12-01

      ## Notable features
      - Search by *developer* name
      - [x] Faster app pages
      - [-] Not this week

      ### Details
      - not a feature

      ## Follow-up
      - [ ] ~~Already handled~~
      - Fix the flaky test (follow-up)

      ## Private notes:
      - [ ] Follow-up with the vendor about the secret contract

      ### Scratch
      - follow-up: also private

      """
    let folder = try TemporaryDirectory(prefix: "pushnote-mail")
    var config = MailFixtures.config()
    config.pad.localOnly = ["Private notes"]
    let parsed = try ParsedNote(bytes: Array(text.utf8), config: config)
    let model = try MailModel(
      note: parsed.note, document: try MarkdownDocument(source: parsed.source), notebook: MailFixtures.notebook(folder, config: config),
      date: MailFixtures.date)
    #expect(model.shipped == ["Search by developer name", "Faster app pages"])
    #expect(model.followUps == [.init(text: "Already handled", done: true), .init(text: "Fix the flaky test (follow-up)", done: false)])
    #expect(model.openFollowUps == ["Fix the flaky test (follow-up)"])
  }

  @Test func subjectsAndNamesWithNonASCIIReadBack() async throws {
    var config = MailFixtures.config()
    config.product = "Marktplatz für Apps"
    config.people["ddurst"]?.name = "Dörte Dürst 🚀"
    config.mail.from = "Dörte Dürst <rm@example.org>"
    let composed = try MailFixtures.compose(MailFixtures.finishedNote(), config: config)
    let parsed = try await MailMessageTests.parsed(composed.message)
    #expect(parsed.header("Subject") == "Marktplatz für Apps push 2026-12-01: done in 1h 13m, 2 pushes")
    #expect(parsed.addresses["from"] == [["Dörte Dürst", "rm@example.org"]])
    #expect(parsed.parts.first?.content.hasSuffix("Thanks,\nDörte Dürst 🚀\n") == true)
  }
}
