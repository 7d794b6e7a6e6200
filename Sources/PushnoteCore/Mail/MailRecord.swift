import Foundation

/// The note's record of a sent message: a header field such as
/// `- Mail sent: 2026-12-01 12:40 PST <announcement...@example.org>`, written as a byte splice.
///
/// Header fields are the list items before the first section heading. This is the mail's own
/// small splice until the note editor's header-field setter is on main.
public enum MailRecord {
  /// The text of the header item recording a sent message of `kind` (`Mail sent: ...`); nil when none.
  public static func recorded(_ kind: MailKind, in document: MarkdownDocument) -> String? {
    field(kind, in: document).map { document.source.string($0.range).trimmingSpaces }
  }

  /// The header item's text: `Mail sent: 2026-12-01 12:40 PST <id>`.
  public static func text(_ kind: MailKind, at date: Date, in zone: TimeZone, messageID: String) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = zone
    formatter.dateFormat = "yyyy-MM-dd HH:mm zzz"
    return "\(kind.sentField): \(formatter.string(from: date)) <\(messageID)>"
  }

  /// The splice that records a send: replaces an existing record's text, else adds an item after
  /// the last header item, else a header list after the title, else at the top of the file.
  public static func edit(_ kind: MailKind, text: String, in document: MarkdownDocument) -> ByteEdit {
    let source = document.source
    let ending = source.preferredLineEnding
    if let existing = field(kind, in: document) {
      return ByteEdit(range: existing.range.lowerBound..<source.lineRange(source.location(ofOffset: existing.range.upperBound).line).upperBound, text: text)
    }
    let header = headerBlocks(document)
    if let list = header.last(where: { if case .list = $0.kind { return true } else { return false } }) {
      let marker = source.string(list.range.lowerBound..<(list.children.first?.children.first?.range.lowerBound ?? list.range.lowerBound))
      let bullet = marker.trimmingSpaces.isEmpty ? "- " : marker
      return ByteEdit(range: list.range.upperBound..<list.range.upperBound, text: ending + bullet + text)
    }
    if let title = header.first(where: { $0.kind == .heading(level: 1) }) {
      return ByteEdit(range: title.range.upperBound..<title.range.upperBound, text: ending + ending + "- " + text)
    }
    let start = source.byteOrderMarkLength
    return ByteEdit(range: start..<start, text: "- " + text + ending + ending)
  }

  /// The top-level blocks before the first heading other than a level-1 title.
  static func headerBlocks(_ document: MarkdownDocument) -> [MarkdownBlock] {
    var result: [MarkdownBlock] = []
    for block in document.blocks {
      if case .heading(let level) = block.kind, level > 1 || result.contains(where: { $0.kind == .heading(level: 1) }) { break }
      result.append(block)
    }
    return result
  }

  /// The first paragraph of the header item recording `kind`.
  private static func field(_ kind: MailKind, in document: MarkdownDocument) -> MarkdownBlock? {
    let prefix = kind.sentField.lowercased() + ":"
    for list in headerBlocks(document) {
      guard case .list = list.kind else { continue }
      for item in list.children {
        if let paragraph = item.children.first, paragraph.kind == .paragraph, paragraph.plainText.lowercased().hasPrefix(prefix) { return paragraph }
      }
    }
    return nil
  }
}
