#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The section-by-section three-way merge of a note file with its pad, against the base.
///
/// Sections are matched by ``NoteSections/Section/key`` (normalised title and place among equal
/// titles, so that two `## Notes` and a `## Notes #2` are three sections); a heading renamed on one side still
/// matches its section (same place, same level, at least half its body lines kept), so that the
/// rename and the other side's edits of the body merge line by line. A section changed on one side is taken
/// from it; changed on both, its lines are merged (``LineMerge``). A section with a conflict gets
/// diff3 blocks in the file while the pad keeps its own text for it. A section that still holds
/// a conflict block, or that is local-only, never reaches the pad. Without a base (missing or
/// corrupt), sections equal on both sides count as synced and differing ones become conflicts.
public struct NoteMerge: Sendable {
  /// The merged file's bytes.
  public var localBytes: [UInt8]
  /// The text the pad should hold (its normal form; never holds conflict markers).
  public var padText: String
  /// The text both sides hold after a successful push: the next base.
  public var baseText: String
  /// Titles of sections whose pad changes came into the file.
  public var fromPad: [String] = []
  /// Titles of sections whose local changes go to the pad.
  public var toPad: [String] = []
  /// Conflict blocks this merge wrote, by section title.
  public var newConflicts: [String] = []
  /// 1-based lines of conflict blocks already in the file, left for the user to resolve.
  public var unresolvedConflictLines: [Int] = []

  /// Whether conflicts are left in the file (new or unresolved).
  public var hasConflicts: Bool { !newConflicts.isEmpty || !unresolvedConflictLines.isEmpty }

  /// Marker lines of the blocks written into the file.
  static let markers = (local: "<<<<<<< local", base: "||||||| base", separator: "=======", pad: ">>>>>>> pad")

  /// Merges the file (`local`) with the pad text (`pad`) against `base` (nil when unknown).
  public init(base: NoteSections?, local: NoteSections, pad: NoteSections) {
    var builder = Builder(base: base, local: local, pad: pad)
    builder.run()
    localBytes = builder.localOutput
    padText = builder.padOutput
    baseText = builder.baseOutput
    fromPad = builder.fromPad
    toPad = builder.toPad
    newConflicts = builder.newConflicts
    unresolvedConflictLines = local.sections.flatMap { $0.conflictBlocks.map { $0.lowerBound + 1 } }
  }
}

/// The working state of one merge: each text's lines as symbols (equal pad forms, equal symbols),
/// and the three outputs as bytes.
private struct Builder {
  /// One of the three texts.
  struct Text {
    let sections: NoteSections
    /// The text with its lines in pad form (tabs expanded), line for line.
    let forms: SyncText
    var symbols: [Int] = []
    /// The key each section is merged under: its own, or that of the base section it renames.
    var keys: [SectionKey]
    /// Index of the first section of each merge key (local-only sections left out).
    var sectionByKey: [SectionKey: Int] = [:]
    /// Whether each section is local-only: marked so in the file, and by the file's local-only
    /// titles in the pad and the base (a colleague's `## Private notes` on the pad stays there).
    var isLocalOnly: [Bool]

    init(sections: NoteSections, localOnly: [String]) {
      self.sections = sections
      forms = sections.text.padForm
      keys = sections.sections.map(\.key)
      var identities = SectionIdentities(localOnly: localOnly)
      isLocalOnly = sections.sections.map { section in
        section.isLocalOnly
          || (section.level > 0 && !localOnly.isEmpty && identities.next(title: section.title, level: section.level).isLocalOnly)
      }
    }

    /// The keys of the sections that are not local-only, in order.
    var sharedKeys: [SectionKey] { keys.indices.filter { !isLocalOnly[$0] }.map { keys[$0] } }
  }

  /// One side's section: which text, which lines.
  struct Side {
    let text: Int
    let lines: Range<Int>
    let title: String
  }

  static let baseText = 0, localText = 1, padText = 2
  var texts: [Text]
  let hasBase: Bool
  let ending: [UInt8]
  var localBytes: [UInt8]
  var lastLineOpen = false
  var padBytes: [UInt8] = []
  var baseBytes: [UInt8] = []
  var fromPad: [String] = []
  var toPad: [String] = []
  var newConflicts: [String] = []
  /// The line merge's tables, reused section after section.
  var merger = LineMerge.Merger()
  /// Runs of lines a merged section takes, reused section after section; a line taken with the
  /// box mark of the other side (a tick merged into an edited item) carries that mark.
  var pushed: [(text: Int, lines: Range<Int>, mark: UInt8?)] = []
  /// The line merge's tables for conflict regions merged item by item.
  var itemMerger = LineMerge.Merger()

