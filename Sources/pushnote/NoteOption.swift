import ArgumentParser
import Foundation
import PushnoteCore

/// The note of a command whose only positional argument it is: `NOTE`, or `--note NOTE` as the
/// commands with other positional arguments take it.
struct NoteArgument: ParsableArguments {
  @Argument(
    help: ArgumentHelp(
      "A date (2026-12-01), a pad id (mkt-2026-12-01), a Markdown file, or nothing for this week's note.", valueName: "NOTE"),
    completion: Completions.notes)
  var positional: String?

  @Option(name: .customLong("note"), help: ArgumentHelp("The note, as NOTE.", valueName: "NOTE"), completion: Completions.notes)
  var option: String?

  func validate() throws {
    if let positional, let option, positional != option { throw ValidationError("give the note once: NOTE or --note NOTE") }
  }

  /// The note given, nil for this week's.
  var value: String? { option ?? positional }
}

/// The note an editing command works on, whether it commits, and how it reports.
struct EditOptions: ParsableArguments {
  @Option(
    name: .long, help: ArgumentHelp("The note: a date, a pad id or a path (default: this week's note).", valueName: "NOTE"),
    completion: Completions.notes)
  var note: String?

  @Flag(help: "Change the file without committing it.")
  var noCommit = false

  @Flag(help: "Print what happened as JSON (docs/json.md).")
  var json = false

  /// What an edit did, as `--json` prints it.
  struct Report: Encodable {
    var file: String
    var changed: Bool
    var committed: Bool
  }

  /// Applies the edits to the note these options name and prints what happened.
  func edit(_ global: GlobalOptions, makeChange: (NoteEditor) throws -> NoteEditing.Change) async throws {
    let notebook = try global.openNotebook()
    let path = try notebook.resolveNote(note)
    if !noCommit { try await notebook.requireIdentity() }
    let outcome = try await NoteEditing.edit(
      path: path, notebook: notebook, commit: !noCommit, makeChange: makeChange)
    if json {
      try Terminal.standardOutput.writeJSON(
        Report(file: notebook.relativePath(path), changed: outcome.changed, committed: outcome.committed))
      return
    }
    let what = outcome.changed ? (outcome.committed ? "updated and committed" : "updated") : "already so, unchanged"
    Terminal.standardOutput.write("\(notebook.relativePath(path)): \(what)\n")
  }
}

/// `--at TIME` for the commands that record a moment, and the edit that reads it.
struct TimeOption: ParsableArguments {
  @Option(help: ArgumentHelp("When (11:02, 9:17am, 17:33 UTC, 2026-12-01 11:02 PST; default: now).", valueName: "TIME"))
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
