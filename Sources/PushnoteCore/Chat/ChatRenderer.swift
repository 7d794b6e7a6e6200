import Foundation

/// Renders an event's message from its template in `templates/chat/` (the notebook's own first,
/// then the defaults), with the note's fields and the event's.
///
/// The template sees `product`, `date`, `tag`, `pad`, `title`, `release_manager`, `qa`, `ops`,
/// `note_file` of the note, and the event's own fields (`docs/chat.md` lists them). Values from the
/// note and from servers are single lines: a line break in them becomes a blank, so only the
/// template's own lines make lines of the message.
struct ChatRenderer {
  let notebook: Notebook
  let templates: Templates

  /// The message, trailing blank lines trimmed; empty when the template renders nothing.
  ///
  /// - Throws: ``NotebookError/template(path:message:)`` when the template is missing or broken.
  func render(_ event: ChatEvent) throws(NotebookError) -> String {
    var context: [String: Any] = [:]
    if let notePath = event.notePath, let parsed = try? ParsedNote.read(path: notePath, config: notebook.config) {
      let note = parsed.note
      context["title"] = note.title
      context["date"] = note.date?.iso
      context["tag"] = note.tag ?? note.date.map { notebook.tag(for: $0).name }
      context["pad"] = note.pad ?? note.date.map(notebook.padID(for:))
      context["release_manager"] = note.people.releaseManager
      context["qa"] = note.people.qa
      context["ops"] = note.people.ops
      context["note_file"] = notebook.relativePath(notePath)
    }
    context["product"] = notebook.config.product
    for (key, value) in event.fields { context[key] = value }
    for (key, list) in event.lists { context[key] = list }
    if event.kind != .say { context = Self.flattened(context) }
    let text = try templates.render("chat/" + event.template, context: context)
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    while lines.last?.isEmpty == true { lines.removeLast() }
    while lines.first?.isEmpty == true { lines.removeFirst() }
    return lines.joined(separator: "\n")
  }

  /// Every text value with its line breaks made blanks, in lists too.
  static func flattened(_ context: [String: Any]) -> [String: Any] {
    context.mapValues { value -> Any in
      if let text = value as? String { return flat(text) }
      if let list = value as? [[String: String]] { return list.map { $0.mapValues(flat) } }
      return value
    }
  }

  private static func flat(_ text: String) -> String {
    String(String.UnicodeScalarView(text.unicodeScalars.map { $0 == "\r" || $0 == "\n" || $0 == "\u{2028}" ? " " : $0 }))
  }
}
