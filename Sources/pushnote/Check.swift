import ArgumentParser
import PushnoteCore

extension Pushnote {
  /// `pushnote check TEXT`.
  struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", abstract: "Tick the one checklist item whose text matches TEXT.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: EditOptions
    @Argument(help: ArgumentHelp("Text of the item (an exact match, or a part only it contains).", valueName: "TEXT"))
    var text: String

    func run() async throws {
      try await reportingErrors { try await setItem(.done, matching: text, global: global, options: options) }
    }
  }

  /// `pushnote uncheck TEXT`.
  struct Uncheck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "uncheck", abstract: "Untick the one checklist item whose text matches TEXT.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: EditOptions
    @Argument(help: ArgumentHelp("Text of the item (an exact match, or a part only it contains).", valueName: "TEXT"))
    var text: String

    func run() async throws {
      try await reportingErrors { try await setItem(.open, matching: text, global: global, options: options) }
    }
  }
}

/// Ticks or unticks the item matching `text`, committing with a message that names it.
private func setItem(_ state: Note.ItemState, matching text: String, global: GlobalOptions, options: EditOptions) async throws {
  try await options.edit(global) { editor in
    let item = try editor.item(matching: text)
    let edits = try editor.setState(state, of: item).map { [$0] } ?? []
    return NoteEditing.Change(edits: edits, message: "\(state == .done ? "check" : "uncheck"): \(item.text)")
  }
}
