import ArgumentParser
import Foundation
import PushnoteCore

extension Pushnote {
  /// `pushnote init [DIR]`.
  struct Init: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create a notebook: pushnote.yml, templates and a git repository.")

    @Argument(help: "The folder (default: the current one).")
    var directory: String = "."

    func run() async throws {
      try await reportingErrors {
        try await Notebook(root: directory, config: NotebookConfig()).requireIdentity()
        let written = try await NotebookInit.create(at: directory, templates: Templates.defaults())
        Terminal.standardOutput.write("initialised notebook in \(directory): \(written.joined(separator: ", "))\n")
      }
    }
  }
}
