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
    if !noCommit { try await notebook.requireIdentity() }
    let outcome = try await NoteEditing.edit(
      path: path, notebook: notebook, commit: !noCommit, makeChange: makeChange)
    let what = outcome.changed ? (outcome.committed ? "updated and committed" : "updated") : "already so, unchanged"
    Terminal.standardOutput.write("\(notebook.relativePath(path)): \(what)\n")
  }
}

/// `--at TIME` for the commands that record a moment, and the edit that reads it.
struct TimeOption: ParsableArguments {
  @Option(help: "When (11:02, 9:17am, 17:33 UTC, 2026-12-01 11:02 PST; default: now).")
  var at: String?

  /// Edits the note with the moment `--at` names, read on the note's date in the notebook's zone.
  func edit(
    _ global: GlobalOptions, _ options: EditOptions, makeChange: @escaping (NoteEditor, Date, TimeZone) throws -> NoteEditing.Change
  ) async throws {
    let zone = try global.openNotebook().config.timeZone
    try await options.edit(global) { editor in
      let note = editor.parsed.note
      var time = Date()
      if let at {
        guard let parsed = NoteTime.parse(at, on: note.date, in: zone) else { throw NoteEditError.unreadableTime(at) }
        time = parsed
      }
      return try makeChange(editor, time, zone)
    }
  }
}
