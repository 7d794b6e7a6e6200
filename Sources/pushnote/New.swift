import ArgumentParser
import Foundation
import PushnoteCore

extension Pushnote {
  /// `pushnote new [--date D]`.
  struct New: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create the week's note from templates/push.md and commit it.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "The push date, YYYY-MM-DD (default: the coming push day).")
    var date: String?

    @Flag(help: "Allow a date that is not the notebook's push weekday.")
    var force = false

    @Flag(help: "Write the note without committing it.")
    var noCommit = false

    func run() async throws {
      try await reportingErrors {
        let notebook = try global.openNotebook()
        let day = try date.map(Notebook.parseDate)
        if !noCommit { try await notebook.requireIdentity() }
        let outcome = try await NewNote.create(in: notebook, date: day, force: force, commit: !noCommit)
        Terminal.standardOutput.write("\(notebook.relativePath(outcome.path))\(outcome.committed ? " (committed)" : "")\n")
      }
    }
  }
}
