import Foundation

/// The note's record of a sent message: the header field
/// `- Mail sent: 2026-12-01 12:40 PST <announcement...@example.org>` (`Hand-over sent` for the
/// hand-over), set with the note editor's header-field splice.
public enum MailRecord {
  /// The header field recording a sent message of `kind`, when the note has one with a value.
  public static func recorded(_ kind: MailKind, in note: Note) -> Note.HeaderField? {
    note.headerFields.first { $0.key == kind.headerKey && !$0.value.isEmpty }
  }

  /// The field's value: `2026-12-01 12:40 PST <id>`.
  public static func value(at date: Date, in zone: TimeZone, messageID: String) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = zone
    formatter.dateFormat = "yyyy-MM-dd HH:mm zzz"
    return "\(formatter.string(from: date)) <\(messageID)>"
  }
}
