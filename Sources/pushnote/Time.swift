import ArgumentParser
import Foundation
import PushnoteCore

extension Pushnote {
  /// `pushnote time EVENT [--at TIME]`.
  struct Time: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "time",
      abstract: "Add an entry to the note's timeline (start, end, or any text).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: EditOptions

    @Argument(help: ArgumentHelp("What happened: start, end, or free text.", valueName: "EVENT"))
    var event: String

    @OptionGroup var when: TimeOption

    func run() async throws {
      try await reportingErrors {
        try await when.edit(global, options) { editor, time, zone in
          let entry = NoteEditor.timelineEntry(event, at: time, noteDate: editor.parsed.note.date, zone: zone)
          return NoteEditing.Change(edits: [editor.appendLine(entry, toSection: "Timeline")], message: "timeline: \(entry.dropFirst(2))")
        }
        try await ChatHook.timeline(event, global: global, note: options.note)
      }
    }
  }
}
