import ArgumentParser
import Foundation
import PushnoteCore

extension Pushnote {
  /// `pushnote calendar`: the push-duty calendar as iCalendar, to subscribe to or import.
  struct Calendar: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "calendar",
      abstract: "Write the push-duty calendar (RFC 5545): tag, push and announcement of each duty week.",
      discussion: """
        Events keep their UIDs across exports, so re-importing updates them instead of adding copies. \
        DTSTAMP is now, or SOURCE_DATE_EPOCH (seconds since 1970) when set, for reproducible files.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to FILE (atomically) instead of standard output.", valueName: "FILE"))
    var output: String?

    @Option(name: .long, help: ArgumentHelp("Only the weeks this person is release manager.", valueName: "NAME"))
    var person: String?

    @Option(name: .long, help: ArgumentHelp("How many push weeks to cover.", valueName: "N"))
    var weeks = 12

    @Option(
      name: .long,
      help: ArgumentHelp("Start at the first push day on or after this date (default: the coming push day).", valueName: "DATE"))
    var from: String?

    func validate() throws {
      guard weeks > 0 else { throw ValidationError("--weeks must be positive") }
    }

    func run() async throws {
      try await reportingErrors {
        let notebook = try global.openNotebook()
        _ = try PushnoteCore.Rotation.required(for: notebook)
        let start = try from.map { text throws(NotebookError) in try Notebook.parseDate(text) } ?? notebook.comingPushDate()
        let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap { Double($0) }
        let calendar = DutyCalendar(notebook: notebook, stamp: epoch.map(Date.init(timeIntervalSince1970:)) ?? Date())
        let text = calendar.ics(for: try calendar.turns(from: start, weeks: weeks, person: person))
        if let output {
          try AtomicFile.write(text, to: output)
        } else {
          Terminal.standardOutput.write(text)
        }
      }
    }
  }
}
