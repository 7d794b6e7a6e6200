import ArgumentParser
import Foundation
import PushnoteCore

/// The `pushnote` command: the release manager's weekly push note.
@main
struct Pushnote: AsyncParsableCommand {
  /// The version `pushnote --version` prints.
  static let version = "1.0.0"

  static let configuration = CommandConfiguration(
    commandName: "pushnote",
    abstract: "The release manager's weekly push note: parse, sync, tag, mail.",
    discussion: """
      The notebook is -C DIR or --notebook DIR, before or after the command, else $PUSHNOTE_NOTEBOOK, else the nearest \
      folder upward holding pushnote.yml, else ./notebook. See docs/cli.md.
      """,
    version: version,
    subcommands: [
      Init.self,
      New.self,
      Status.self,
      Show.self,
      List.self,
      Edit.self,
      Lint.self,
      Check.self,
      Uncheck.self,
      Sign.self,
      Time.self,
      Rotation.self,
      Calendar.self,
      Stats.self,
      Sync.self,
      Mail.self,
      Tag.self,
      CherryPick.self,
      Stage.self,
      Say.self,
    ]
  )

  /// Runs the command line: global options moved behind the command, one error format, output flushed.
  static func main() async {
    let arguments = CommandLineContract(Array(CommandLine.arguments.dropFirst()), commands: commandNames)
    Terminal.colorChoice.withLock { $0 = arguments.colorChoice }
    if let unknown = arguments.unknownCommand {
      finish(ExitStatus.usage.rawValue, error: CommandLineContract.unknownCommandMessage(unknown, commands: commandNames))
    }
    do {
      var command = try await asyncParseAsRoot(arguments.arguments)
      if var asyncCommand = command as? AsyncParsableCommand {
        try await asyncCommand.run()
      } else {
        try command.run()
      }
    } catch {
      let code = exitCode(for: error)
      let message = fullMessage(for: error)
      if code == .success {
        if !message.isEmpty { Terminal.standardOutput.write(message + "\n") }
        finish(0, error: nil)
      }
      finish(code.rawValue, error: message.isEmpty ? nil : CommandLineContract.errorLine(fromParser: message))
    }
    finish(0, error: nil)
  }

  /// The names of the commands, for moving global options behind them and for suggestions.
  static var commandNames: [String] { configuration.subcommands.map { $0._commandName } + ["help"] }

  /// Writes out the buffered output, then the error, and ends the process.
  private static func finish(_ status: Int32, error: String?) -> Never {
    Terminal.standardOutput.flush()
    if let error { Terminal.standardError.write(error.hasSuffix("\n") ? error : error + "\n") }
    Foundation.exit(status)
  }
}
