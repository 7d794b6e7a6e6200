import Foundation

/// Edits a note file in place: parse, compute splices, write atomically, commit.
///
/// The file is read again just before it is replaced; if an editor saved it in between, nothing is
/// written and ``NotebookError/changedOnDisk(path:)`` is thrown.
public enum NoteEditing {
  /// What an edit did.
  public struct Outcome: Sendable, Equatable {
    /// The note's path.
    public var path: String
    /// Whether the file's bytes changed.
    public var changed: Bool
    /// Whether a git commit was made.
    public var committed: Bool
  }

  /// The splices of one change and the commit message that says what it did.
  public struct Change: Sendable {
    /// The splices.
    public var edits: [ByteEdit]
    /// The git commit message.
    public var message: String

    /// Creates a change.
    public init(edits: [ByteEdit], message: String) {
      self.edits = edits
      self.message = message
    }
  }

  /// Applies the change `makeChange` computes from the parsed note at `path`.
  ///
  /// - Parameters:
  ///   - commit: commit the note afterwards (only when it changed and the notebook is a git repository).
  ///   - dryRun: compute the change and report whether it would change the file, writing nothing.
  /// - Throws: ``MarkdownError``, ``NotebookError``, ``NoteEditError``, ``GitError``, or what
  ///   `makeChange` throws.
  public static func edit(
    path: String, notebook: Notebook, commit: Bool, dryRun: Bool = false, makeChange: (NoteEditor) throws -> Change
  ) async throws -> Outcome {
    let parsed = try ParsedNote.read(path: path, config: notebook.config)
    let change = try makeChange(NoteEditor(parsed))
    let updated = ByteEdit.apply(change.edits, to: parsed.source.bytes)
    guard updated != parsed.source.bytes else { return Outcome(path: path, changed: false, committed: false) }
    guard !dryRun else { return Outcome(path: path, changed: true, committed: false) }
    guard try AtomicFile.read(path) == parsed.source.bytes else { throw NotebookError.changedOnDisk(path: path) }
    try AtomicFile.write(updated, to: path)
    let git = Git(directory: notebook.root)
    var committed = false
    if commit, await git.isRepository() {
      committed = try await git.commit(paths: [notebook.relativePath(path)], message: change.message)
    }
    return Outcome(path: path, changed: true, committed: committed)
  }
}
