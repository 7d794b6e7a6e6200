import ArgumentParser
import Foundation
import PushnoteCore

extension Pushnote {
  /// `pushnote init [DIR]`.
  struct Init: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "init",
      abstract: "Create a notebook: pushnote.yml, templates and a git repository.",
      discussion: """
        The templates come from $PUSHNOTE_TEMPLATES when it is set, else from the ones built into pushnote. \
        A failed init leaves nothing behind.
        """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The folder, made if missing (default: -C DIR, else the current folder).", valueName: "DIR"))
    var directory: String?

    @Flag(help: "Print what was made as JSON (docs/json.md).")
    var json = false

    /// What `--json` prints.
    struct Report: Encodable {
      var directory: String
      var files: [String]
    }

    func run() async throws {
      try await reportingErrors {
        let folder = directory ?? global.notebook ?? "."
        try await Notebook(root: folder, config: NotebookConfig()).requireIdentity()
        let written = try await NotebookInit.create(at: folder, templates: Templates.defaults())
        if json {
          try Terminal.standardOutput.writeJSON(Report(directory: URL(fileURLWithPath: folder).standardizedFileURL.path, files: written))
        } else {
          Terminal.standardOutput.write("initialised notebook in \(folder): \(written.joined(separator: ", "))\n")
        }
      }
    }
  }
}
