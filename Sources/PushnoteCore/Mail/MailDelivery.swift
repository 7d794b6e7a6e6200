import Foundation

/// Sends a composed message and records it in the note: the send first, then the note's header
/// field as a byte splice written atomically, then a commit. A failed send leaves the note as it was.
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
    /// The header item written into the note.
    public var recorded: String
    /// Whether the note was committed (false outside a git repository).
    public var committed: Bool
    /// Why the commit failed, when it did (the message was sent and the note written regardless).
    public var commitProblem: String?
  }

  /// Refuses a second send of the same kind unless `again`.
  ///
  /// - Throws: ``MailError/alreadySent(recorded:)``.
  public static func checkNotSent(_ kind: MailKind, document: MarkdownDocument, again: Bool) throws(MailError) {
    if !again, let recorded = MailRecord.recorded(kind, in: document) { throw .alreadySent(recorded: recorded) }
  }

  /// Sends `message` and records it in the note at `notePath`.
  ///
  /// - Throws: transport errors (the note untouched), ``MailError/alreadySent(recorded:)`` without
  ///   `again`, and errors reading or writing the note.
  public func send(_ message: MailMessage, kind: MailKind, notePath: String, again: Bool, now: Date) async throws -> Outcome {
    let before = try MarkdownDocument(bytes: try AtomicFile.read(notePath), path: notePath)
    try MailDelivery.checkNotSent(kind, document: before, again: again)
    try await transport.send(message)
    // Read again: the note may have been saved in an editor while the message went out.
    let document = try MarkdownDocument(bytes: try AtomicFile.read(notePath), path: notePath)
    let text = MailRecord.text(kind, at: now, in: notebook.config.timeZone, messageID: message.messageID)
    let edited = ByteEdit.apply([MailRecord.edit(kind, text: text, in: document)], to: document.source.bytes)
    try AtomicFile.write(edited, to: notePath)
    let git = Git(directory: notebook.root)
    guard await git.isRepository() else { return Outcome(recorded: text, committed: false, commitProblem: nil) }
    let date = Notebook.date(fromPath: notePath)?.iso ?? (notePath as NSString).lastPathComponent
    do {
      let committed = try await git.commit(paths: [notebook.relativePath(notePath)], message: "\(kind.sentField) for \(date)")
      return Outcome(recorded: text, committed: committed, commitProblem: nil)
    } catch {
      return Outcome(recorded: text, committed: false, commitProblem: error.description)
    }
  }
}
