import ArgumentParser
import Foundation
import PushnoteCore

extension Pushnote {
  /// `pushnote show [NOTE] [--json]`: the parsed note.
  struct Show: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Show the parsed note: progress per section, compare links, flags, migrations, cherry-picks, sign-offs, timeline.")

    @OptionGroup var global: GlobalOptions

    @OptionGroup var target: NoteArgument
    private var note: String? { target.value }

    @Flag(name: .long, help: "Print the model as JSON (see docs/json.md).")
    var json = false

    func run() async throws {
      try await reportingErrors {
        let (notebook, path) = try global.openNote(note)
        var parsed = try ParsedNote.read(path: path, config: notebook.config)
        parsed.note.file = notebook.relativePath(path)
        let output = Terminal.standardOutput
        if json { output.write(bytes: parsed.note.jsonBytes()) } else { output.write(Show.render(parsed.note, on: output)) }
      }
    }

    /// The human view of a note.
    static func render(_ note: Note, on terminal: Terminal) -> String {
      var lines: [String] = []
      lines.append(terminal.styled(note.title ?? note.file ?? "(untitled note)", .bold))
      let facts = [
        note.date.map { "date \($0)" }, note.tag.map { "tag \($0)" }, note.pad.map { "pad \($0)" },
        note.pushes > 1 ? "\(note.pushes) pushes" : nil,
      ].compactMap { $0 }
      if !facts.isEmpty { lines.append(facts.joined(separator: " · ")) }
      let people = [
        note.people.releaseManager.map { "release manager \($0)" }, note.people.qa.map { "QA \($0)" }, note.people.ops.map { "Ops \($0)" },
      ].compactMap { $0 }
      if !people.isEmpty { lines.append(people.joined(separator: " · ")) }

      let checklists = note.sections.filter { !$0.items.isEmpty }
      if !checklists.isEmpty {
        lines.append(heading("Checklists", on: terminal))
        let width = min(36, checklists.map { $0.title.count }.max() ?? 0)
        for section in checklists {
          let title = section.title.count > width ? String(section.title.prefix(width - 1)) + "…" : section.title
          let padded = title + String(repeating: " ", count: max(0, width - title.count))
          let color: Terminal.Color = section.progress.total > 0 && section.progress.done == section.progress.total ? .green : .yellow
          lines.append("  \(padded)  \(terminal.styled(bar(section.progress), color))  \(section.progress.done)/\(section.progress.total)")
        }
      }
      section(
        "Compare links", note.compare.map { "\($0.repo)  \($0.from)...\($0.to)  \(terminal.styled($0.url, .dim))" }, into: &lines,
        on: terminal)
      section(
        "Cherry-picks",
        note.cherryPicks.map { "\(box($0.done)) \($0.repo) \($0.sha.prefix(12))" + ($0.tag.map { "  (\($0))" } ?? "") }, into: &lines,
        on: terminal)
      section(
        "Flags", note.flags.map { "\(box($0.done)) \($0.kind) \($0.name)" + ($0.desired.map { " → \($0)" } ?? "") }, into: &lines,
        on: terminal)
      section(
        "Migrations", note.migrations.map { "\(box($0.done)) \($0.text)" + ($0.repo.map { "  (\($0))" } ?? "") }, into: &lines, on: terminal
      )
      section(
        "Sign-offs",
        note.signoffs.map { "\(box($0.done)) \($0.role)  \($0.name ?? "-")" + ($0.at.map { "  \($0)" } ?? "") }, into: &lines, on: terminal)
      section(
        "Timeline", note.timeline.map { "\($0.at ?? "(no time)".padding(toLength: 25, withPad: " ", startingAt: 0))  \($0.event)" },
        into: &lines, on: terminal)
      if let seconds = note.durationSeconds { lines.append("\nDuration: \(PushDuration.text(seconds: seconds))") }
      let errors = note.problems.filter { $0.severity == .error }.count
      if !note.problems.isEmpty {
        let summary = "\(errors) error(s), \(note.problems.count - errors) warning(s): run pushnote lint"
        lines.append("\n" + terminal.styled(summary, errors > 0 ? .red : .yellow))
      }
      return lines.joined(separator: "\n") + "\n"
    }

    private static func heading(_ title: String, on terminal: Terminal) -> String { "\n" + terminal.styled(title, .blue) }

    private static func section(_ title: String, _ entries: [String], into lines: inout [String], on terminal: Terminal) {
      guard !entries.isEmpty else { return }
      lines.append(heading(title, on: terminal))
      lines.append(contentsOf: entries.map { "  " + $0 })
    }

    /// `[x]` or `[ ]`.
    private static func box(_ done: Bool) -> String { done ? "[x]" : "[ ]" }

    /// A 20-cell progress bar.
    static func bar(_ progress: Note.Progress, cells: Int = 20) -> String {
      let filled = progress.total == 0 ? 0 : progress.done * cells / progress.total
      return "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: cells - filled) + "]"
    }
  }
}
