import ArgumentParser
import Foundation
import PushnoteCore

extension Pushnote {
  /// `pushnote lint [NOTE...] [--json]`: problems as `file:line:col: error|warning: message`; exit 65 on errors.
  struct Lint: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "lint",
      abstract: "Report problems in notes as file:line:col: error|warning: message (exit 65 when there are errors).")

    @OptionGroup var global: GlobalOptions

    @Argument(
      help: ArgumentHelp("Dates, pad ids or Markdown files; nothing for this week's note.", valueName: "NOTE"),
      completion: Completions.notes)
    var positional: [String] = []

    @Option(name: .customLong("note"), help: ArgumentHelp("A note, as NOTE (may be given more than once).", valueName: "NOTE"))
    var option: [String] = []

    /// Every note given, the positional ones first.
    private var notes: [String] { positional + option }

    @Flag(name: .long, help: "Print the problems as JSON: [{file, problems: [{severity, line, column, message}]}].")
    var json = false

    /// One file's findings, as `--json` prints them.
    struct Report: Encodable {
      var file: String
      var problems: [Note.Problem]
    }

    func run() async throws {
      var failed = false
      try await reportingErrors {
        var reports: [Report] = []
        for argument in notes.isEmpty ? [nil] : notes.map(Optional.some) {
          let (notebook, path) = try global.openNote(argument)
          reports.append(Lint.report(path: path, shownAs: Lint.displayPath(path), config: notebook.config))
        }
        failed = reports.contains { $0.problems.contains { $0.severity == .error } }
        let output = Terminal.standardOutput
        if json {
          try output.writeJSON(reports)
        } else {
          for report in reports { Lint.write(report, on: output) }
        }
      }
      if failed { throw ExitCode(ExitStatus.dataError.rawValue) }
    }

    /// Writes a report's problems, one `file:line:col: error|warning: message` line each.
    static func write(_ report: Report, on output: Terminal) {
      for problem in report.problems {
        let severity = output.styled(problem.severity.rawValue, problem.severity == .error ? .red : .yellow)
        output.write("\(report.file):\(problem.line):\(problem.column): \(severity): \(problem.message)\n")
      }
    }

    /// Lints one file; a file that cannot be read or is not UTF-8 is one error at the place it names.
    static func report(path: String, shownAs file: String, config: NotebookConfig) -> Report {
      do {
        return Report(file: file, problems: try ParsedNote.read(path: path, config: config).note.problems)
      } catch let error as MarkdownError {
        guard case .invalidUTF8(_, let offset, let location) = error else {
          return Report(file: file, problems: [Note.Problem(severity: .error, line: 1, column: 1, message: error.description)])
        }
        let message = "invalid UTF-8 at byte offset \(offset)"
        return Report(
          file: file, problems: [Note.Problem(severity: .error, line: location.line, column: location.column, message: message)])
      } catch {
        return Report(file: file, problems: [Note.Problem(severity: .error, line: 1, column: 1, message: "\(error)")])
      }
    }

    /// A path as the user would type it: relative to the working directory when it is inside it.
    static func displayPath(_ path: String) -> String {
      let directory = FileManager.default.currentDirectoryPath
      return path.hasPrefix(directory + "/") ? String(path.dropFirst(directory.count + 1)) : path
    }
  }
}
