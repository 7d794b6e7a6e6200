import ArgumentParser
import Foundation
import PushnoteCore

extension Pushnote {
  /// `pushnote stats`: how pushes went, week by week, over every note of the notebook.
  struct Stats: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "stats",
      abstract: "Push history over every note: duration, pushes, cherry-picks, checklists, sign-offs; trends by quarter.",
      discussion: """
        Works on notes written by hand too (dates from paths like 2017/06/15.md). What a note does not let \
        pushnote read is reported as lint warnings on standard error (in the JSON under "warnings"); it never fails the command.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("Only push dates on or after this date (YYYY-MM-DD).", valueName: "DATE"))
    var since: String?

    @Flag(name: .long, help: "Print the figures as JSON: weeks, totals, quarters, warnings.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("Also write a chart of the duration per week as SVG to FILE.", valueName: "FILE"))
    var svg: String?

    @Option(name: .long, help: ArgumentHelp("Also write the per-week figures as CSV to FILE.", valueName: "FILE"))
    var csv: String?

    func run() async throws {
      try await reportingErrors {
        let notebook = try global.openNotebook()
        let first = try since.map { text throws(NotebookError) in try Notebook.parseDate(text) }
        let stats = DutyStats.collect(notebook: notebook, since: first)
        if let svg { try AtomicFile.write(StatsChart(stats: stats, product: notebook.config.product).svg, to: svg) }
        if let csv { try AtomicFile.write(StatsTable.csv(stats), to: csv) }
        if json {
          try Terminal.standardOutput.writeJSON(stats)
          return
        }
        let errors = Terminal.standardError
        for warning in stats.warnings {
          errors.write("\(warning.file):\(warning.line):\(warning.column): \(errors.styled("warning", .yellow)): \(warning.message)\n")
        }
        Terminal.standardOutput.write(Stats.render(stats, on: .standardOutput))
      }
    }

    /// The table, the totals and the trend, for people.
    static func render(_ stats: DutyStats, on terminal: Terminal) -> String {
      func duration(_ seconds: Int?) -> String { seconds.map(DutyStats.formatDuration) ?? "-" }
      let header = ["week", "release manager", "duration", "pushes", "picks", "checklist", "to sign-off"]
      var rows = [header]
      for week in stats.weeks {
        rows.append([
          week.date.iso, week.releaseManager ?? "-", duration(week.durationSeconds), String(week.pushes), String(week.cherryPicks),
          week.checklistTotal > 0 ? "\(week.checklistDone)/\(week.checklistTotal)" : "-", duration(week.secondsToLastSignoff),
        ])
      }
      let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
      var lines = rows.enumerated().map { index, row in
        let text = row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
          .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        return index == 0 ? terminal.styled(text, .bold) : stats.weeks[index - 1].repeated ? terminal.styled(text, .yellow) : text
      }
      let totals = stats.totals
      let share = Int((totals.repeatPushShare * 100).rounded())
      let checklist =
        totals.checklistTotal > 0 ? "\(Int((Double(totals.checklistDone) / Double(totals.checklistTotal) * 100).rounded()))%" : "-"
      lines += [
        "",
        terminal.styled("\(totals.weeks) weeks", .bold) + " (\(totals.weeksWithDuration) with a duration): median duration "
          + "\(duration(totals.medianDurationSeconds)), \(totals.pushes) pushes, \(totals.weeksWithRepeatPush) weeks with a repeat push "
          + "(\(share)%), \(totals.cherryPicks) cherry-picks, checklists \(checklist) done, median to last sign-off "
          + duration(totals.medianSecondsToLastSignoff),
      ]
      if !stats.quarters.isEmpty {
        lines.append(terminal.styled("By quarter", .bold) + " (median duration, weeks, share with a repeat push):")
        lines += stats.quarters.map {
          "  \($0.quarter)  \(duration($0.medianDurationSeconds).padding(toLength: 12, withPad: " ", startingAt: 0))  "
            + "\(String($0.weeks).padding(toLength: 3, withPad: " ", startingAt: 0)) weeks  \(Int(($0.repeatPushShare * 100).rounded()))% repeat"
        }
      }
      return lines.joined(separator: "\n") + "\n"
    }
  }
}
