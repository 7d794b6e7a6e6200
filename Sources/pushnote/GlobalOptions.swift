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

  /// The note a NOTE argument names and the notebook it belongs to: a Markdown file that exists is
  /// read in its own notebook, or with the defaults when it belongs to none (no notebook needed);
  /// anything else is looked up in the notebook these options name.
  func openNote(_ argument: String?) throws(NotebookError) -> (notebook: Notebook, path: String) {
    let workingDirectory = FileManager.default.currentDirectoryPath
    if let argument, argument.hasSuffix(".md") || argument.contains("/") {
      let absolute = argument.hasPrefix("/") ? argument : (workingDirectory as NSString).appendingPathComponent(argument)
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory), !isDirectory.boolValue {
        let environment = ProcessInfo.processInfo.environment
        let explicit = notebook ?? environment["PUSHNOTE_NOTEBOOK"].flatMap { $0.isEmpty ? nil : $0 }
        let root = explicit.map { $0.hasPrefix("/") ? $0 : (workingDirectory as NSString).appendingPathComponent($0) }
        let owner = try Notebook.owning(file: absolute, explicitRoot: root)
        return (owner, URL(fileURLWithPath: absolute).standardizedFileURL.path)
      }
    }
    let notebook = try openNotebook()
    return (notebook, try notebook.resolveNote(argument))
  }

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
