import ArgumentParser
import PushnoteCore

/// The `pushnote` command: the release manager's weekly push note.
@main
struct Pushnote: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pushnote",
    abstract: "The release manager's weekly push note: parse, sync, tag, mail.",
    subcommands: [Show.self, Lint.self]
  )
}
