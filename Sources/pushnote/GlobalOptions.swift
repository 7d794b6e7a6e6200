import ArgumentParser
import Foundation
import PushnoteCore

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
  @Option(
    name: .long, help: "The notebook folder (default: $PUSHNOTE_NOTEBOOK, the nearest folder upward with pushnote.yml, else ./notebook).")
  var notebook: String?

  /// Opens the notebook these options name.
  func openNotebook() throws(NotebookError) -> Notebook {
    let environment = ProcessInfo.processInfo.environment
    let root = try Notebook.locate(
      explicit: notebook, environment: environment, workingDirectory: FileManager.default.currentDirectoryPath)
    return try Notebook(root: root)
  }
}

/// Runs a command's body, turning pushnote's errors into a message on stderr and their exit status.
func reportingErrors(_ body: () async throws -> Void) async throws {
  do {
    try await body()
  } catch let error as PushnoteError {
    Terminal.standardError.write(Terminal.standardError.styled("error", .red) + ": " + error.description + "\n")
    throw ExitCode(error.exitStatus.rawValue)
  }
}