  init(base: NoteSections?, local: NoteSections, pad: NoteSections) {
    hasBase = base != nil
    ending = local.text.preferredEnding
    let localOnly = local.localOnlyTitles
    texts = [
      Text(sections: base ?? pad, localOnly: localOnly), Text(sections: local, localOnly: []), Text(sections: pad, localOnly: localOnly),
    ]
    let used = hasBase ? [Self.baseText, Self.localText, Self.padText] : [Self.localText, Self.padText]
    var interner = LineInterner(texts: texts.map(\.forms), using: used)
    for index in used { texts[index].symbols = interner.symbols(of: index) }
    let size = local.text.bytes.count
    localBytes = Array(local.text.byteOrderMark)
    // The outputs are about as large as the file; conflict blocks make the file's up to three times.
    localBytes.reserveCapacity(size * 3 / 2 + 64)
    padBytes.reserveCapacity(size + 64)
    baseBytes.reserveCapacity(size + 64)
    if hasBase {
      let baseKeys = Set(texts[Self.baseText].keys)
      texts[Self.localText].keys = realignedRepeats(of: Self.localText)
      texts[Self.padText].keys = realignedRepeats(of: Self.padText)
      texts[Self.localText].keys = mergeKeys(of: Self.localText, baseKeys: baseKeys)
      texts[Self.padText].keys = mergeKeys(of: Self.padText, baseKeys: baseKeys)
    }
    for index in used {
      let sections = texts[index].sections.sections
      var byKey: [SectionKey: Int] = [:]
      byKey.reserveCapacity(sections.count)
      for position in sections.indices where !texts[index].isLocalOnly[position] {
        let key = texts[index].keys[position]
        if byKey[key] == nil { byKey[key] = position }
      }
      texts[index].sectionByKey = byKey
    }
  }

  /// One side's keys with repeated titles matched to the base's by their bodies, not by count.
  ///
  /// Among the sections of one title, each of this side's is matched to a base section not matched
  /// yet that keeps at least half its body (the one at the same place first); it takes that one's
  /// ordinal. When the side has no more of the title than the base, the rest keep their places;
  /// otherwise they are new and get ordinals past the base's. So a `## Notes` added above
  /// another does not take its place, two swapped ones stay themselves, and the other side's edits
  /// still merge line by line.
  func realignedRepeats(of side: Int) -> [SectionKey] {
    let base = texts[Self.baseText].sections.sections, sections = texts[side].sections.sections
    var keys = texts[side].keys
    var baseByTitle: [String: [Int]] = [:]
    for (index, section) in base.enumerated() where section.key.ordinal > 0 { baseByTitle[section.key.title, default: []].append(index) }
    var sideByTitle: [String: [Int]] = [:]
    for (index, key) in keys.enumerated() where key.ordinal > 0 { sideByTitle[key.title, default: []].append(index) }
    for (title, indices) in sideByTitle {
      let candidates = baseByTitle[title] ?? []
      guard indices.count > 1 || candidates.count > 1, !candidates.isEmpty else { continue }
      var matched = [Int?](repeating: nil, count: indices.count)
      var used = Set<Int>()
      // The base section at the same place when it keeps the body, then any other that does.
      for (position, index) in indices.enumerated() where position < candidates.count {
        if sharesBody(base[candidates[position]], sections[index], of: side) {
          matched[position] = position
          used.insert(position)
        }
      }
      for (position, index) in indices.enumerated() where matched[position] == nil {
        if let found = candidates.indices.first(where: { !used.contains($0) && sharesBody(base[candidates[$0]], sections[index], of: side) }
        ) {
          matched[position] = found
          used.insert(found)
        }
      }
      // As many as the base has: the rest keep their places (edited beyond recognition); more are new.
      var fresh = candidates.count
      for (position, index) in indices.enumerated() {
        if matched[position] == nil, indices.count <= candidates.count, position < candidates.count, !used.contains(position) {
          matched[position] = position
          used.insert(position)
        }
        if let found = matched[position] {
          keys[index] = base[candidates[found]].key
        } else {
          fresh += 1
          keys[index] = SectionKey(title: title, ordinal: fresh)
        }
      }
    }
    return keys
  }

  /// One side's merge keys: its sections' own keys, except that a heading renamed on this side
  /// takes the key of the base section it renames.
  ///
  /// A new heading renames a base section gone from this side when it stands where that section
  /// stood (after the same matched section), at the same level, and the two keep at least half
  /// their body lines in common. Otherwise a rename would be a deletion and an addition: the other
  /// side's edit of the body would be a conflict, and two different renames would keep the body twice.
  func mergeKeys(of side: Int, baseKeys: Set<SectionKey>) -> [SectionKey] {
    let base = texts[Self.baseText].sections.sections, sections = texts[side].sections.sections
    var keys = texts[side].keys
    let sideKeys = Set(keys)
    // Base sections gone from this side, by the matched key before them.
    var vanished: [SectionKey?: [Int]] = [:]
    var previous: SectionKey?
    for (index, section) in base.enumerated() {
      if sideKeys.contains(section.key) {
        previous = section.key
      } else if section.level > 0 {
        vanished[previous, default: []].append(index)
      }
    }
    guard !vanished.isEmpty else { return keys }
    previous = nil
    for (index, section) in sections.enumerated() {
      if baseKeys.contains(section.key) {
        previous = section.key
        continue
      }
      guard section.level > 0, !texts[side].isLocalOnly[index], var candidates = vanished[previous],
        let choice = candidates.firstIndex(where: { base[$0].level == section.level && sharesBody(base[$0], section, of: side) })
      else { continue }
      keys[index] = base[candidates[choice]].key
      candidates.remove(at: choice)
      vanished[previous] = candidates
    }
    return keys
  }

