import ArgumentParser
import Foundation
import PushnoteCore

extension Pushnote {
  /// `pushnote status [--json]`: this week at a glance and the next step.
  struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "status",
      abstract: "Show this week at a glance: the note, its progress and open items, tags, sign-offs, mails, and the next step.",
      discussion: """
        Also shows whether the pad or the file changed since the last sync (one request to the pad, at most \
        3 seconds or $PUSHNOTE_PAD_TIMEOUT; an unreachable pad is one line, not an error) and the chat \
        messages waiting for their server.
        """)

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print the status as JSON (docs/json.md).")
    var json = false

    func run() async throws {
      try await reportingErrors {
        let notebook = try global.openNotebook()
        var status = try WeekStatus.read(notebook: notebook)
        await status.readPadAndChat(notebook: notebook, environment: ProcessInfo.processInfo.environment)
        let out = Terminal.standardOutput
        if json {
          try out.writeJSON(status)
          return
        }
        out.write(Status.render(status, on: out))
      }
    }

    /// The human view.
    static func render(_ status: WeekStatus, on terminal: Terminal) -> String {
      var lines = [terminal.styled("Push \(status.date)", .bold) + "  " + (status.file ?? "no note yet")]
      if status.file != nil {
        var facts = ["\(status.done)/\(status.total) done"]
        if let tag = status.tag { facts.append("tag \(tag)" + (status.pushes > 1 ? " (\(status.pushes) pushes)" : "")) }
        facts.append("signed off: " + (status.signedOff.isEmpty ? "nobody" : status.signedOff.joined(separator: ", ")))
        facts.append(status.ended ? "push ended" : status.started ? "push running" : "push not started")
        facts.append(status.mailSent == nil ? "mail not sent" : "mail sent")
        lines.append(facts.joined(separator: " · "))
        if !status.openItems.isEmpty {
          lines.append("Open:")
          lines += status.openItems.prefix(10).map { "  [ ] \($0)" }
          if status.openItems.count > 10 { lines.append("  … and \(status.openItems.count - 10) more") }
        }
      }
      if let pad = status.pad { lines.append(padLine(pad, on: terminal)) }
      if let problem = status.chatQueueError { lines.append(terminal.styled("chat: \(problem)", .red)) }
      if !status.chatQueue.isEmpty {
        let count = status.chatQueue.count
        lines.append(
          "Chat: \(count) message\(count == 1 ? "" : "s") waiting (the next command that reaches the server sends them, or pushnote say --flush):"
        )
        lines += status.chatQueue.map { "  \($0.event.rawValue) to \($0.destination): \($0.text)" }
      }
      lines.append("Next: " + (status.nextStep.map { terminal.styled($0, .green) } ?? "nothing; the week is done"))
      return lines.joined(separator: "\n") + "\n"
    }
  }

  /// The pad's line of the human view: one dim line when there is nothing to do.
  static func padLine(_ pad: PadStatus, on terminal: Terminal) -> String {
    let revisions = pad.revision.map { now in pad.baseRevision.map { "revision \($0) → \(now)" } ?? "revision \(now)" } ?? ""
    switch pad.state {
    case .notConfigured: return terminal.styled("pad: none configured (pad.url in pushnote.yml)", .dim)
    case .notSynced: return terminal.styled("pad: not synced yet (pushnote sync)", .dim)
    case .inStep: return terminal.styled("pad: in step with the file (revision \(pad.revision ?? 0))", .dim)
    case .padChanged:
      return "pad: " + terminal.styled("changed since the last sync", .yellow) + " (\(revisions)); pushnote sync brings it in"
    case .fileChanged: return "pad: " + terminal.styled("the file changed since the last sync", .yellow) + "; pushnote sync sends it"
    case .bothChanged:
      return "pad: " + terminal.styled("the file and the pad both changed since the last sync", .yellow)
        + " (\(revisions)); pushnote sync merges"
    case .padMissing:
      return "pad: " + terminal.styled("\(pad.padID ?? "the pad") no longer exists on the server", .red) + " (pushnote sync --recreate-pad)"
    case .unreachable: return terminal.styled("pad: not reachable", .dim)
    case .failed: return terminal.styled("pad: \(pad.message ?? "unknown")", .red)
    }
  }

  /// `pushnote list [--json]`: every note with its date, progress, pushes and duration.
  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "list", abstract: "List the notes: date, file, progress, pushes and duration.")

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print the notes as JSON (docs/json.md).")
    var json = false

    func run() async throws {
      try await reportingErrors {
        let notebook = try global.openNotebook()
        let weeks = DutyStats.collect(notebook: notebook).weeks
        let out = Terminal.standardOutput
        if json {
          try out.writeJSON(weeks)
          return
        }
        let rows =
          [["DATE", "NOTE", "DONE", "PUSHES", "DURATION"]]
          + weeks.map { week in
            [
              week.date.iso, week.file, week.checklistTotal > 0 ? "\(week.checklistDone)/\(week.checklistTotal)" : "-", String(week.pushes),
              week.durationSeconds.map(DutyStats.formatDuration) ?? "-",
            ]
          }
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        for (index, row) in rows.enumerated() {
          let line = zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
            .trimmingCharacters(in: .whitespaces)
          out.write((index == 0 ? out.styled(line, .bold) : line) + "\n")
        }
      }
    }
  }

  /// `pushnote edit [NOTE]`: the note in `$VISUAL` or `$EDITOR`, linted afterwards.
  struct Edit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "edit",
      abstract: "Open the note in $VISUAL or $EDITOR (else vi), then lint it (exit 65 when it has errors).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var target: NoteArgument

    func run() async throws {
      var failed = false
      try await reportingErrors {
        let (notebook, path) = try global.openNote(target.value)
        let environment = ProcessInfo.processInfo.environment
        let editor = [environment["VISUAL"], environment["EDITOR"]].compactMap { $0 }.first { !$0.isEmpty } ?? "vi"
        Terminal.standardOutput.flush()
        // The editor may carry arguments ("code --wait"), so the shell splits it; the path is passed apart.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", editor + " \"$1\"", "sh", path]
        do {
          try process.run()
        } catch {
          throw NotebookError.fileSystem(path: editor, message: "the editor could not be started: \(error.localizedDescription)")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
          throw NotebookError.fileSystem(path: path, message: "the editor exited with status \(process.terminationStatus); not linted")
        }
        let report = Lint.report(path: path, shownAs: Lint.displayPath(path), config: notebook.config)
        Lint.write(report, on: Terminal.standardOutput)
        failed = report.problems.contains { $0.severity == .error }
      }
      if failed { throw ExitCode(ExitStatus.dataError.rawValue) }
    }
  }
}
