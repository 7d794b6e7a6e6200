import ArgumentParser
import Foundation
import PushnoteCore

extension Pushnote {
  /// `pushnote show [NOTE] [--json]`: the parsed note.
  struct Show: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "show",
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
        if json {
          try output.writeJSON(parsed.note)
        } else {
          output.write(Show.render(parsed.note, zone: notebook.config.timeZone, on: output))
        }
      }
    }

    /// The human view of a note, times in the notebook's zone.
    static func render(_ note: Note, zone: TimeZone, on terminal: Terminal) -> String {
      var lines: [String] = []
      lines.append(terminal.styled(note.title ?? note.file ?? "(untitled note)", .bold))
      if let file = note.file, note.title != nil { lines.append(terminal.styled(file, .dim)) }
      let clock = Clock(zone: zone, day: note.date)
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
      let repoWidth = note.compare.map(\.repo.count).max() ?? 0
      let rangeWidth = note.compare.map { $0.from.count + 3 + $0.to.count }.max() ?? 0
      section(
        "Compare links",
        note.compare.map {
          pad($0.repo, repoWidth) + "  " + pad("\($0.from)...\($0.to)", rangeWidth) + "  " + terminal.styled($0.url, .dim)
        }, into: &lines, on: terminal)
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
        note.signoffs.map { "\(box($0.done)) \(pad($0.role, 3))  \($0.name ?? "-")" + ($0.at.map { "  \(clock.text($0))" } ?? "") },
        into: &lines, on: terminal)
      let times = note.timeline.map { $0.at.map(clock.text) ?? "(no time)" }
      let timeWidth = times.map(\.count).max() ?? 0
      section("Timeline", zip(times, note.timeline).map { "\(pad($0, timeWidth))  \($1.event)" }, into: &lines, on: terminal)
      let open = note.sections.flatMap { $0.items.filter { $0.state == .open } }
      section("Open items", open.map { "[ ] \($0.text)" }, into: &lines, on: terminal)
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

    /// Text padded with blanks to a width.
    private static func pad(_ text: String, _ width: Int) -> String {
      text + String(repeating: " ", count: max(0, width - text.count))
    }

    /// Times as people read them: `12:10 PST` in the notebook's zone, with the date when it is not the push date.
    ///
    /// The model's times are ISO 8601 with the offset of the notebook's zone at that instant
    /// (`2026-12-01T12:10:00-08:00`), so the clock is read off the text; only the zone's name is
    /// looked up, once per offset, because date formatting costs more than the whole rest of `show`.
    final class Clock {
      private let zone: TimeZone
      private let day: String?
      private var names: [Substring: String] = [:]

      init(zone: TimeZone, day: PushDate?) {
        self.zone = zone
        self.day = day?.iso
      }

      /// The time as `12:10 PST`, or `2026-12-02 00:15 PST`; as it is when it is not ISO 8601.
      func text(_ iso: String) -> String {
        let characters = Array(iso.utf8)
        guard characters.count >= 20, characters[10] == UInt8(ascii: "T"), characters[13] == UInt8(ascii: ":") else { return iso }
        let offset = iso.dropFirst(19)
        let name: String
        if let known = names[offset] {
          name = known
        } else {
          guard let date = ISO8601DateFormatter().date(from: iso) else { return iso }
          let formatter = DateFormatter()
          formatter.locale = Locale(identifier: "en_US_POSIX")
          formatter.timeZone = zone
          formatter.dateFormat = "zzz"
          name = formatter.string(from: date)
          names[offset] = name
        }
        let date = String(iso.prefix(10))
        let clock = String(iso.dropFirst(11).prefix(5))
        return (date == day ? "" : date + " ") + clock + " " + name
      }
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
