import ArgumentParser
import Foundation
import PushnoteCore

extension Pushnote {
  /// `pushnote new [--date DATE]`.
  struct New: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "new", abstract: "Create the week's note from templates/push.md and commit it.")

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("The push date, YYYY-MM-DD (default: the coming push day).", valueName: "DATE"))
    var date: String?

    @Flag(help: "Allow a date that is not the notebook's push weekday.")
    var force = false

    @Flag(help: "Write the note without committing it.")
    var noCommit = false

    @Flag(help: "Print the new note as JSON (docs/json.md).")
    var json = false

    /// What `--json` prints.
    struct Report: Encodable {
      var file: String
      var date: PushDate
      var committed: Bool
    }

    func run() async throws {
      try await reportingErrors {
        let notebook = try global.openNotebook()
        let day = try date.map(Notebook.parseDate)
        if !noCommit { try await notebook.requireIdentity() }
        let outcome = try await NewNote.create(in: notebook, date: day, force: force, commit: !noCommit)
        await ChatHook.post(ChatEvent.newWeek(notePath: outcome.path, date: outcome.date, notebook: notebook), notebook: notebook)
        let file = notebook.relativePath(outcome.path)
        if json {
          try Terminal.standardOutput.writeJSON(Report(file: file, date: outcome.date, committed: outcome.committed))
        } else {
          Terminal.standardOutput.write("\(file)\(outcome.committed ? " (committed)" : "")\n")
        }
      }
    }
  }
}
