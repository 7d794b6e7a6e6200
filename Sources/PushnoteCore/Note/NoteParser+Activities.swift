import Foundation

extension NoteParser {
  /// Sign-off roles as people write them (lowercased, "sign-off" words removed).
  static let signoffRoles: [String: String] = [
    "qa": "qa", "ops": "ops", "rm": "rm", "release manager": "rm", "release-manager": "rm", "push hero": "rm",
  ]

  /// Words after a role that still mean the role: `QA sign-off:`.
  static let signoffSuffixes = ["sign-offs", "sign-off", "signoffs", "signoff", "sign off", "signed off", "signed-off"]
  /// The bytes that can start a role.
  static let signoffFirstLetters = firstLetters(of: signoffRoles.keys)

  /// Words searched for in every item, made once.
  enum Words {
    static let waffle: ASCII.Needle = "waffle_"
    static let flagKinds = ASCII.NeedleSet(flagKindNames)
    /// The kinds of flag, as written.
    static let flagKindNames = ["switch", "flag", "sample"]
    static let migrationFiles: [ASCII.Needle] = ["migrations/", ".sql"]
    static let migrationSection: [ASCII.Needle] = ["migration"]
    static let signoffSection: [ASCII.Needle] = ["sign"]
    static let waffleWord: ASCII.Needle = "waffle"
    static let waffleUnderscore: ASCII.Needle = "waffle_"
    static let waffleDash: ASCII.Needle = "waffle-"
    static let longOption: ASCII.Needle = "--"
    /// Words after a signer's name that are not part of it (`krupa at 12:10`).
    static let nameTrailers: [ASCII.Needle] = ["at", "on", "-", "\u{2013}", ",", "@"]
    static let turnWord: ASCII.Needle = "turn"
    static let switchWord: ASCII.Needle = "switch"
    static let onWords: [ASCII.Needle] = ["on", "true", "yes", "enable", "enabled", "activate", "activated"]
    static let offWords: [ASCII.Needle] = ["off", "false", "no", "disable", "disabled", "deactivate", "deactivated"]
    /// Verbs that carry the state themselves.
    static let stateVerbs: [ASCII.Needle] = ["enable", "disable", "activate", "deactivate"]
    /// Bytes around a flag kind, a flag's name, `waffle` and a state word that are not part of them.
    static let kindDecoration = ASCII.ByteSet("`*_:,.")
    static let nameDecoration = ASCII.ByteSet("`'\"*_,.;:()")
    static let waffleDecoration = ASCII.ByteSet("`*_")
    static let stateDecoration = ASCII.ByteSet("`*_,.;:()")
    /// Bytes that belong to a repository's name besides letters and digits.
    static let repositoryWordBytes = ASCII.ByteSet("-_/.")
  }

  // MARK: Flags

  /// Waffle flags, switches and samples: list items (`- [x] switch `name` on`) and `waffle_switch NAME on`
  /// commands anywhere (code blocks included), in the piece.
  func readFlags(into piece: inout Piece) {
    var flags: [(offset: Int, flag: Note.Flag)] = []
    for item in piece.items where ASCII.containsAny(bytes, item.firstLine, Words.flagKinds) {
      // `waffle_switch …` commands are read below, wherever they are.
      guard !ASCII.contains(bytes, item.firstLine, Words.waffle), let found = flag(in: words(item.firstLine)) else { continue }
      let flag = Note.Flag(
        name: found.name, kind: found.kind, desired: found.desired, done: item.isDone, line: item.line, range: item.range)
      flags.append((item.range.lowerBound, flag))
    }
    var searchFrom = piece.range.lowerBound
    while let found = ASCII.firstIndex(of: Words.waffle, in: bytes, searchFrom..<piece.range.upperBound) {
      searchFrom = found + 7
      let location = source.location(ofOffset: found)
      let lineRange = source.lineRange(location.line)
      guard let parsed = flag(in: words(found..<lineRange.upperBound)) else { continue }
      let itemIndex = item(containing: found, in: piece.items)
      let flag = Note.Flag(
        name: parsed.name, kind: parsed.kind, desired: parsed.desired, done: itemIndex.map { piece.items[$0].isDone } ?? false,
        line: location.line, range: itemIndex.map { piece.items[$0].range } ?? lineRange)
      flags.append((found, flag))
    }
    piece.flags = flags.sorted { $0.offset < $1.offset }.map(\.flag)
  }

