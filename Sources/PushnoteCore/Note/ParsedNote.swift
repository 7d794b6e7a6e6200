/// A note read from bytes: its source, its Markdown tree and its model, with lint's findings in
/// `note.problems`.
public struct ParsedNote: Sendable {
  /// The exact bytes, with their line index.
  public let source: SourceText
  /// The Markdown tree libcmark made of them.
  public let document: MarkdownDocument
  /// The note model.
  public var note: Note

  /// The note's outline: its sections with their identities and checklist items.
  public var outline: NoteOutline { NoteOutline(sections: note.sections) }

  /// Parses a note's bytes.
  ///
  /// - Parameters:
  ///   - bytes: the file's content.
  ///   - path: where it came from: shown in messages, and the note's date when nothing inside gives it.
  ///   - config: the notebook's configuration (time zone, pad prefix, repositories).
  /// - Throws: ``MarkdownError/invalidUTF8(path:offset:location:)`` for bytes that are not UTF-8.
  public init(bytes: [UInt8], path: String? = nil, config: NotebookConfig = NotebookConfig()) throws(MarkdownError) {
    let document = try MarkdownDocument(bytes: bytes, path: path)
    self.init(document: document, path: path, config: config)
  }

  /// Reads the model out of an already parsed document.
  public init(document: MarkdownDocument, path: String? = nil, config: NotebookConfig = NotebookConfig()) {
    self.source = document.source
    self.document = document
    self.note = NoteParser(document: document, config: config, path: path).parse()
    self.note.problems = NoteLinter().lint(self, config: config)
  }

  /// Reads and parses a note file.
  ///
  /// - Throws: ``NotebookError`` when the file cannot be read, ``MarkdownError`` when it is not UTF-8.
  public static func read(path: String, config: NotebookConfig = NotebookConfig()) throws -> ParsedNote {
    try ParsedNote(bytes: AtomicFile.read(path), path: path, config: config)
  }
}