  /// Whether a base section and one of `side`'s keep at least half their body lines (after the
  /// heading line, blank lines left out, checklist items whatever their boxes hold) in common.
  func sharesBody(_ base: NoteSections.Section, _ section: NoteSections.Section, of side: Int) -> Bool {
    func body(_ text: Int, _ section: NoteSections.Section) -> [Int] {
      let forms = texts[text].forms
      return ((section.lines.lowerBound + 1)..<section.lines.upperBound).filter { line in
        forms.content(line).contains { $0 != 0x20 && $0 != 0x09 }
      }.map { line in
        // A checklist item counts as kept whatever its box holds.
        guard let mark = boxMark(text, line), forms.bytes[mark] != UInt8(ascii: " ") else { return texts[text].symbols[line] }
        var hasher = Hasher()
        hasher.combine(forms.bytes[forms.lines[line].start..<mark])
        hasher.combine(forms.bytes[(mark + 1)..<forms.lines[line].contentEnd])
        return hasher.finalize() | Int.min
      }
    }
    let old = body(Self.baseText, base), new = body(side, section)
    var counts: [Int: Int] = [:]
    for symbol in old { counts[symbol, default: 0] += 1 }
    var common = 0
    for symbol in new where counts[symbol, default: 0] > 0 {
      counts[symbol, default: 0] -= 1
      common += 1
    }
    return 2 * common >= max(old.count, new.count)
  }

  var localOutput: [UInt8] { localBytes }
  var padOutput: String { String(decoding: padBytes, as: UTF8.self) }
  var baseOutput: String { String(decoding: baseBytes, as: UTF8.self) }

  func symbols(_ side: Side) -> ArraySlice<Int> { texts[side.text].symbols[side.lines] }

  // MARK: Output

  /// Appends lines brought from the pad or the base: their pad forms, the file's line ending.
  mutating func emitForms(_ text: Int, _ range: Range<Int>) {
    guard !range.isEmpty else { return }
    if lastLineOpen { localBytes += ending }
    lastLineOpen = false
    let source = text == Self.localText ? texts[text].sections.text : texts[text].forms
    source.appendContents(range, ending: ending, to: &localBytes)
  }

  /// Appends the file's own lines, as they are (a last line without an ending gets one when followed).
  mutating func emitLocal(_ range: Range<Int>) {
    guard let last = range.last else { return }
    let text = texts[Self.localText].sections.text
    if lastLineOpen { localBytes += ending }
    localBytes += text.bytes[text.lines[range.lowerBound].start..<text.lines[last].end]
    lastLineOpen = text.lines[last].ending.isEmpty
  }

  mutating func emitMarker(_ marker: String) {
    if lastLineOpen { localBytes += ending }
    localBytes.append(contentsOf: marker.utf8)
    localBytes += ending
    lastLineOpen = false
  }

  /// The pad's line ending.
  static let newline: [UInt8] = [0x0A]

  mutating func pushLines(_ text: Int, _ range: Range<Int>, toBase: Bool = true) {
    let forms = texts[text].forms
    forms.appendContents(range, ending: Self.newline, to: &padBytes)
    if toBase { forms.appendContents(range, ending: Self.newline, to: &baseBytes) }
  }

  mutating func baseLines(_ text: Int, _ range: Range<Int>) {
    texts[text].forms.appendContents(range, ending: Self.newline, to: &baseBytes)
  }

  // MARK: Merge

  mutating func run() {
    let local = texts[Self.localText].sections
    let shared = texts[Self.localText].sharedKeys
    let padKeys = texts[Self.padText].sharedKeys
    var order = Self.unionOrder(shared, padKeys)
    if hasBase {
      // A section moved on one side moves; every section of either side still comes once.
      order = Self.completed(Self.mergedOrder(base: texts[Self.baseText].sharedKeys, local: shared, pad: padKeys), from: order)
    }
    // Local-only sections stay where they are on their side, after the section before them.
    let localAnchors = anchors(Self.localText), padAnchors = anchors(Self.padText)
    localAnchors.leading.forEach { emitLocal($0) }
    padAnchors.leading.forEach { pushLines(Self.padText, $0, toBase: false) }
    for key in order {
      mergeSection(key: key, hidden: local.hiddenKeys.contains(key))
      localAnchors.after[key]?.forEach { emitLocal($0) }
      padAnchors.after[key]?.forEach { pushLines(Self.padText, $0, toBase: false) }
    }
  }

  /// The lines of a text's local-only sections, by the key of the shared section before them.
  func anchors(_ text: Int) -> (leading: [Range<Int>], after: [SectionKey: [Range<Int>]]) {
    var leading: [Range<Int>] = []
    var after: [SectionKey: [Range<Int>]] = [:]
    var lastKey: SectionKey?
    for (index, section) in texts[text].sections.sections.enumerated() {
      if texts[text].isLocalOnly[index] {
        if let key = lastKey { after[key, default: []].append(section.lines) } else { leading.append(section.lines) }
      } else {
        lastKey = texts[text].keys[index]
      }
    }
    return (leading, after)
  }

