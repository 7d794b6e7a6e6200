import Foundation

/// Edits a note file in place: parse, compute splices, write atomically, commit.
///
/// The write goes through ``AtomicFile/write(_:to:expecting:)`` with what was read: if an editor
/// saves the file meanwhile (up to the moment before the rename), the change is computed again on
/// the saved file, up to three times, then ``NotebookError/changedOnDisk(path:)`` is thrown with
/// nothing written. A note holding sync conflict blocks is written but never committed.
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
    var attempt = 1
    while true {
      let read = try AtomicFile.snapshot(path)
      let parsed = try ParsedNote(bytes: read.bytes, path: path, config: notebook.config)
      let change = try makeChange(NoteEditor(parsed))
      let updated = ByteEdit.apply(change.edits, to: parsed.source.bytes)
      guard updated != parsed.source.bytes else { return Outcome(path: path, changed: false, committed: false) }
      guard !dryRun else { return Outcome(path: path, changed: true, committed: false) }
      guard try write(updated, to: path, expecting: read, retry: attempt < 3) else {
        // An editor saved meanwhile: make the change again on what it saved.
        attempt += 1
        continue
      }
      let git = Git(directory: notebook.root)
      var committed = false
      if commit, NoteSections.conflictLines(in: updated).isEmpty, await git.isRepository() {
        committed = try await git.commit(paths: [notebook.relativePath(path)], message: change.message)
      }
      return Outcome(path: path, changed: true, committed: committed)
    }
  }

  /// Writes the note unless it changed since `read`; false when it did and `retry` allows another try.
  private static func write(
    _ bytes: [UInt8], to path: String, expecting read: AtomicFile.Snapshot, retry: Bool
  )
    throws(NotebookError) -> Bool
  {
    do {
      try AtomicFile.write(bytes, to: path, expecting: read)
      return true
    } catch {
      guard case .changedOnDisk = error, retry else { throw error }
      return false
    }
  }
}
