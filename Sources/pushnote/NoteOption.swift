import ArgumentParser
import Foundation
import PushnoteCore

/// The note an editing command works on, and whether it commits.
struct EditOptions: ParsableArguments {
  @Option(name: .long, help: "The note: a date, a pad id or a path (default: this week's note).")
  var note: String?

  @Flag(help: "Change the file without committing it.")
  var noCommit = false

  /// Applies the edits to the note these options name and prints what happened.
  func edit(_ global: GlobalOptions, makeChange: (NoteEditor) throws -> NoteEditing.Change) async throws {
    let notebook = try global.openNotebook()
    let path = try notebook.resolveNote(note)
    let outcome = try await NoteEditing.edit(
      path: path, notebook: notebook, commit: !noCommit, makeChange: makeChange)
    let what = outcome.changed ? (outcome.committed ? "updated and committed" : "updated") : "already so, unchanged"
    Terminal.standardOutput.write("\(notebook.relativePath(path)): \(what)\n")
  }
}
