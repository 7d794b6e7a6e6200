import ArgumentParser
import Foundation
import PushnoteCore

extension Terminal.ColorChoice: ExpressibleByArgument {}

/// Options every command takes, before or after the command's name.
struct GlobalOptions: ParsableArguments {
  @Option(
    name: [.customShort("C"), .long],
    help: ArgumentHelp(
      "The notebook folder (default: $PUSHNOTE_NOTEBOOK, else the nearest folder upward with pushnote.yml, else ./notebook).",
      valueName: "DIR"))
  var notebook: String?

  @Option(
    help: ArgumentHelp(
      "When to colour: auto is on a terminal unless NO_COLOR is set or TERM=dumb, and always with CLICOLOR_FORCE.", valueName: "WHEN"))
  var color: Terminal.ColorChoice = .auto

  /// Opens the notebook these options name.
  func openNotebook() throws(NotebookError) -> Notebook {
    let environment = ProcessInfo.processInfo.environment
    let root = try Notebook.locate(
      explicit: notebook, environment: environment, workingDirectory: FileManager.default.currentDirectoryPath)
    return try Notebook(root: root)
  }
}

extension Notebook {
  /// Checks that git knows who commits, before a command that commits changes anything.
  ///
  /// - Throws: ``GitError/noIdentity`` (exit 78), with the two commands that fix it.
  func requireIdentity() async throws(GitError) {
    var directory = root
    while !FileManager.default.fileExists(atPath: directory), directory != "/" {
      directory = (directory as NSString).deletingLastPathComponent
    }
    _ = try await Git(directory: directory).identity()
  }
}

/// Runs a command's body, turning pushnote's errors into one line on stderr and their exit status.
func reportingErrors(_ body: () async throws -> Void) async throws {
  do {
    try await body()
  } catch let error as PushnoteError {
    Terminal.standardOutput.flush()
    Terminal.standardError.write(CommandLineContract.errorLine(error.description) + "\n")
    throw ExitCode(error.exitStatus.rawValue)
  }
}
