import ArgumentParser
import Foundation
import PushnoteCore

extension Pushnote {
  /// `pushnote rotation`: who is release manager on each coming push date.
  struct Rotation: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "rotation",
      abstract: "Show who is release manager on each coming push date (rotation, swaps, skips).",
      discussion: """
        Turns are counted in push weeks from a fixed anchor, so a schedule stays the same over time. \
        A swap replaces the person of one date; a skipped date has no push and the rotation does not advance.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("How many push weeks to show.", valueName: "N"))
    var weeks = 8

    @Option(
      name: .long,
      help: ArgumentHelp("Start at the first push day on or after this date (default: the coming push day).", valueName: "DATE"))
    var from: String?

    @Flag(name: .long, help: "Print JSON: [{date, person, reason}].")
    var json = false

    func validate() throws {
      guard weeks > 0 else { throw ValidationError("--weeks must be positive") }
    }

    func run() async throws {
      try await reportingErrors {
        let notebook = try global.openNotebook()
        let rotation = try PushnoteCore.Rotation.required(for: notebook)
        let start = try from.map { text throws(NotebookError) in try Notebook.parseDate(text) } ?? notebook.comingPushDate()
        let turns = rotation.schedule(from: start, weeks: weeks)
        if json {
          try Terminal.standardOutput.writeJSON(turns)
          return
        }
        let out = Terminal.standardOutput
        for turn in turns {
          switch turn.reason {
          case .skip: out.write("\(turn.date)  " + out.styled("no push (skipped)", .dim) + "\n")
          case .swap: out.write("\(turn.date)  \(turn.person ?? "")  " + out.styled("(swap)", .yellow) + "\n")
          case .rotation: out.write("\(turn.date)  \(turn.person ?? "")\n")
          }
        }
      }
    }
  }
}