  /// The sections' order merged three ways against the base's.
  ///
  /// A side that moved a section moves it; where both moved the same place differently, the local
  /// order comes first. A key appears at most once,
  /// but a key one side deleted may be missing (``completed(_:from:)`` brings those back).
  static func mergedOrder(base: [SectionKey], local: [SectionKey], pad: [SectionKey]) -> [SectionKey] {
    var table: [SectionKey: Int] = [:]
    func codes(_ keys: [SectionKey]) -> [Int] {
      keys.map { key in
        if let code = table[key] { return code }
        table[key] = table.count
        return table.count - 1
      }
    }
    let baseCodes = codes(base), localCodes = codes(local), padCodes = codes(pad)
    var result: [SectionKey] = []
    var seen = Set<SectionKey>()
    func add(_ keys: ArraySlice<SectionKey>) { for key in keys where seen.insert(key).inserted { result.append(key) } }
    for chunk in LineMerge.merge(base: baseCodes, local: localCodes, pad: padCodes) {
      switch chunk {
      case .unchanged(let range, _, _): add(base[range])
      case .local(let range): add(local[range])
      case .pad(let range): add(pad[range])
      case .union(let picks):
        for pick in picks {
          switch pick {
          case .local(let index): add(local[index...index])
          case .pad(let index): add(pad[index...index])
          }
        }
      case .conflict(let localRange, _, let padRange):
        add(local[localRange])
        add(pad[padRange])
      }
    }
    return result
  }

  /// `order` with the keys of `union` it lacks, each after the key it follows there.
  static func completed(_ order: [SectionKey], from union: [SectionKey]) -> [SectionKey] {
    let present = Set(order)
    guard union.contains(where: { !present.contains($0) }) else { return order }
    var following: [SectionKey?: [SectionKey]] = [:]
    var previous: SectionKey?
    for key in union {
      if present.contains(key) { previous = key } else { following[previous, default: []].append(key) }
    }
    var result = following[nil] ?? []
    for key in order {
      result.append(key)
      result += following[key] ?? []
    }
    return result
  }

  /// Keys of both sides in one order: shared keys once, local-only runs before pad-only runs.
  static func unionOrder<Key: Hashable>(_ local: [Key], _ pad: [Key]) -> [Key] {
    var table: [Key: Int] = [:]
    func code(_ key: Key) -> Int {
      if let value = table[key] { return value }
      table[key] = table.count
      return table.count - 1
    }
    let localCodes = local.map(code), padCodes = pad.map(code)
    var result: [Key] = []
    var seen = Set<Key>()
    func add(_ key: Key) { if seen.insert(key).inserted { result.append(key) } }
    var i = 0
    for hunk in LineDiff.diff(localCodes, padCodes) {
      while i < hunk.old.lowerBound {
        add(local[i])
        i += 1
      }
      hunk.old.forEach { add(local[$0]) }
      hunk.new.forEach { add(pad[$0]) }
      i = hunk.old.upperBound
    }
    while i < local.count {
      add(local[i])
      i += 1
    }
    return result
  }

  func side(_ text: Int, _ key: SectionKey) -> Side? {
    if text == Self.baseText && !hasBase { return nil }
    guard let section = self.section(text, key) else { return nil }
    return Side(text: text, lines: section.lines, title: section.title)
  }

  func section(_ text: Int, _ key: SectionKey) -> NoteSections.Section? {
    guard let index = texts[text].sectionByKey[key] else { return nil }
    return texts[text].sections.sections[index]
  }

  mutating func mergeSection(key: SectionKey, hidden: Bool) {
    let b = side(Self.baseText, key), p = side(Self.padText, key)
    let localSection = section(Self.localText, key)
    if hidden || !(localSection?.conflictBlocks.isEmpty ?? true) {
      // Holds an unresolved conflict block: the file keeps it, the pad keeps its text, and the
      // base keeps its text so that pad changes made meanwhile still merge once it is resolved.
      if let localSection, !hidden { emitLocal(localSection.lines) }
      if let p { pushLines(Self.padText, p.lines, toBase: false) }
      if let b { baseLines(Self.baseText, b.lines) }
      return
    }
    let l = side(Self.localText, key)
    let title = l?.title ?? p?.title ?? b?.title ?? key.description
    switch (b, l, p) {
    case (_, nil, nil):
      return
    case (nil, let l?, nil):
      emitLocal(l.lines)
      pushLines(Self.localText, l.lines)
      toPad.append(title)
    case (nil, nil, let p?):
      emitForms(Self.padText, p.lines)
      pushLines(Self.padText, p.lines)
      fromPad.append(title)
    case (let b?, let l?, nil):
      if symbols(l) == symbols(b) {
        fromPad.append(title)
        return
      }
      writeConflict(local: l.lines, base: b, pad: nil, title: title)
    case (let b?, nil, let p?):
      if symbols(p) == symbols(b) {
        toPad.append(title)
        return
      }
      writeConflict(local: nil, base: b, pad: p, title: title)
      pushLines(Self.padText, p.lines)
    case (let b, let l?, let p?):
      if b == nil && !hasBase && symbols(l) != symbols(p) {
        // No base at all: differing sections are conflicts, never guessed.
        writeConflict(local: l.lines, base: nil, pad: p, title: title)
        pushLines(Self.padText, p.lines)
        return
      }
      mergeLines(base: b, local: l, pad: p, title: title)
    }
  }

