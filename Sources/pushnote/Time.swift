import ArgumentParser
import Foundation
import PushnoteCore

extension Pushnote {
  /// `pushnote time EVENT [--at TIME]`.
  struct Time: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Add an entry to the note's timeline (start, end, or any text).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: EditOptions

    @Argument(help: "What happened: start, end, or free text.")
    var event: String

    @Option(help: "When (11:02, 9:17am, 17:33 UTC, 2026-12-01 11:02 PST; default: now).")
    var at: String?

    func run() async throws {
      try await reportingErrors {
        let zone = try global.openNotebook().config.timeZone
        try await options.edit(global) { editor in
          let time = try resolveTime(at, note: editor.parsed.note, zone: zone)
          let entry = NoteEditor.timelineEntry(event, at: time, noteDate: editor.parsed.note.date, zone: zone)
          return NoteEditing.Change(edits: [editor.appendLine(entry, toSection: "Timeline")], message: "timeline: \(entry.dropFirst(2))")
        }
      }
    }
  }
}
