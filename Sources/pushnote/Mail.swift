import ArgumentParser
import Foundation
import PushnoteCore

extension Pushnote {
  /// `pushnote mail [NOTE] [-o FILE] [--send] [--dry-run] [--again] [--force] [--handover] [--json]`.
  struct Mail: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "mail",
      abstract: "Render (and send) the post-push announcement, or the hand-over to next week's release manager.",
      discussion: """
        Without --send the message is written to -o FILE (an .eml file mail programs open) or to standard output: \
        the .eml through a pipe, the decoded text with its main headers on a terminal. \
        The announcement waits until the push has ended and QA, Ops and the release manager signed off (exit 65); \
        --force renders it anyway with a warning line on top. --send delivers through mail.transport (sendmail by \
        default, or smtp://host:port with PUSHNOTE_SMTP_USER and PUSHNOTE_SMTP_PASSWORD) and records \
        '- Mail sent: ...' in the note; a failed send leaves the note unchanged and exits 75.
        """)

    @OptionGroup var global: GlobalOptions

    @OptionGroup var target: NoteArgument
    private var note: String? { target.value }

    @Option(
      name: [.short, .customLong("output")],
      help: ArgumentHelp("Write the message to FILE (an .eml) instead of standard output.", valueName: "FILE"))
    var output: String?

    @Flag(help: "Send the message and record it in the note.")
    var send = false

    @Flag(help: "Show the envelope and the message without sending.")
    var dryRun = false

    @Flag(help: "Send although the note records that it was sent.")
    var again = false

    @Flag(help: "Render the announcement although the push is not finished or signed off.")
    var force = false

    @Flag(help: "The reminder to next week's release manager instead of the announcement.")
    var handover = false

    @Flag(help: "Print the envelope, the headers and the message as JSON.")
    var json = false

    func validate() throws {
      if output != nil, send, !dryRun { throw ValidationError("-o writes the message to a file; it does not go with --send") }
      if again, !send { throw ValidationError("--again goes with --send") }
    }

    func run() async throws {
      try await reportingErrors {
        let (notebook, path) = try global.openNote(note)
        var parsed = try ParsedNote.read(path: path, config: notebook.config)
        parsed.note.file = path
        let kind: MailKind = handover ? .handover : .announcement
        let now = Date()
        if send && !dryRun { try await notebook.requireIdentity() }
        let identity = notebook.config.mail.from == nil ? try? await Git(directory: notebook.root).identity() : nil
        let fallbackFrom = identity.flatMap { try? MailAddress(name: $0.name, address: $0.email, field: "git identity") }
        let options = MailComposer.Options(kind: kind, force: force, now: now, fallbackFrom: fallbackFrom, attachDutyCalendar: true)
        let composed = try MailComposer(notebook: notebook).compose(
          note: parsed.note, document: try MarkdownDocument(source: parsed.source), options: options)
        if !composed.gateMissing.isEmpty {
          Terminal.standardError.write(Terminal.standardError.styled("warning", .yellow) + ": rendered with --force; the gate is not met\n")
        }
        let message = composed.message
        guard send || dryRun else {
          let out = Terminal.standardOutput
          if let output {
            try AtomicFile.write(json ? try Mail.json(message, transport: nil) : message.renderedText(), to: output)
          } else if json {
            out.write(try Mail.json(message, transport: nil))
          } else {
            // A person reads the text on a terminal; a pipe gets the .eml as it would be sent.
            out.write(out.isTerminal ? Mail.preview(message) : message.renderedText())
          }
          return
        }
        try MailDelivery.checkNotSent(kind, note: parsed.note, again: again)
        let transport = try MailTransports.make(config: notebook.config.mail, environment: ProcessInfo.processInfo.environment)
        if dryRun {
          let shown =
            json
            ? try Mail.json(message, transport: transport) : Mail.envelope(message, transport: transport) + "\n" + message.renderedText()
          if let output { try AtomicFile.write(shown, to: output) } else { Terminal.standardOutput.write(shown) }
          return
        }
        let outcome = try await ChatHook.around(notebook) { _ in
          try await MailDelivery(notebook: notebook, transport: transport).send(message, kind: kind, notePath: path, again: again, now: now)
        } then: { _ in
          handover ? [ChatEvent.handover(after: parsed.note, notebook: notebook)].compactMap { $0 } : []
        }
        if json {
          let sent = Sent(
            messageID: message.messageID, recipients: message.envelopeRecipients, transport: transport.description,
            recorded: outcome.recorded, committed: outcome.committed)
          try Terminal.standardOutput.writeJSON(sent)
          return
        }
        let recipients = message.envelopeRecipients.joined(separator: ", ")
        let noted = outcome.committed ? "recorded in the note and committed" : "recorded in the note"
        Terminal.standardOutput.write("sent <\(message.messageID)> to \(recipients) via \(transport); \(noted)\n")
      }
    }

    /// The message as a person reads it: the main headers and the decoded text (no MIME encoding).
    static func preview(_ message: MailMessage) -> String {
      var lines = ["From: \(message.from)", "To: " + message.to.map(\.description).joined(separator: ", ")]
      if !message.cc.isEmpty { lines.append("Cc: " + message.cc.map(\.description).joined(separator: ", ")) }
      if let replyTo = message.replyTo { lines.append("Reply-To: \(replyTo)") }
      lines.append("Subject: \(message.subject)")
      if let attachment = message.attachment { lines.append("Attachment: \(attachment.fileName) (\(attachment.contentType))") }
      let body = message.body.hasSuffix("\n") ? message.body : message.body + "\n"
      return lines.joined(separator: "\n") + "\n\n" + body + "\n(pipe it or use -o FILE for the .eml; --send sends it)\n"
    }

    /// The envelope as `--dry-run` shows it.
    static func envelope(_ message: MailMessage, transport: any MailTransport) -> String {
      (["Transport: \(transport)", "MAIL FROM:<\(message.from.address)>"] + message.envelopeRecipients.map { "RCPT TO:<\($0)>" })
        .joined(separator: "\n") + "\n"
    }

    /// The message and its envelope, as `--json` prints them (docs/json.md).
    struct Rendered: JSONObject {
      var from: String
      var recipients: [String]
      var subject: String
      var messageID: String
      var message: String
      var transport: String?

      func writeFields(to fields: inout JSONFields) {
        fields.field("from", from)
        fields.field("message", message)
        fields.field("message_id", messageID)
        fields.field("recipients", recipients)
        fields.field("subject", subject)
        fields.field("transport", transport)
      }
    }

    /// What `--send --json` prints once the message went out.
    struct Sent: Encodable {
      var sent = true
      var messageID: String
      var recipients: [String]
      var transport: String
      var recorded: String
      var committed: Bool
    }

    /// The message and its envelope as JSON.
    static func json(_ message: MailMessage, transport: (any MailTransport)?) throws -> String {
      try JSONWriter.text(
        Rendered(
          from: message.from.address, recipients: message.envelopeRecipients, subject: message.subject, messageID: message.messageID,
          message: message.renderedText(), transport: transport?.description))
    }
  }
}
