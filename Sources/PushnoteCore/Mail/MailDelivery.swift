import Foundation

/// Sends a composed message and records the send in the note.
///
/// The send comes first, then the note's header field and the tick of the kind's checklist item
/// (``MailKind/checklistItem``, when the note has exactly one such item) as byte splices written
/// atomically, then a commit. A failed send leaves the note as it was.
public struct MailDelivery: Sendable {
  /// The notebook holding the note.
  public var notebook: Notebook
  /// The transport that delivers.
  public var transport: any MailTransport

  /// A delivery through `transport`.
  public init(notebook: Notebook, transport: any MailTransport) {
    self.notebook = notebook
    self.transport = transport
  }

  /// What a send did.
  public struct Outcome: Sendable, Equatable {
    /// The header line written into the note: `Mail sent: 2026-12-01 12:40 PST <id>`.
    public var recorded: String
    /// Whether the note was committed (false outside a git repository).
    public var committed: Bool
  }

  /// Refuses a second send of the same kind unless `again`.
  ///
  /// - Throws: ``MailError/alreadySent(recorded:)``.
  public static func checkNotSent(_ kind: MailKind, note: Note, again: Bool) throws(MailError) {
    if !again, let field = MailRecord.recorded(kind, in: note) { throw .alreadySent(recorded: "\(field.name): \(field.value)") }
  }

  /// Sends `message` and records it in the note at `notePath`.
  ///
  /// - Throws: transport errors (the note untouched), ``MailError/alreadySent(recorded:)`` without
  ///   `again`, and the note editor's errors reading, writing or committing the note.
  public func send(_ message: MailMessage, kind: MailKind, notePath: String, again: Bool, now: Date) async throws -> Outcome {
    guard !message.to.isEmpty else { throw MailError.noRecipients("mail.to is empty in pushnote.yml") }
    try MailDelivery.checkNotSent(kind, note: try ParsedNote.read(path: notePath, config: notebook.config).note, again: again)
    try await transport.send(message)
    let value = MailRecord.value(at: now, in: notebook.config.timeZone, messageID: message.messageID)
    let date = Notebook.date(fromPath: notePath)?.iso ?? (notePath as NSString).lastPathComponent
    // The editor reads the note again: it may have been saved while the message went out.
    let outcome = try await NoteEditing.edit(path: notePath, notebook: notebook, commit: true) { editor in
      let tick = (try? editor.item(matching: kind.checklistItem)).flatMap { try? editor.setState(.done, of: $0) }
      return NoteEditing.Change(
        edits: [editor.setHeaderField(kind.sentField, value: value)] + [tick].compactMap { $0 }, message: "\(kind.sentField) for \(date)")
    }
    return Outcome(recorded: "\(kind.sentField): \(value)", committed: outcome.committed)
  }
}