  mutating func writeConflict(local: Range<Int>?, base: Side?, pad: Side?, title: String) {
    writeBlock(local: local ?? 0..<0, base: base, baseLines: base?.lines ?? 0..<0, pad: pad, padLines: pad?.lines ?? 0..<0)
    newConflicts.append(title)
  }

  mutating func writeBlock(local: Range<Int>, base: Side?, baseLines: Range<Int>, pad: Side?, padLines: Range<Int>) {
    let marks = NoteMerge.markers
    emitMarker(marks.local)
    emitLocal(local)
    emitMarker(marks.base)
    if let base { emitForms(base.text, baseLines) }
    emitMarker(marks.separator)
    if let pad { emitForms(pad.text, padLines) }
    emitMarker(marks.pad)
  }

  mutating func mergeLines(base b: Side?, local l: Side, pad p: Side, title: String) {
    let baseSymbols = b.map { symbols($0) } ?? [], localSymbols = symbols(l), padSymbols = symbols(p)
    merger.merge(base: baseSymbols, local: localSymbols, pad: padSymbols)
    let chunks = merger.chunks
    let lo = l.lines.lowerBound, po = p.lines.lowerBound, bo = b?.lines.lowerBound ?? 0
    // Whether the merged lines still equal the local and the pad lines, checked as they are taken.
    var sameAsLocal = true, sameAsPad = true
    var mergedCount = 0
    pushed.removeAll(keepingCapacity: true)
    var conflicted = false, tookPad = false, tookLocal = false
    func shifted(_ range: Range<Int>, by offset: Int) -> Range<Int> { (range.lowerBound + offset)..<(range.upperBound + offset) }
    func track(_ taken: ArraySlice<Int>) {
      let range = mergedCount..<(mergedCount + taken.count)
      sameAsLocal = sameAsLocal && range.upperBound <= localSymbols.count && LineMerge.slice(localSymbols, range) == taken
      sameAsPad = sameAsPad && range.upperBound <= padSymbols.count && LineMerge.slice(padSymbols, range) == taken
      mergedCount = range.upperBound
    }
    func takeLocal(_ range: Range<Int>) {
      emitLocal(shifted(range, by: lo))
      track(LineMerge.slice(localSymbols, range))
      pushed.append((Self.localText, shifted(range, by: lo), nil))
    }
    func takePad(_ range: Range<Int>) {
      emitForms(Self.padText, shifted(range, by: po))
      track(LineMerge.slice(padSymbols, range))
      pushed.append((Self.padText, shifted(range, by: po), nil))
    }
    func takeMarked(_ text: Int, _ line: Int, mark: UInt8) {
      emitMarked(text, line, mark: mark)
      // A line of neither side as it was.
      sameAsLocal = false
      sameAsPad = false
      mergedCount += 1
      pushed.append((text, line..<line + 1, mark))
    }
    for chunk in chunks {
      switch chunk {
      case .unchanged(_, let range, _):
        takeLocal(range)
      case .local(let range):
        tookLocal = true
        takeLocal(range)
      case .pad(let range):
        tookPad = true
        takePad(range)
      case .union(let picks):
        tookPad = true
        tookLocal = true
        for pick in picks {
          switch pick {
          case .local(let index): takeLocal(index..<index + 1)
          case .pad(let index): takePad(index..<index + 1)
          }
        }
      case .conflict(let localRange, let baseRange, let padRange):
        guard let b,
          let pieces = mergeItems(base: shifted(baseRange, by: bo), local: shifted(localRange, by: lo), pad: shifted(padRange, by: po))
        else {
          conflicted = true
          writeBlock(
            local: shifted(localRange, by: lo), base: b, baseLines: shifted(baseRange, by: bo), pad: p,
            padLines: shifted(padRange, by: po))
          continue
        }
        for piece in pieces {
          switch piece {
          case .local(let line):
            tookLocal = true
            takeLocal((line - lo)..<(line - lo + 1))
          case .pad(let line):
            tookPad = true
            takePad((line - po)..<(line - po + 1))
          case .marked(let text, let line, let mark):
            tookLocal = true
            tookPad = true
            takeMarked(text, line, mark: mark)
          case .conflict(let local, let base, let pad):
            conflicted = true
            writeBlock(local: local, base: b, baseLines: base, pad: p, padLines: pad)
          }
        }
      }
    }
    if conflicted {
      // The pad keeps its text for a section in conflict.
      newConflicts.append(title)
      pushLines(Self.padText, p.lines)
      if tookPad { fromPad.append(title) }
      return
    }
    for (text, lines, mark) in pushed {
      if let mark { pushMarked(text, lines.lowerBound, mark: mark) } else { pushLines(text, lines) }
    }
    if tookPad && !(sameAsLocal && mergedCount == localSymbols.count) { fromPad.append(title) }
    if tookLocal && !(sameAsPad && mergedCount == padSymbols.count) { toPad.append(title) }
  }
}

// MARK: Checklist items

extension Builder {
  /// One line of a conflict region merged item by item (lines are absolute indices of their text).
  enum ItemPiece {
    /// A local line as it is.
    case local(Int)
    /// A pad line as it is.
    case pad(Int)
    /// A line of `text` (local or pad) with its box holding `mark`: the other side's tick.
    case marked(text: Int, line: Int, mark: UInt8)
    /// What is still a conflict.
    case conflict(local: Range<Int>, base: Range<Int>, pad: Range<Int>)
  }

