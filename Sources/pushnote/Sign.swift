import ArgumentParser
import Foundation
import PushnoteCore

extension SignoffRole: ExpressibleByArgument {}

extension Pushnote {
  /// `pushnote sign qa|ops|rm [--as NAME] [--at TIME]`.
  struct Sign: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sign", abstract: "Record a sign-off by QA, Ops or the release manager.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: EditOptions

    @Argument(help: ArgumentHelp("Who signs off: qa, ops or rm.", valueName: "ROLE"), completion: Completions.roles)
    var role: SignoffRole

    @Option(
      name: .customLong("as"),
      help: ArgumentHelp("The name to record (default: the note's person for the role, else $USER).", valueName: "NAME"))
    var name: String?

    @OptionGroup var when: TimeOption

    @Flag(help: "Replace the role's sign-off when it has one.")
    var again = false

    @Flag(help: "Record a time on a day before the push day.")
    var beforePushDay = false

    func run() async throws {
      try await reportingErrors {
        try await when.edit(global, options) { editor, time, zone in
          let signer = name ?? defaultSigner(role, note: editor.parsed.note)
          let edit = try editor.signOff(role: role, name: signer, at: time, zone: zone, again: again, beforePushDay: beforePushDay)
          let stamp = NoteEditor.localTimestamp(time, zone: zone)
          return NoteEditing.Change(edits: [edit], message: "sign-off: \(role.label) \(signer) at \(stamp)")
        }
      }
    }
  }
}

/// The person a role's sign-off names when `--as` is not given.
private func defaultSigner(_ role: SignoffRole, note: Note) -> String {
  let fromNote: String?
  switch role {
  case .qa: fromNote = note.people.qa
  case .ops: fromNote = note.people.ops
  case .rm: fromNote = note.people.releaseManager
  }
  if let fromNote, !fromNote.isEmpty { return fromNote }
  return ProcessInfo.processInfo.environment["USER"] ?? role.label
}
