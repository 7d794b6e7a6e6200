import Foundation

extension NoteParser {
  /// Sign-off roles as people write them (lowercased, "sign-off" words removed).
  static let signoffRoles: [String: String] = [
    "qa": "qa", "ops": "ops", "rm": "rm", "release manager": "rm", "release-manager": "rm", "push hero": "rm",
  ]

  // MARK: Flags

  /// Waffle flags, switches and samples: list items (`- [x] switch `name` on`) and `waffle_switch NAME on`
  /// commands anywhere (code blocks included).
  func readFlags(into note: inout Note, outline: Outline) {
    var flags: [(offset: Int, flag: Note.Flag)] = []
    for item in outline.items where !item.firstLine.isEmpty && !ASCII.contains(bytes, item.firstLine, "waffle_") {
      guard let found = flag(in: words(item.firstLine)) else { continue }
      let flag = Note.Flag(
        name: found.name, kind: found.kind, desired: found.desired, done: item.isDone, line: item.block.line, range: item.block.range)
      flags.append((item.block.range.lowerBound, flag))
    }
    var searchFrom = 0
    while let found = ASCII.firstIndex(of: "waffle_", in: bytes, searchFrom..<bytes.count) {
      searchFrom = found + 7
      let location = source.location(ofOffset: found)
      let lineRange = source.lineRange(location.line)
      guard let parsed = flag(in: words(found..<lineRange.upperBound)) else { continue }
      let itemIndex = item(containing: found, in: outline.items)
      let flag = Note.Flag(
        name: parsed.name, kind: parsed.kind, desired: parsed.desired, done: itemIndex.map { outline.items[$0].isDone } ?? false,
        line: location.line, range: itemIndex.map { outline.items[$0].block.range } ?? lineRange)
      flags.append((found, flag))
    }
    note.flags = flags.sorted { $0.offset < $1.offset }.map(\.flag)
  }

  /// The words of some bytes, split at blanks.
  private func words(_ range: Range<Int>) -> [String] {
    source.string(range).split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
  }