  /// A line's symbol.
  func symbol(_ text: Int, _ line: Int) -> Int { texts[text].symbols[line] }

  /// A 64-bit digest (FNV-1a) of an item line's pad form with its box empty.
  func itemDigest(_ text: Int, _ line: Int, _ mark: Int) -> UInt64 {
    let forms = texts[text].forms
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for offset in forms.lines[line].content {
      hash = (hash ^ UInt64(offset == mark ? 0x20 : forms.bytes[offset])) &* 0x0000_0100_0000_01B3
    }
    return hash
  }

  /// Whether two item lines are the same but for what their boxes hold.
  func sameItemText(_ firstText: Int, _ first: Int, _ firstMark: Int, _ secondText: Int, _ second: Int, _ secondMark: Int) -> Bool {
    let a = texts[firstText].forms, b = texts[secondText].forms
    let left = a.lines[first].content, right = b.lines[second].content
    guard left.count == right.count, firstMark - left.lowerBound == secondMark - right.lowerBound else { return false }
    for offset in 0..<left.count where offset != firstMark - left.lowerBound {
      if a.bytes[left.lowerBound + offset] != b.bytes[right.lowerBound + offset] { return false }
    }
    return true
  }

  /// Where a line's box mark is, in the pad form (symbols compare pad forms).
  func boxMark(_ text: Int, _ line: Int) -> Int? {
    let forms = texts[text].forms
    return ChecklistSyntax.boxMark(inLine: forms.bytes, forms.lines[line].content)
  }

