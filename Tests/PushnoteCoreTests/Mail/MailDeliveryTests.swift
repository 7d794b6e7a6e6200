import Foundation
import PushnoteTestSupport
import Testing

@testable import PushnoteCore

/// Sending and recording the send in the note: byte splices, atomic writes, commits.
@Suite struct MailDeliveryTests {
  static let note = """
    # Marketplace push 2026-12-01

    - Release manager: ddurst
    - QA: krupa
    - Tag: 2026.12.01

    ## Checklist
    - [x] Tag
    - Mail sent: this is not a header field

    """

  /// A notebook in a git repository with the note committed.
  static func repository(_ folder: TemporaryDirectory, note: String = note) async throws -> (Notebook, String) {
    let notebook = MailFixtures.notebook(folder)
    let path = notebook.notePath(for: MailFixtures.date)
    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try AtomicFile.write(note, to: path)
    let git = Git(directory: folder.path)
    try await git.run(["init", "--quiet"])
    try await git.run(["config", "user.name", "Test"])
    try await git.run(["config", "user.email", "test@example.org"])
    try await git.commit(paths: ["."], message: "note")
    return (notebook, path)
  }

  @Test(arguments: [MailKind.announcement, .handover])
  func aSendTicksItsAfterThePushItemAndNothingElse(kind: MailKind) async throws {
    let note =
      Self.note + """
        ## After the push

        - [ ] Send the announcement mail
        - [ ] Hand over to next week's release manager
        - [ ] Create next week's note

        """
    let folder = try TemporaryDirectory(prefix: "pushnote-deliver")
    let (notebook, path) = try await Self.repository(folder, note: note)
    let sendmailFolder = try TemporaryDirectory(prefix: "pushnote-sendmail")
    let transport = SendmailTransport(program: try MailTransportTests.fakeSendmail(in: sendmailFolder))
    _ = try await MailDelivery(notebook: notebook, transport: transport).send(
      try MailTransportTests.message(), kind: kind, notePath: path, again: false, now: MailFixtures.now)
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let ticked = kind == .announcement ? "Send the announcement mail" : "Hand over to next week's release manager"
    let open = kind == .announcement ? "Hand over to next week's release manager" : "Send the announcement mail"
    #expect(text.contains("- [x] \(ticked)\n"))
    #expect(text.contains("- [ ] \(open)\n"))
    #expect(text.contains("- [ ] Create next week's note\n"))
  }

  @Test func aMessageWithoutRecipientsRendersButIsNotSent() async throws {
    var config = MailFixtures.config()
    config.mail.to = []
    let composed = try MailFixtures.compose(MailFixtures.finishedNote(), kind: .announcement, config: config)
    let parsed = try await MailMessageTests.parsed(composed.message)
    #expect(parsed.header("To") == nil && parsed.header("Subject") != nil, "the Python email oracle reads it without a To")
    #expect(parsed.parts.first?.content.contains("2026-12-01") == true)
    let folder = try TemporaryDirectory(prefix: "pushnote-deliver")
    let (notebook, path) = try await Self.repository(folder)
    let sendmailFolder = try TemporaryDirectory(prefix: "pushnote-sendmail")
    let program = try MailTransportTests.fakeSendmail(in: sendmailFolder)
    await #expect(throws: MailError.noRecipients("mail.to is empty in pushnote.yml")) {
      _ = try await MailDelivery(notebook: notebook, transport: SendmailTransport(program: program)).send(
        composed.message, kind: .announcement, notePath: path, again: false, now: MailFixtures.now)
    }
    #expect(MailError.noRecipients("").exitStatus == .configuration)
    #expect(try String(contentsOfFile: path, encoding: .utf8) == Self.note, "nothing recorded")
  }

  @Test func aSentMailIsRecordedAfterTheHeaderFieldsAndCommitted() async throws {
    let folder = try TemporaryDirectory(prefix: "pushnote-deliver")
    let (notebook, path) = try await Self.repository(folder)
    let sendmailFolder = try TemporaryDirectory(prefix: "pushnote-sendmail")
    let transport = SendmailTransport(program: try MailTransportTests.fakeSendmail(in: sendmailFolder))
    let message = try MailTransportTests.message()
    let outcome = try await MailDelivery(notebook: notebook, transport: transport).send(
      message, kind: .announcement, notePath: path, again: false, now: MailFixtures.now)
    let recorded = "Mail sent: 2026-12-01 12:40 PST <announcement.mkt-2026-12-01.marketplace.pushnote@example.org>"
    #expect(outcome == .init(recorded: recorded, committed: true))
    let expected = Self.note.replacingOccurrences(of: "- Tag: 2026.12.01\n", with: "- Tag: 2026.12.01\n- \(recorded)\n")
    #expect(try String(contentsOfFile: path, encoding: .utf8) == expected)
    let log = try await Git(directory: folder.path).run(["log", "--format=%s", "-1"])
    #expect(log == "Mail sent for 2026-12-01\n")
    let status = try await Git(directory: folder.path).run(["status", "--porcelain"])
    #expect(status == "")
  }

  @Test func aSecondSendIsRefusedUnlessAgainAndAgainReplacesTheRecord() async throws {
    let folder = try TemporaryDirectory(prefix: "pushnote-deliver")
    let (notebook, path) = try await Self.repository(folder)
    let sendmailFolder = try TemporaryDirectory(prefix: "pushnote-sendmail")
    let delivery = MailDelivery(
      notebook: notebook, transport: SendmailTransport(program: try MailTransportTests.fakeSendmail(in: sendmailFolder)))
    let message = try MailTransportTests.message()
    _ = try await delivery.send(message, kind: .announcement, notePath: path, again: false, now: MailFixtures.now)
    let afterFirst = try AtomicFile.read(path)
    try FileManager.default.removeItem(atPath: sendmailFolder.appending("stdin"))
    let error = await #expect(throws: MailError.self) {
      try await delivery.send(message, kind: .announcement, notePath: path, again: false, now: MailFixtures.now)
    }
    #expect(error?.exitStatus == .dataError)
    #expect(!FileManager.default.fileExists(atPath: sendmailFolder.appending("stdin")))
    #expect(try AtomicFile.read(path) == afterFirst)
    let later = MailFixtures.now.addingTimeInterval(3600)
    _ = try await delivery.send(message, kind: .announcement, notePath: path, again: true, now: later)
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(text.components(separatedBy: "- Mail sent: 2026").count == 2)
    #expect(text.contains("- Mail sent: 2026-12-01 13:40 PST <"))
    #expect(text.contains("- Mail sent: this is not a header field\n"))
  }

  @Test func aFailedSendLeavesTheNoteUnchanged() async throws {
    let folder = try TemporaryDirectory(prefix: "pushnote-deliver")
    let (notebook, path) = try await Self.repository(folder)
    let sendmailFolder = try TemporaryDirectory(prefix: "pushnote-sendmail")
    let delivery = MailDelivery(
      notebook: notebook, transport: SendmailTransport(program: try MailTransportTests.fakeSendmail(in: sendmailFolder, status: 1)))
    let error = await #expect(throws: MailError.self) {
      try await delivery.send(try MailTransportTests.message(), kind: .announcement, notePath: path, again: false, now: MailFixtures.now)
    }
    #expect(error?.exitStatus == .temporaryFailure)
    #expect(try String(contentsOfFile: path, encoding: .utf8) == Self.note)
    let log = try await Git(directory: folder.path).run(["log", "--format=%s"])
    #expect(log == "note\n")
  }
}
