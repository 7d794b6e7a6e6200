import ArgumentParser
import PushnoteCore

/// The `pushnote` command: the release manager's weekly push note.
@main
struct Pushnote: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pushnote",
    abstract: "The release manager's weekly push note: parse, sync, tag, mail.",
    subcommands: [
      Init.self,
      New.self,
      Show.self,
      Lint.self,
      Check.self,
      Uncheck.self,
      Sign.self,
      Time.self,
      RotationCommand.self,
      CalendarCommand.self,
      StatsCommand.self,
      Sync.self,
      Mail.self,
      TagCommand.self,
      CherryPickCommand.self,
      StageCommand.self,
      Say.self,
    ]
  )
}
