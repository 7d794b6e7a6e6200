import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

/// `pushnote mail` end to end: the built binary on a notebook in a real git repository, messages
/// read back by Python's `email` package, sending through a stand-in sendmail and aiosmtpd.
@Suite struct MailCommandTests {
  static let config = """
    product: Marketplace
    timezone: America/Los_Angeles
    rotation: [ddurst, cvan, andym]
    swaps: {"2026-12-08": cvan}
    people:
      ddurst: {role: rm, email: ddurst@example.org, name: Dörte Durst}
      cvan: {role: rm, email: cvan@example.org, name: Chris Van}
      krupa: {role: qa, name: Krupa}
    mail:
      from: "Release manager <rm@example.org>"
      to: [dev-marketplace@lists.example.org]
      cc: [ops@example.org]

    """

  static let note = """
    # Marketplace push 2026-12-01

    - Release manager: ddurst
    - QA: krupa
    - Ops: jason
    - Tag: 2026.12.01

    ## Compare

    - https://github.com/mozilla/zamboni/compare/2026.11.24...2026.12.01
    - https://github.com/mozilla/zamboni/compare/2026.12.01...2026.12.01-1

    ## Notable features

    - Søk by developer name
    - A line that is much longer than seventy-eight octets, so that the message needs quoted-printable to keep it

    ## Cherry-picks

    - [x] https://github.com/mozilla/zamboni/commit/0123456789abcdef0123456789abcdef01234567 (2026.12.01-1)

    ## Follow-up

    - [ ] Clean up the dodgy migration

    ## Sign-offs

    - [x] QA: krupa 2026-12-01 12:10
    - [x] Ops: jason 2026-12-01 12:12
    - [x] RM: ddurst 2026-12-01 12:15

    ## Timeline

    - 11:02 start
    - 12:15 end

    """

  /// A notebook with the note, committed, and the sendmail stand-in's folder beside it.
  struct Fixture {
    let folder: TemporaryDirectory
    let notePath: String

    init(config: String = MailCommandTests.config, note: String = MailCommandTests.note) async throws {
      folder = try TemporaryDirectory(prefix: "pushnote-mail-cli")
      try AtomicFile.write(config, to: folder.appending("pushnote.yml"))
      try FileManager.default.createDirectory(atPath: folder.appending("2026"), withIntermediateDirectories: true)
      notePath = folder.appending("2026/mkt-2026-12-01.md")
      try AtomicFile.write(note, to: notePath)
      let git = Git(directory: folder.path)
      try await git.run(["init", "--quiet"])
      try await git.run(["config", "user.name", "Test"])
      try await git.run(["config", "user.email", "test@example.org"])
      try await git.commit(paths: ["."], message: "notebook")
    }

    /// Writes a stand-in sendmail that stores its arguments and input and exits with `status`.
    func sendmail(status: Int = 0) throws -> String {
      let path = folder.appending("fake-sendmail")
      let script =
        "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"\(folder.appending("argv"))\"\ncat > \"\(folder.appending("stdin"))\"\nexit \(status)\n"
      try AtomicFile.write(script, to: path)
      try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
      return path
    }

    func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> ProcessRunner.Result {
      try await ProcessRunner.run(
        Fixtures.builtExecutable("pushnote"), ["mail", "--notebook", folder.path] + arguments, environment: environment)
    }

    func noteText() throws -> String { try String(contentsOfFile: notePath, encoding: .utf8) }

    func log() async throws -> String { try await Git(directory: folder.path).run(["log", "--format=%s"]) }
  }

