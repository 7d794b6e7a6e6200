import Foundation

extension NoteEditor {
  /// The splice that records a sign-off (``sign(role:name:at:zone:)``), refusing what would be a
  /// surprise: replacing a sign-off the role has made, or a time on a day before the push.
  ///
  /// - Parameters:
  ///   - again: replace a done sign-off of the role that names someone or a time.
  ///   - beforePushDay: record a time on a day before the note's push date.
  /// - Throws: ``NoteEditError/alreadySignedOff(role:line:existing:)``,
  ///   ``NoteEditError/signoffBeforePushDay(time:pushDate:)``.
  public func signOff(
    role: SignoffRole, name: String, at time: Date, zone: TimeZone, again: Bool = false, beforePushDay: Bool = false
  ) throws(NoteEditError) -> ByteEdit {
    if !again, let existing = parsed.note.signoffs.last(where: { $0.role == role.rawValue && $0.done && ($0.name != nil || $0.at != nil) })
    {
      let said = parsed.source.string(existing.valueRange).trimmingCharacters(in: .whitespaces)
      throw .alreadySignedOff(role: role.label, line: existing.line, existing: said)
    }
    let stamp = NoteEditor.localTimestamp(time, zone: zone)
    if !beforePushDay, let pushDate = parsed.note.date, let day = PushDate(String(stamp.prefix(10))), day < pushDate {
      throw .signoffBeforePushDay(time: stamp, pushDate: pushDate)
    }
    return sign(role: role, name: name, at: time, zone: zone)
  }
}