  /// A line-merge conflict merged again with checklist items compared without their boxes.
  ///
  /// Items whose text is unchanged on both sides take the box of the side that changed it (both
  /// changed it alike, or only one did); an item whose text one side edited takes the other side's
  /// tick; two different edits of one item, or two different ticks, stay a conflict. Nil when the
  /// region holds no checklist item: the conflict stands as it is.
  mutating func mergeItems(base: Range<Int>, local: Range<Int>, pad: Range<Int>) -> [ItemPiece]? {
    // Lines by their symbols; an item the base holds, by its text with an empty box, so that
    // the same item with another box is the same symbol. Found by digest, checked byte for byte.
    // A box changed keeps the line's length: without a side's item as long as a base item (by
    // length modulo 64), there is nothing to merge item by item, and nothing is built.
    func lengthBit(_ text: Int, _ line: Int) -> UInt64 { 1 << UInt64(texts[text].forms.lines[line].content.count & 63) }
    var baseLengths: UInt64 = 0
    for line in base where boxMark(Self.baseText, line) != nil { baseLengths |= lengthBit(Self.baseText, line) }
    guard baseLengths != 0,
      local.contains(where: { lengthBit(Self.localText, $0) & baseLengths != 0 && boxMark(Self.localText, $0) != nil })
        || pad.contains(where: { lengthBit(Self.padText, $0) & baseLengths != 0 && boxMark(Self.padText, $0) != nil })
    else { return nil }
    let firstItemSymbol = texts[Self.localText].symbols.count + texts[Self.padText].symbols.count + texts[Self.baseText].symbols.count
    var baseItems: [UInt64: [(line: Int, mark: Int, id: Int)]] = [:]
    var itemCount = 0
    var boxChanges = 0
    var baseForms: [Int] = []
    baseForms.reserveCapacity(base.count)
    for line in base {
      guard let mark = boxMark(Self.baseText, line) else {
        baseForms.append(symbol(Self.baseText, line))
        continue
      }
      let digest = itemDigest(Self.baseText, line, mark)
      if let known = baseItems[digest]?.first(where: { sameItemText(Self.baseText, $0.line, $0.mark, Self.baseText, line, mark) }) {
        baseForms.append(known.id)
      } else {
        baseItems[digest, default: []].append((line, mark, firstItemSymbol + itemCount))
        baseForms.append(firstItemSymbol + itemCount)
        itemCount += 1
      }
    }
    guard itemCount > 0 else { return nil }
    func forms(_ text: Int, _ range: Range<Int>) -> [Int] {
      range.map { line in
        guard let mark = boxMark(text, line),
          let known = baseItems[itemDigest(text, line, mark)]?.first(where: {
            sameItemText(Self.baseText, $0.line, $0.mark, text, line, mark)
          })
        else { return symbol(text, line) }
        if symbol(text, line) != symbol(Self.baseText, known.line) { boxChanges += 1 }
        return known.id
      }
    }
    let localForms = forms(Self.localText, local), padForms = forms(Self.padText, pad)
    // Without a box changed on an item, the items' merge is the lines' merge: the conflict stands.
    guard boxChanges > 0 else { return nil }
    itemMerger.merge(base: baseForms[...], local: localForms[...], pad: padForms[...])
    let chunks = itemMerger.chunks
    var pieces: [ItemPiece] = []
    var basePosition = 0, localPosition = 0, padPosition = 0
    func mark(_ text: Int, _ line: Int) -> UInt8? { boxMark(text, line).map { texts[text].forms.bytes[$0] } }
    func state(_ text: Int, _ line: Int) -> Note.ItemState? { mark(text, line).flatMap(ChecklistSyntax.state(ofMark:)) }
    /// Adds a conflict, joined to the one before when they touch.
    func conflict(_ l: Range<Int>, _ b: Range<Int>, _ p: Range<Int>) {
      if case .conflict(let lastLocal, let lastBase, let lastPad) = pieces.last, lastLocal.upperBound == l.lowerBound,
        lastBase.upperBound == b.lowerBound, lastPad.upperBound == p.lowerBound
      {
        pieces[pieces.count - 1] = .conflict(
          local: lastLocal.lowerBound..<l.upperBound, base: lastBase.lowerBound..<b.upperBound, pad: lastPad.lowerBound..<p.upperBound)
      } else {
        pieces.append(.conflict(local: l, base: b, pad: p))
      }
    }
    /// One item, unchanged but for its box on either side.
    func mergeBoxes(_ b: Int, _ l: Int, _ p: Int) {
      let baseSymbol = symbol(Self.baseText, b), localSymbol = symbol(Self.localText, l), padSymbol = symbol(Self.padText, p)
      if localSymbol == baseSymbol {
        pieces.append(.pad(p))
      } else if padSymbol == baseSymbol || padSymbol == localSymbol || state(Self.localText, l) == state(Self.padText, p) {
        pieces.append(.local(l))
      } else {
        conflict(l..<l + 1, b..<b + 1, p..<p + 1)
      }
    }
    /// Lines one side (`edited`) changed while the other (`ticked`) kept their text: the edit wins,
    /// with the other side's boxes where it changed them and the edit did not.
    func mergeEdit(edited: Int, _ editedLines: Range<Int>, ticked: Int, _ tickedLines: Range<Int>, _ baseLines: Range<Int>) {
      let tickedChanges = zip(baseLines, tickedLines).filter { symbol(Self.baseText, $0) != symbol(ticked, $1) }
      let take: (Int) -> ItemPiece = { edited == Self.localText ? .local($0) : .pad($0) }
      if tickedChanges.isEmpty {
        pieces += editedLines.map(take)
        return
      }
      let (localLines, padLines) = edited == Self.localText ? (editedLines, tickedLines) : (tickedLines, editedLines)
      guard editedLines.count == baseLines.count else {
        conflict(localLines, baseLines, padLines)
        return
      }
      for ((b, e), t) in zip(zip(baseLines, editedLines), tickedLines) {
        let baseMark = mark(Self.baseText, b), tickedMark = mark(ticked, t), editedMark = mark(edited, e)
        if symbol(Self.baseText, b) == symbol(ticked, t) || (tickedMark != nil && state(ticked, t) == state(edited, e)) {
          pieces.append(take(e))
        } else if let tickedMark, editedMark == baseMark, editedMark != nil, sameItem(base: b, edited, e) {
          pieces.append(.marked(text: edited, line: e, mark: tickedMark))
        } else {
          let (l, p) = edited == Self.localText ? (e, t) : (t, e)
          conflict(l..<l + 1, b..<b + 1, p..<p + 1)
        }
      }
    }
    for (index, chunk) in chunks.enumerated() {
      // The region up to the next unchanged run: what the chunk replaced on each side.
      var next = (base: base.count, local: local.count, pad: pad.count)
      if index + 1 < chunks.count, case .unchanged(let b, let l, let p) = chunks[index + 1] {
        next = (b.lowerBound, l.lowerBound, p.lowerBound)
      }
      func absolute(_ start: Int, _ end: Int, _ range: Range<Int>) -> Range<Int> { (range.lowerBound + start)..<(range.lowerBound + end) }
      switch chunk {
      case .unchanged(let b, let l, let p):
        for offset in 0..<b.count {
          mergeBoxes(
            base.lowerBound + b.lowerBound + offset, local.lowerBound + l.lowerBound + offset, pad.lowerBound + p.lowerBound + offset)
        }
        basePosition = b.upperBound
        localPosition = l.upperBound
        padPosition = p.upperBound
        continue
      case .local(let l):
        mergeEdit(
          edited: Self.localText, absolute(l.lowerBound, l.upperBound, local), ticked: Self.padText,
          absolute(padPosition, next.pad, pad), absolute(basePosition, next.base, base))
      case .pad(let p):
        mergeEdit(
          edited: Self.padText, absolute(p.lowerBound, p.upperBound, pad), ticked: Self.localText,
          absolute(localPosition, next.local, local), absolute(basePosition, next.base, base))
      case .union(let picks):
        for pick in picks {
          switch pick {
          case .local(let line): pieces.append(.local(local.lowerBound + line))
          case .pad(let line): pieces.append(.pad(pad.lowerBound + line))
          }
        }
      case .conflict(let l, let b, let p):
        conflict(
          absolute(l.lowerBound, l.upperBound, local), absolute(b.lowerBound, b.upperBound, base), absolute(p.lowerBound, p.upperBound, pad)
        )
      }
      basePosition = next.base
      localPosition = next.local
      padPosition = next.pad
    }
    return pieces
  }

