import Foundation

extension NoteParser {
  /// Timeline labels (lowercased) and what they mark: `start: 9:17am Pacific`, `- end time: 17:05 UTC`.
  static let timelineLabels: [String: Note.TimelineEntry.Mark] = [
    "start": .start, "start time": .start, "started": .start, "push start": .start, "push started": .start,
    "end": .end, "end time": .end, "ended": .end, "finished": .end, "push end": .end, "push ended": .end,
  ]

  /// Section titles that hold a timeline.
  static let timelineSectionWords: [ASCII.Needle] = ["timeline", "stats", "timing", "push log"]
  /// Words of free text that mark the start of the push.
  static let startWords: [ASCII.Needle] = ["start", "begin"]
  /// Words of free text that mark its end.
  static let endWords: [ASCII.Needle] = ["complete", "finish", "done", "ended", "end of push", "push end"]

  /// First words of free text that name one step of the push, whose start or end is not the push's.
  static let subActivities: [ASCII.Needle] = [
    "stage", "staging", "migration", "migrations", "cherry-pick", "cherry-picks", "tag", "tagging", "qa", "flag", "flags",
    "switch", "switches", "smoke", "reindex", "backup",
  ]

  /// A timeline entry before its time is resolved against the ones before it.
  private struct PendingEntry {
    var event: String
    var match: NoteTime.Match?
    var line: Int
    var range: Range<Int>
    var mark: Note.TimelineEntry.Mark
  }

  /// Reads a piece's timeline entries, and where the push starts and ends.
  ///
  /// Entries are `start:`/`end:` lines anywhere, `TIME: text` lines anywhere, and `TIME text`
  /// lines or items in a Timeline or Stats section. The duration runs from the first start to the
  /// last end.
  func readTimeline(_ piece: Piece, timelineSections: [Bool], state: inout TimelineState, into note: inout Note) {
    var pending: [PendingEntry] = []
    for item in piece.items where !item.firstLine.isEmpty {
      let inSection = { item.section.map { timelineSections[$0] } ?? false }
      if let entry = timelineEntry(item.firstLine, line: item.textLine, inSection: inSection, date: note.date) {
        pending.append(PendingEntry(event: entry.event, match: entry.match, line: entry.line, range: item.range, mark: entry.mark))
      }
    }
    for line in piece.lines where !line.range.isEmpty {
      let inSection = { line.section.map { timelineSections[$0] } ?? false }
      if let entry = timelineEntry(line.range, line: line.line, inSection: inSection, date: note.date) { pending.append(entry) }
    }
    pending.sort { $0.range.lowerBound < $1.range.lowerBound }

    for entry in pending {
      var at: Date?
      if let match = entry.match {
        var date = match.date
        // A time that falls more than 12 hours before the entry above it is on the next day (past midnight).
        if !match.hasDate, let previous = state.previous, date < previous.addingTimeInterval(-12 * 3600) { date.addTimeInterval(86_400) }
        state.previous = date
        at = date
        if entry.mark == .start { state.firstStart = min(state.firstStart ?? date, date) }
        if entry.mark == .end { state.lastEnd = max(state.lastEnd ?? date, date) }
      }
      var timelineEntry = Note.TimelineEntry(
        event: entry.event, at: at.map { NoteTime.iso($0, in: config.timeZone) }, line: entry.line, range: entry.range, mark: entry.mark)
      timelineEntry.approximate = entry.match?.approximate ?? false
      note.timeline.append(timelineEntry)
    }
  }

  /// One line read as a timeline entry, if it is one.
  ///
  /// `inSection` tells whether the line is in a Timeline section; it is only asked when it matters.
  private func timelineEntry(_ range: Range<Int>, line: Int, inSection: () -> Bool, date: PushDate?) -> PendingEntry? {
    let first = bytes[range.lowerBound]
    let lowered = first | 0x20
    if lowered == UInt8(ascii: "s") || lowered == UInt8(ascii: "e") || lowered == UInt8(ascii: "f") || lowered == UInt8(ascii: "p"),
      let colon = bytes[range.lowerBound..<min(range.upperBound, range.lowerBound + 21)].firstIndex(of: UInt8(ascii: ":")),
      bytes[range.lowerBound..<colon].allSatisfy({
        ASCII.isLetter($0) || ASCII.isBlank($0) || $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "_")
      }),
      let mark = NoteParser.timelineLabels[normalizedName(range.lowerBound..<colon)]
    {
      var valueStart = colon + 1
      while valueStart < range.upperBound, ASCII.isBlank(bytes[valueStart]) { valueStart += 1 }
      let match =
        valueStart < range.upperBound
        ? NoteTime.leading(bytes, from: valueStart, on: date, in: config.timeZone, bareFourDigits: true) : nil
      return PendingEntry(event: mark.rawValue, match: match, line: line, range: range, mark: mark)
    }
    guard ASCII.isDigit(first), let match = NoteTime.leading(bytes, from: range.lowerBound, on: date, in: config.timeZone) else {
      return nil
    }
    var index = range.lowerBound + match.length
    while index < range.upperBound, ASCII.isBlank(bytes[index]) { index += 1 }
    var separated = false
    if index < range.upperBound, bytes[index] == UInt8(ascii: ":") || bytes[index] == UInt8(ascii: "-") {
      separated = bytes[index] == UInt8(ascii: ":")
      index += 1
    } else if ASCII.hasPrefix(bytes, index..<range.upperBound, "\u{2013}") {
      index += 3
    }
    guard separated || inSection() else { return nil }
    let event = source.string(ASCII.trimmed(bytes, index..<range.upperBound))
    guard !event.isEmpty else { return nil }
    return PendingEntry(event: event, match: match, line: line, range: range, mark: NoteParser.mark(of: event))
  }

  /// Whether free text marks the start or the end of the push.
  static func mark(of event: String) -> Note.TimelineEntry.Mark {
    var event = event
    return event.withUTF8 { bytes in
      let all = 0..<bytes.count
      if let label = timelineLabels[ASCII.lowercasedString(ArraySlice(bytes))] { return label }
      // A step of the push ("stage deploy started", "migrations finished") is not the push itself.
      func isWordByte(_ byte: UInt8) -> Bool { ASCII.isLetter(byte) || byte == UInt8(ascii: "-") }
      let wordStart = bytes.firstIndex(where: isWordByte) ?? bytes.count
      let wordEnd = bytes[wordStart...].firstIndex { !isWordByte($0) } ?? bytes.count
      if subActivities.contains(where: { ASCII.equals(bytes, wordStart..<wordEnd, $0) }) { return .other }
      if startWords.contains(where: { ASCII.firstIndex(of: $0, in: bytes, all) != nil }) { return .start }
      if endWords.contains(where: { ASCII.firstIndex(of: $0, in: bytes, all) != nil }) { return .end }
      return .other
    }
  }
}