  /// The words of some bytes, split at blanks.
  private func words(_ range: Range<Int>) -> [Range<Int>] {
    var result: [Range<Int>] = []
    var index = range.lowerBound
    while index < range.upperBound {
      while index < range.upperBound, ASCII.isBlank(bytes[index]) { index += 1 }
      let start = index
      while index < range.upperBound, !ASCII.isBlank(bytes[index]) { index += 1 }
      if index > start { result.append(start..<index) }
    }
    return result
  }

  /// `[waffle] switch|flag|sample NAME [on|off]` or `waffle_switch NAME [on|off]` in a list of words.
  ///
  /// Without `waffle`, the name must be a code span or be followed by the state, so that prose
  /// ("turn on the flag to …") is not read as a flag.
  func flag(in words: [Range<Int>]) -> (kind: String, name: String, desired: String?)? {
    for (index, word) in words.enumerated() {
      var bare = ASCII.trimmed(bytes, word, Words.kindDecoration)
      var waffled = index > 0 && ASCII.equals(bytes, ASCII.trimmed(bytes, words[index - 1], Words.waffleDecoration), Words.waffleWord)
      if ASCII.hasPrefix(bytes, bare, Words.waffleUnderscore) || ASCII.hasPrefix(bytes, bare, Words.waffleDash) {
        bare = bare.lowerBound + 7..<bare.upperBound
        waffled = true
      }
      guard let kind = Words.flagKinds.needles.firstIndex(where: { ASCII.equals(bytes, bare, $0) }).map({ Words.flagKindNames[$0] }),
        index + 1 < words.count
      else { continue }
      let nameWord = words[index + 1]
      let name = ASCII.trimmed(bytes, nameWord, Words.nameDecoration)
      guard !name.isEmpty,
        bytes[name].allSatisfy({ ASCII.isWordByte($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: ":") })
      else { continue }
      let following = words[(index + 2)...].first { !ASCII.hasPrefix(bytes, $0, Words.longOption) }
      let desired = following.flatMap(desiredState)
      guard bytes[nameWord.lowerBound] == UInt8(ascii: "`") || waffled || desired != nil else { continue }
      return (kind, source.string(name), desired ?? desiredBefore(words[..<index]))
    }
    return nil
  }

  /// `on` or `off` from a word like `on`, `enable`, `deactivate`.
  func desiredState(_ word: Range<Int>) -> String? {
    let bare = ASCII.trimmed(bytes, word, Words.stateDecoration)
    if Words.onWords.contains(where: { ASCII.equals(bytes, bare, $0) }) { return "on" }
    if Words.offWords.contains(where: { ASCII.equals(bytes, bare, $0) }) { return "off" }
    return nil
  }

  /// The state a sentence asks for before the flag's name: "turn on", "enable", "disable".
  private func desiredBefore(_ words: ArraySlice<Range<Int>>) -> String? {
    for index in words.indices.reversed() {
      let word = words[index]
      if ASCII.equals(bytes, word, Words.turnWord) || ASCII.equals(bytes, word, Words.switchWord), index + 1 < words.endIndex {
        return desiredState(words[index + 1])
      }
      if Words.stateVerbs.contains(where: { ASCII.equals(bytes, word, $0) }) { return desiredState(word) }
    }
    return nil
  }

  // MARK: Migrations