  @Test func rendersTheAnnouncementForMailReaders() async throws {
    let fixture = try await Fixture()
    let result = try await fixture.run(["2026-12-01"])
    #expect(result.status == 0, "\(result.stderr)")
    let bytes = Array(result.stdout.utf8)
    #expect(MailOracle.rawProblems(bytes) == [])
    let parsed = try await MailOracle.parse(bytes)
    #expect(parsed.defects == [])
    #expect(parsed.header("Subject") == "Marketplace push 2026-12-01: done in 1h 13m, 2 pushes")
    #expect(parsed.addresses["cc"] == [["", "ops@example.org"]])
    #expect(parsed.parts.first?.transferEncoding == "quoted-printable")
    let body = try #require(parsed.parts.first?.content)
    #expect(body.contains("  - Søk by developer name\n"))
    #expect(
      body.contains("  - A line that is much longer than seventy-eight octets, so that the message needs quoted-printable to keep it\n"))
    #expect(body.contains("  - 2026.12.01-1, cherry-picked:\n      mozilla/zamboni 0123456789\n"))
    #expect(body.contains("  - Clean up the dodgy migration\n"))
    #expect(body.hasSuffix("Thanks,\nDörte Durst\n"))
  }

  @Test func writesAnEmlFileAndRendersTheSameMessageTwice() async throws {
    let fixture = try await Fixture()
    let file = fixture.folder.appending("out.eml")
    #expect(try await fixture.run(["-o", file]).status == 0)
    let first = try String(contentsOfFile: file, encoding: .utf8)
    #expect(first.hasPrefix("From: Release manager <rm@example.org>\r\n"))
    let second = try await fixture.run([]).stdout
    func withoutDate(_ text: String) -> String { text.split(separator: "\r\n").filter { !$0.hasPrefix("Date:") }.joined(separator: "\r\n") }
    #expect(withoutDate(first) == withoutDate(second))
  }

  @Test func refusesAnUnfinishedPushUnlessForced() async throws {
    let unfinished = Self.note.replacingOccurrences(of: "- 12:15 end\n", with: "").replacingOccurrences(
      of: "- [x] Ops:", with: "- [ ] Ops:")
    let fixture = try await Fixture(note: unfinished)
    let refused = try await fixture.run([])
    #expect(refused.status == 65)
    #expect(refused.stdout == "")
    #expect(refused.stderr.contains("the push has not ended"))
    #expect(refused.stderr.contains("Ops has not signed off (pushnote sign ops)"))
    #expect(!refused.stderr.contains("QA has not signed off"))
    let forced = try await fixture.run(["--force"])
    #expect(forced.status == 0)
    #expect(forced.stderr.contains("warning"))
    let body = try #require(try await MailOracle.parse(Array(forced.stdout.utf8)).parts.first?.content)
    #expect(body.hasPrefix("WARNING: rendered with --force before the gate was met: the push has not ended"))
  }

  @Test func sendsThroughSendmailRecordsTheSendAndRefusesASecond() async throws {
    let fixture = try await Fixture()
    let program = try fixture.sendmail()
    try AtomicFile.write(Self.config + "  sendmail: \(program)\n", to: fixture.folder.appending("pushnote.yml"))
    try await Git(directory: fixture.folder.path).commit(paths: ["pushnote.yml"], message: "sendmail")
    let sent = try await fixture.run(["--send"])
    #expect(sent.status == 0, "\(sent.stderr)")
    #expect(
      sent.stdout.contains(
        "sent <announcement.mkt-2026-12-01.marketplace.pushnote@example.org> to dev-marketplace@lists.example.org, ops@example.org"))
    #expect(try String(contentsOfFile: fixture.folder.appending("argv"), encoding: .utf8) == "-t\n-oi\n")
    let received = try AtomicFile.read(fixture.folder.appending("stdin"))
    #expect(try await MailOracle.parse(received.flatMap { $0 == 0x0A ? [0x0D, 0x0A] : [$0] }).defects == [])
    let recorded = try fixture.noteText()
    let field =
      #"- Tag: 2026\.12\.01\n- Mail sent: \d{4}-\d\d-\d\d \d\d:\d\d [A-Z]+ "#
      + #"<announcement\.mkt-2026-12-01\.marketplace\.pushnote@example\.org>\n\n## Compare"#
    #expect(recorded.range(of: field, options: .regularExpression) != nil, "\(recorded)")
    #expect(recorded.replacingOccurrences(of: #"- Mail sent: [^\n]*\n"#, with: "", options: .regularExpression) == Self.note)
    #expect(try await fixture.log().hasPrefix("Mail sent for 2026-12-01\n"))

    let again = try await fixture.run(["--send"])
    #expect(again.status == 65)
    #expect(again.stderr.contains("--again"))
    #expect(try fixture.noteText() == recorded)
    #expect(try await fixture.run(["--send", "--again"]).status == 0)
  }

  @Test func aFailedSendExits75AndLeavesTheNoteAlone() async throws {
    let fixture = try await Fixture()
    try AtomicFile.write(Self.config + "  sendmail: \(try fixture.sendmail(status: 1))\n", to: fixture.folder.appending("pushnote.yml"))
    let result = try await fixture.run(["--send"])
    #expect(result.status == 75)
    #expect(try fixture.noteText() == Self.note)
    #expect(try await fixture.log() == "notebook\n")
  }

  @Test func aSendmailThatExitsWithoutReadingExits75WithItsStatusNotBySIGPIPE() async throws {
    // A message bigger than a pipe holds, so the write meets a reader that has gone.
    let long = (1...3_000).map { "- Shipped item \($0) of a long week" }.joined(separator: "\n")
    let fixture = try await Fixture(
      config: Self.config + "  sendmail: /bin/true\n",
      note: Self.note.replacingOccurrences(of: "## Notable features\n\n", with: "## Notable features\n\n\(long)\n"))
    let before = try fixture.noteText()
    let result = try await fixture.run(["--send"])
    #expect(result.status == 75, "\(result.status) \(result.stderr)")
    #expect(result.stderr.contains("/bin/true -t -oi ended with exited(0) before it read the whole message"), "\(result.stderr)")
    #expect(try fixture.noteText() == before)
  }

  @Test func dryRunShowsTheEnvelopeAndSendsNothing() async throws {
    let fixture = try await Fixture()
    try AtomicFile.write(Self.config + "  sendmail: \(try fixture.sendmail())\n", to: fixture.folder.appending("pushnote.yml"))
    let result = try await fixture.run(["--send", "--dry-run"])
    #expect(result.status == 0)
    #expect(result.stdout.hasPrefix("Transport: \(fixture.folder.appending("fake-sendmail")) -t -oi\nMAIL FROM:<rm@example.org>\n"))
    #expect(result.stdout.contains("RCPT TO:<dev-marketplace@lists.example.org>\nRCPT TO:<ops@example.org>\n\nFrom: "))
    #expect(!FileManager.default.fileExists(atPath: fixture.folder.appending("stdin")))
    #expect(try fixture.noteText() == Self.note)
  }

  @Test func sendsThroughARealSMTPServerWithCredentialsFromTheEnvironment() async throws {
    let server = try SMTPTestServer(auth: "pushbot:s3cret")
    let fixture = try await Fixture(config: Self.config + "  transport: \(server.url)\n")
    let result = try await fixture.run(
      ["--send", "--json"], environment: ["PUSHNOTE_SMTP_USER": "pushbot", "PUSHNOTE_SMTP_PASSWORD": "s3cret"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(!result.stdout.contains("s3cret"))
    JSONShapes.check(result.stdout, documentedAs: "pushnote mail --send --json")
    let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    #expect(report["sent"] as? Bool == true)
    #expect(report["transport"] as? String == "\(server.url) with AUTH")
    #expect((report["recorded"] as? String)?.hasPrefix("Mail sent: ") == true)
    let received = try server.received()
    #expect(received.count == 1)
    #expect(received.first?.rcptTos == ["dev-marketplace@lists.example.org", "ops@example.org"])
    #expect(received.first?.authUser == "pushbot")
    let parsed = try await MailOracle.parse(Array((received.first?.data ?? "").utf8))
    #expect(parsed.defects == [])
    #expect(parsed.header("Subject") == "Marketplace push 2026-12-01: done in 1h 13m, 2 pushes")
    #expect(try fixture.noteText().contains("- Mail sent: "))
  }

  @Test func sendsOverSTARTTLSTrustingTheCertificateFileOpenSSLIsGiven() async throws {
    let certificates = try TemporaryDirectory(prefix: "pushnote-tls")
    let pem = try await SMTPTestServer.makeCertificate(in: certificates)
    let server = try SMTPTestServer(auth: "pushbot:s3cret", tls: pem)
    let fixture = try await Fixture(config: Self.config + "  transport: \(server.url)\n")
    let credentials = ["PUSHNOTE_SMTP_USER": "pushbot", "PUSHNOTE_SMTP_PASSWORD": "s3cret"]
    let untrusted = try await fixture.run(["--send"], environment: credentials)
    #expect(untrusted.status == 69)
    #expect(try fixture.noteText() == Self.note)
    let result = try await fixture.run(["--send"], environment: credentials.merging(["SSL_CERT_FILE": pem.certificate]) { $1 })
    #expect(result.status == 0, "\(result.stderr)")
    let received = try server.received()
    #expect(received.count == 1)
    #expect(received.first?.tls == true)
    #expect(received.first?.authUser == "pushbot")
    #expect(try fixture.noteText().contains("- Mail sent: "))
  }

  @Test func aSentHandoverIsRecordedApartFromTheAnnouncement() async throws {
    let fixture = try await Fixture()
    try AtomicFile.write(Self.config + "  sendmail: \(try fixture.sendmail())\n", to: fixture.folder.appending("pushnote.yml"))
    let result = try await fixture.run(["--handover", "--send"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("to cvan@example.org via"))
    let text = try fixture.noteText()
    #expect(text.contains("- Hand-over sent: "))
    #expect(!text.contains("- Mail sent: "))
    #expect(try await fixture.run(["--handover", "--send"]).status == 65)
  }

  @Test func handoverGoesToNextWeeksReleaseManager() async throws {
    let fixture = try await Fixture()
    let result = try await fixture.run(["--handover", "--json"])
    #expect(result.status == 0, "\(result.stderr)")
    JSONShapes.check(result.stdout, documentedAs: "pushnote mail --json")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    #expect(object["recipients"] as? [String] == ["cvan@example.org"])
    #expect(object["subject"] as? String == "Marketplace push 2026-12-08: over to you, Chris Van")
    let message = try #require(object["message"] as? String)
    let parsed = try await MailOracle.parse(Array(message.utf8))
    #expect(parsed.defects == [])
    #expect(parsed.parts.map(\.contentType) == ["text/plain", "text/calendar"])
    #expect(parsed.parts.last?.filename == "push-duty-2026-12-08.ics")
    let event = try #require(parsed.parts.last?.content)
    #expect(event.hasPrefix("BEGIN:VCALENDAR\n"))
    #expect(event.contains("DTSTART;TZID=America/Los_Angeles:20261208T110000"), "\(event)")
    let body = try #require(parsed.parts.first?.content)
    #expect(body.contains("create it with: pushnote new --date 2026-12-08"))
    #expect(body.contains("  - Clean up the dodgy migration\n"))
  }
}
