import Foundation

extension NoteParser {
  /// Header field names as people write them (lowercased), and what they mean.
  static let headerKeys: [String: String] = [
    "release manager": "rm", "release-manager": "rm", "rm": "rm", "push hero": "rm", "qa": "qa", "ops": "ops",
    "ops support": "ops", "tag": "tag", "pad": "pad", "date": "date", "push date": "date",
    // Written by `pushnote mail --send` (and `--handover --send`).
    "mail sent": "mail", "hand-over sent": "handover", "handover sent": "handover",
  ]

  /// The bytes that can start a header field's name.
  static let headerFirstLetters = firstLetters(of: headerKeys.keys)

  /// The sentence of AMO notes that names the release manager.
  static let pushHeroWords: ASCII.Needle = "push hero is "

  /// The header fields of the header's lines (items without a box and paragraph lines before the
  /// first `##`), in order.
  func headerFields(_ lines: [(range: Range<Int>, line: Int)]) -> [Note.HeaderField] {
    lines.sorted { $0.range.lowerBound < $1.range.lowerBound }.compactMap { headerField($0.range, line: $0.line) }
  }

  /// The push date the header fields give: `Date:`, else the date of `Tag:`.
  func fieldDate(_ fields: [Note.HeaderField]) -> PushDate? {
    value("date", in: fields).flatMap { PushDate($0) } ?? value("tag", in: fields).flatMap { PushTag($0) }?.date
  }

  /// The first non-empty value of a header field.
  private func value(_ key: String, in fields: [Note.HeaderField]) -> String? {
    fields.first { $0.key == key && !$0.value.isEmpty }?.value
  }

  /// Reads the header fields, the people, the date, the tag and the pad; the title must be read.
  func readHeader(into note: inout Note, fields: [Note.HeaderField], lines: [(range: Range<Int>, line: Int)]) {
    note.headerFields = fields
    note.people.releaseManager =
      value("rm", in: fields).flatMap(personName) ?? pushHero(lines.sorted { $0.range.lowerBound < $1.range.lowerBound }.map(\.range))
    note.people.qa = value("qa", in: fields).flatMap(personName)
    note.people.ops = value("ops", in: fields).flatMap(personName)

    let tagField = value("tag", in: fields).flatMap { PushTag($0) }
    note.date = fieldDate(fields) ?? note.title.flatMap(dateInText) ?? path.flatMap(Notebook.date(fromPath:))
    note.tag = tagField?.name ?? value("tag", in: fields) ?? note.date.map { PushTag(date: $0).name }
    if let pad = value("pad", in: fields) {
      note.pad = pad.split(separator: "/").last.map(String.init) ?? pad
    } else {
      note.pad = note.date.map { config.pad.prefix + $0.iso }
    }
  }

  /// `Name: value` on a line, when the name is a header field's.
  func headerField(_ range: Range<Int>, line: Int) -> Note.HeaderField? {
    guard mayStartName(range, NoteParser.headerFirstLetters),
      let colon = bytes[range.lowerBound..<min(range.upperBound, range.lowerBound + 41)].firstIndex(of: UInt8(ascii: ":"))
    else { return nil }
    let name = normalizedName(range.lowerBound..<colon)
    guard let key = NoteParser.headerKeys[name] else { return nil }
    var valueStart = colon + 1
    while valueStart < range.upperBound, ASCII.isBlank(bytes[valueStart]) { valueStart += 1 }
    let valueRange = ASCII.trimmed(bytes, valueStart..<range.upperBound)
    let written = ASCII.trimming(source.string(range.lowerBound..<colon), " \t*_")
    return Note.HeaderField(name: written, key: key, value: source.string(valueRange), line: line, valueRange: valueRange)
  }

  /// "This week's push hero is [@mat](https://github.com/diox)": the name after "push hero is".
  private func pushHero(_ ranges: [Range<Int>]) -> String? {
    for range in ranges {
      guard let found = ASCII.firstIndex(of: NoteParser.pushHeroWords, in: bytes, range) else { continue }
      let rest = source.string(found + 13..<range.upperBound)
      if let name = personName(rest)?.split(separator: " ").first { return String(name) }
    }
    return nil
  }

  /// A person as a field names them: a Markdown link's text, without `@`; nil for a blank or a
  /// template placeholder (`<push hero>`).
  func personName(_ value: String) -> String? {
    var text = ASCII.trimming(value, ASCII.blanks)
    if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
      text = String(text[text.index(after: text.startIndex)..<close])
    }
    text = ASCII.trimming(text, " \t@*_`")
    if text.isEmpty || (text.hasPrefix("<") && text.hasSuffix(">")) { return nil }
    return text
  }

  /// The first `YYYY-MM-DD` (or `YYYY.MM.DD`) word in a text.
  func dateInText(_ text: String) -> PushDate? {
    for word in text.split(whereSeparator: { $0 == " " || $0 == "\t" })
    where word.utf8.count >= 10 && word.utf8.contains(where: ASCII.isDigit) {
      let trimmed = ASCII.trimming(word, "()[],:;`*_")
      if let date = PushDate(trimmed) { return date }
      if let tag = PushTag(trimmed) { return tag.date }
    }
    return nil
  }
}