  /// Items of a Migrations section, and items elsewhere that name migration files.
  func readMigrations(_ items: [Item], migrationSections: [Bool], into note: inout Note) {
    for item in items where !item.text.isEmpty {
      guard item.namesMigrationFile || (item.section.map { migrationSections[$0] } ?? false) else { continue }
      note.migrations.append(
        Note.Migration(
          text: item.text, repo: repository(in: item.range, text: item.text), done: item.isDone, line: item.line, range: item.range))
    }
  }

  /// The repository an item names: through a compare or commit URL, or a configured repository's
  /// `OWNER/NAME` or `NAME` as a word.
  private func repository(in range: Range<Int>, text: String) -> String? {
    if let link = LinkScanner.links(in: Array(bytes[range])).first { return link.repo }
    guard !config.repositories.isEmpty else { return nil }
    let utf8 = Array(text.utf8)
    // Words are runs of letters, digits and `-_/.`; in ASCII text they are found byte by byte.
    let words: [ArraySlice<UInt8>]
    if utf8.allSatisfy({ $0 < 0x80 }) {
      words = utf8.split { !ASCII.isLetter($0) && !ASCII.isDigit($0) && !Words.repositoryWordBytes.contains($0) }
    } else {
      words = text.split { !$0.isLetter && !$0.isNumber && $0 != "-" && $0 != "_" && $0 != "/" && $0 != "." }.map { ArraySlice($0.utf8) }
    }
    for repository in config.repositories {
      let name = Array(repository.name.utf8)
      let shortName = name.split(separator: UInt8(ascii: "/")).last ?? name[...]
      if words.contains(where: { $0.elementsEqual(name) || $0.elementsEqual(shortName) }) { return repository.name }
    }
    return nil
  }

  // MARK: Sign-offs

  /// Checklist items (anywhere) and items of a Sign-offs section that start with a role: `QA: krupa 2026-12-01 12:10`.
  func readSignoffs(_ items: [Item], signoffSections: [Bool], into note: inout Note) {
    for item in items where !item.firstLine.isEmpty {
      let line = item.firstLine
      guard mayStartName(line, NoteParser.signoffFirstLetters),
        let colon = bytes[line.lowerBound..<min(line.upperBound, line.lowerBound + 41)].firstIndex(of: UInt8(ascii: ":")),
        item.boxOffset != nil || (item.section.map { signoffSections[$0] } ?? false)
      else { continue }
      var label = normalizedName(line.lowerBound..<colon)
      for suffix in NoteParser.signoffSuffixes where label.utf8.count > suffix.utf8.count && label.hasSuffix(suffix) {
        label = ASCII.trimming(label.dropLast(suffix.count), ASCII.blanks)
      }
      guard let role = NoteParser.signoffRoles[label] else { continue }
      var valueStart = colon + 1
      while valueStart < line.upperBound, ASCII.isBlank(bytes[valueStart]) { valueStart += 1 }
      let valueRange = ASCII.trimmed(bytes, valueStart..<line.upperBound)
      let time = NoteTime.first(in: bytes, range: valueRange, on: note.date, in: config.timeZone)
      let nameEnd = time?.start ?? valueRange.upperBound
      note.signoffs.append(
        Note.Signoff(
          role: role, name: signerName(valueRange.lowerBound..<nameEnd), at: time.map { NoteTime.iso($0.match.date, in: config.timeZone) },
          done: item.isDone, line: item.line, range: item.range, boxOffset: item.boxOffset, valueRange: valueRange))
    }
  }

  /// The name before a sign-off's time, without a trailing "at"/"on" or punctuation.
  private func signerName(_ range: Range<Int>) -> String? {
    var words = words(range)
    while let last = words.last, Words.nameTrailers.contains(where: { ASCII.equals(bytes, last, $0) }) { words.removeLast() }
    guard let first = words.first else { return nil }
    let text = words.count == 1 ? source.string(first) : words.map { source.string($0) }.joined(separator: " ")
    return personName(ASCII.trimming(text, ",;"))
  }
}
