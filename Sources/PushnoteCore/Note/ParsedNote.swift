/// A note read from bytes: its source and its model, with lint's findings in `note.problems`.
///
/// No Markdown tree is kept: the parser drops each piece's tree once it has read it (see
/// ``NoteParser``); ``MarkdownDocument/init(source:)`` parses the source again where one is needed.
public struct ParsedNote: Sendable {
  /// The exact bytes, with their line index.
  public let source: SourceText
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
  /// - Throws: ``MarkdownError/invalidUTF8(path:offset:location:)`` for bytes that are not UTF-8,
  ///   ``MarkdownError/tooLarge(path:size:)`` for a note over ``MarkdownDocument/largestSize`` bytes.
  public init(bytes: [UInt8], path: String? = nil, config: NotebookConfig = NotebookConfig()) throws(MarkdownError) {
    try self.init(source: SourceText(bytes: bytes, path: path), config: config)
  }

  /// Parses a note's checked source text.
  ///
  /// - Throws: ``MarkdownError/tooLarge(path:size:)`` for a note over ``MarkdownDocument/largestSize`` bytes.
  public init(source: SourceText, config: NotebookConfig = NotebookConfig()) throws(MarkdownError) {
    self.source = source
    self.note = try NoteParser(source: source, config: config, path: source.path).parse()
    self.note.problems = NoteLinter().lint(self, config: config)
  }

  /// Reads and parses a note file.
  ///
  /// - Throws: ``NotebookError`` when the file cannot be read, ``MarkdownError`` when it is not UTF-8.
  public static func read(path: String, config: NotebookConfig = NotebookConfig()) throws -> ParsedNote {
    try ParsedNote(bytes: AtomicFile.read(path), path: path, config: config)
  }
}