  /// Whether an edited item is still the base's item: what the two texts after the box share at
  /// their start and end together is all of the shorter or half of the longer (`verify stage` to
  /// `verify stage and -dev`, a typo fixed); an item rewritten into another is not, and takes no tick.
  func sameItem(base line: Int, _ text: Int, _ edited: Int) -> Bool {
    guard let baseMark = boxMark(Self.baseText, line), let editedMark = boxMark(text, edited) else { return false }
    let old = texts[Self.baseText].forms, new = texts[text].forms
    let a = old.bytes[(baseMark + 2)..<old.lines[line].contentEnd], b = new.bytes[(editedMark + 2)..<new.lines[edited].contentEnd]
    var prefix = 0
    while prefix < min(a.count, b.count), a[a.startIndex + prefix] == b[b.startIndex + prefix] { prefix += 1 }
    var suffix = 0
    while suffix < min(a.count, b.count) - prefix, a[a.endIndex - 1 - suffix] == b[b.endIndex - 1 - suffix] { suffix += 1 }
    let kept = prefix + suffix
    return kept > 0 && (kept >= min(a.count, b.count) || 2 * kept >= max(a.count, b.count))
  }

  /// Appends a line with its box holding `mark`: the file's own bytes for a local line, the pad
  /// form for a pad line.
  mutating func emitMarked(_ text: Int, _ line: Int, mark: UInt8) {
    if lastLineOpen { localBytes += ending }
    let source = text == Self.localText ? texts[text].sections.text : texts[text].forms
    let content = source.lines[line].content
    var bytes = Array(source.bytes[content])
    if let box = ChecklistSyntax.boxMark(inLine: source.bytes, content) { bytes[box - content.lowerBound] = mark }
    localBytes += bytes
    if text == Self.localText && source.lines[line].ending.isEmpty {
      lastLineOpen = true
    } else {
      localBytes += text == Self.localText ? Array(source.bytes[source.lines[line].ending]) : ending
      lastLineOpen = false
    }
  }

  /// Sends a line to the pad and the base with its box holding `mark`.
  mutating func pushMarked(_ text: Int, _ line: Int, mark: UInt8) {
    let forms = texts[text].forms
    var bytes = Array(forms.content(line))
    if let box = boxMark(text, line) { bytes[box - forms.lines[line].start] = mark }
    padBytes += bytes + Self.newline
    baseBytes += bytes + Self.newline
  }
}

/// Numbers distinct lines: equal bytes, equal symbol.
///
/// An open-addressing table over digests of the lines' bytes, read in place from the texts'
/// buffers (eight bytes at a time); a line is only compared byte for byte when digests match.
private struct LineInterner {
  /// One distinct line: where its bytes are.
  private struct Representative {
    var text: Int
    var start: Int
    var end: Int
  }

  private let texts: [SyncText]
  private var slots: [Int32]
  private var digests: [UInt64] = []
  private var representatives: [Representative] = []
  private let mask: Int

  /// A table for the lines of the texts at `used`.
  init(texts: [SyncText], using used: [Int]) {
    self.texts = texts
    let capacity = used.reduce(0) { $0 + texts[$1].lines.count }
    var size = 16
    while size < capacity * 2 { size <<= 1 }
    slots = [Int32](repeating: -1, count: size)
    mask = size - 1
    digests.reserveCapacity(capacity)
    representatives.reserveCapacity(capacity)
  }

  /// The symbols of the lines' contents of text `text`, new ones for lines never seen.
  mutating func symbols(of text: Int) -> [Int] {
    let lines = texts[text].lines
    var symbols: [Int] = []
    symbols.reserveCapacity(lines.count)
    texts[text].bytes.withUnsafeBytes { buffer in
      guard let base = buffer.baseAddress else { return }
      for line in lines { symbols.append(symbol(base + line.start, line.contentEnd - line.start, text: text, start: line.start)) }
    }
    return symbols
  }

  private mutating func symbol(_ bytes: UnsafeRawPointer, _ count: Int, text: Int, start: Int) -> Int {
    let digest = Self.digest(bytes, count)
    var slot = Int(truncatingIfNeeded: digest) & mask
    while true {
      let existing = Int(slots[slot])
      if existing < 0 {
        slots[slot] = Int32(representatives.count)
        digests.append(digest)
        representatives.append(Representative(text: text, start: start, end: start + count))
        return representatives.count - 1
      }
      if digests[existing] == digest && same(representatives[existing], bytes, count) { return existing }
      slot = (slot + 1) & mask
    }
  }

  private func same(_ representative: Representative, _ bytes: UnsafeRawPointer, _ count: Int) -> Bool {
    guard representative.end - representative.start == count else { return false }
    return texts[representative.text].bytes.withUnsafeBytes { buffer in
      guard let base = buffer.baseAddress else { return count == 0 }
      return memcmp(base + representative.start, bytes, count) == 0
    }
  }

  /// A 64-bit digest of `count` bytes, mixing a word at a time.
  private static func digest(_ bytes: UnsafeRawPointer, _ count: Int) -> UInt64 {
    var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: count)
    var offset = 0
    while offset + 8 <= count {
      hash = (hash ^ bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
      hash ^= hash >> 32
      offset += 8
    }
    var tail: UInt64 = 0
    var shift: UInt64 = 0
    while offset < count {
      tail |= UInt64(bytes.load(fromByteOffset: offset, as: UInt8.self)) << shift
      shift += 8
      offset += 1
    }
    hash = (hash ^ tail) &* 0xC4CE_B9FE_1A85_EC53
    return hash ^ (hash >> 29)
  }
}