  /// `[waffle] switch|flag|sample NAME [on|off]` or `waffle_switch NAME [on|off]` in a list of words.
  ///
  /// Without `waffle`, the name must be a code span or be followed by the state, so that prose
  /// ("turn on the flag to …") is not read as a flag.
  func flag(in words: [String]) -> (kind: String, name: String, desired: String?)? {
    for (index, word) in words.enumerated() {
      let bare = word.trimmingCharacters(in: CharacterSet(charactersIn: "`*_:,.")).lowercased()
      var kind = bare
      var waffled = index > 0 && words[index - 1].lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "`*_")) == "waffle"
      if bare.hasPrefix("waffle_") || bare.hasPrefix("waffle-") {
        kind = String(bare.dropFirst(7))
        waffled = true
      }
      guard ["switch", "flag", "sample"].contains(kind), index + 1 < words.count else { continue }
      let nameWord = words[index + 1]
      let name = nameWord.trimmingCharacters(in: CharacterSet(charactersIn: "`'\"*_,.;:()"))
      guard !name.isEmpty, name.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || "-_.:".unicodeScalars.contains($0) })
      else { continue }
      let following = words[(index + 2)...].first { !$0.hasPrefix("--") }
      let desired = following.flatMap { NoteParser.desiredState($0) }
      guard nameWord.hasPrefix("`") || waffled || desired != nil else { continue }
      return (kind, name, desired ?? desiredBefore(words[..<index]))
    }
    return nil
  }

  /// `on` or `off` from a word like `on`, `enable`, `deactivate`.
  static func desiredState(_ word: String) -> String? {
    switch word.trimmingCharacters(in: CharacterSet(charactersIn: "`*_,.;:()")).lowercased() {
    case "on", "true", "yes", "enable", "enabled", "activate", "activated": return "on"
    case "off", "false", "no", "disable", "disabled", "deactivate", "deactivated": return "off"
    default: return nil
    }
  }

  /// The state a sentence asks for before the flag's name: "turn on", "enable", "disable".
  private func desiredBefore(_ words: ArraySlice<String>) -> String? {
    for (offset, word) in words.enumerated().reversed() {
      let lowered = word.lowercased()
      if lowered == "turn" || lowered == "switch", offset + 1 < words.count {
        return NoteParser.desiredState(words[words.startIndex + offset + 1])
      }
      if ["enable", "disable", "activate", "deactivate"].contains(lowered) { return NoteParser.desiredState(lowered) }
    }
    return nil
  }

  // MARK: Migrations

  /// Items of a Migrations section, and items elsewhere that name migration files.
  func readMigrations(into note: inout Note, outline: Outline) {
    for item in outline.items where !item.text.isEmpty {
      let inSection = section(item.section, in: outline, mentions: ["migration"])
      let body = item.paragraph?.range ?? item.block.range
      let namesFile = ASCII.contains(bytes, body, "migrations/") || ASCII.contains(bytes, body, ".sql")
      guard inSection || namesFile else { continue }
      note.migrations.append(
        Note.Migration(text: item.text, repo: repository(in: item.block.range, text: item.text), done: item.isDone, line: item.block.line, range: item.block.range))
    }
  }

  /// The repository an item names: through a compare or commit URL, or a configured repository's
  /// `OWNER/NAME` or `NAME` as a word.
  private func repository(in range: Range<Int>, text: String) -> String? {
    if let link = LinkScanner.links(in: Array(bytes[range])).first { return link.repo }
    let words = Set(text.split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "-" && $0 != "_" && $0 != "/" && $0 != "." }).map(String.init))
    for repository in config.repositories {
      let shortName = repository.name.split(separator: "/").last.map(String.init) ?? repository.name
      if words.contains(repository.name) || words.contains(shortName) { return repository.name }
    }
    return nil
  }

  // MARK: Sign-offs

  /// Checklist items (anywhere) and items of a Sign-offs section that start with a role: `QA: krupa 2026-12-01 12:10`.
  func readSignoffs(into note: inout Note, outline: Outline) {
    for item in outline.items where !item.firstLine.isEmpty {
      guard item.boxOffset != nil || section(item.section, in: outline, mentions: ["sign"]) else { continue }
      let line = item.firstLine
      guard let colon = bytes[line].firstIndex(of: UInt8(ascii: ":")), colon - line.lowerBound <= 40 else { continue }
      var label = normalizedName(line.lowerBound..<colon)
      for suffix in ["sign-offs", "sign-off", "signoffs", "signoff", "sign off", "signed off", "signed-off"] {
        label = label.replacingOccurrences(of: suffix, with: "")
      }
      guard let role = NoteParser.signoffRoles[label.trimmingCharacters(in: .whitespaces)] else { continue }
      var valueStart = colon + 1
      while valueStart < line.upperBound, ASCII.isBlank(bytes[valueStart]) { valueStart += 1 }
      let valueRange = ASCII.trimmed(bytes, valueStart..<line.upperBound)
      let time = NoteTime.first(in: bytes, range: valueRange, on: note.date, in: config.timeZone)
      let nameEnd = time?.start ?? valueRange.upperBound
      note.signoffs.append(
        Note.Signoff(
          role: role, name: signerName(valueRange.lowerBound..<nameEnd), at: time.map { NoteTime.iso($0.match.date, in: config.timeZone) },
          done: item.isDone, line: item.block.line, range: item.block.range, boxOffset: item.boxOffset, valueRange: valueRange))
    }
  }

  /// The name before a sign-off's time, without a trailing "at"/"on" or punctuation.
  private func signerName(_ range: Range<Int>) -> String? {
    var words = source.string(range).split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
    while let last = words.last, ["at", "on", "-", "–", ",", "@"].contains(last.lowercased()) { words.removeLast() }
    return personName(words.joined(separator: " ").trimmingCharacters(in: CharacterSet(charactersIn: ",;")))
  }
}
