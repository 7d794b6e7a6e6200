/// The section-by-section three-way merge of a note file with its pad, against the base.
///
/// Sections are matched by ``NoteSections/Section/key``. A section changed on one side is taken
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
    var symbols: [Int] = []
    var byKey: [String: NoteSections.Section] = [:]
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
  var forms: [ArraySlice<UInt8>: Int] = [:]
  var localBytes: [UInt8]
  var lastLineOpen = false
  var padBytes: [UInt8] = []
  var baseBytes: [UInt8] = []
  var fromPad: [String] = []
  var toPad: [String] = []
  var newConflicts: [String] = []

  init(base: NoteSections?, local: NoteSections, pad: NoteSections) {
    hasBase = base != nil
    ending = local.text.preferredEnding
    localBytes = local.text.byteOrderMark
    localBytes.reserveCapacity(local.text.lines.count * 32)
    texts = [Text(sections: base ?? pad), Text(sections: local), Text(sections: pad)]
    for index in texts.indices where index != Self.baseText || hasBase {
      var symbols: [Int] = []
      symbols.reserveCapacity(texts[index].sections.text.lines.count)
      for line in texts[index].sections.text.lines { symbols.append(symbol(line)) }
      texts[index].symbols = symbols
      let sections = index == Self.localText ? local.sections.filter { !$0.isLocalOnly } : texts[index].sections.sections
      texts[index].byKey = Dictionary(sections.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
    }
  }

  var localOutput: [UInt8] { localBytes }
  var padOutput: String { String(decoding: padBytes, as: UTF8.self) }
  var baseOutput: String { String(decoding: baseBytes, as: UTF8.self) }

  mutating func symbol(_ line: SyncText.Line) -> Int {
    let form = line.content.contains(0x09) ? ArraySlice(line.padForm) : line.content
    if let existing = forms[form] { return existing }
    let value = forms.count
    forms[form] = value
    return value
  }

  func symbols(_ side: Side) -> ArraySlice<Int> { texts[side.text].symbols[side.lines] }
  func line(_ text: Int, _ index: Int) -> SyncText.Line { texts[text].sections.text.lines[index] }

  // MARK: Output

  /// Appends a line to the file's output, as it is (lines that had no ending get one when followed).
  mutating func emit(_ content: ArraySlice<UInt8>, _ lineEnding: ArraySlice<UInt8>) {
    if lastLineOpen { localBytes += ending }
    localBytes += content
    localBytes += lineEnding
    lastLineOpen = lineEnding.isEmpty
  }

  /// Appends a line brought from the pad or the base: its pad form, the file's line ending.
  mutating func emitForm(_ text: Int, _ index: Int) {
    let line = line(text, index)
    emit(text == Self.localText ? line.content : ArraySlice(line.padForm), ArraySlice(ending))
  }

  mutating func emitLocal(_ range: Range<Int>) {
    for index in range {
      let line = line(Self.localText, index)
      emit(line.content, line.ending)
    }
  }

  mutating func emitMarker(_ marker: String) { emit(ArraySlice(marker.utf8), ArraySlice(ending)) }

  static func appendForm(_ line: SyncText.Line, to bytes: inout [UInt8]) {
    if line.content.contains(0x09) { bytes += line.padForm } else { bytes += line.content }
    bytes.append(0x0A)
  }

  mutating func pushLines(_ text: Int, _ range: Range<Int>, toBase: Bool = true) {
    for index in range {
      let line = line(text, index)
      Self.appendForm(line, to: &padBytes)
      if toBase { Self.appendForm(line, to: &baseBytes) }
    }
  }

  mutating func baseLines(_ text: Int, _ range: Range<Int>) {
    for index in range { Self.appendForm(line(text, index), to: &baseBytes) }
  }

  // MARK: Merge

  mutating func run() {
    let local = texts[Self.localText].sections
    let order = Self.unionOrder(local.sections.filter { !$0.isLocalOnly }.map(\.key), texts[Self.padText].sections.sections.map(\.key))
    var anchors: [String: [NoteSections.Section]] = [:]
    var leading: [NoteSections.Section] = []
    var lastKey: String?
    for section in local.sections {
      if section.isLocalOnly {
        if let key = lastKey { anchors[key, default: []].append(section) } else { leading.append(section) }
      } else {
        lastKey = section.key
      }
    }
    leading.forEach { emitLocal($0.lines) }
    for key in order {
      mergeSection(key: key, hidden: local.hiddenKeys.contains(key))
      anchors[key]?.forEach { emitLocal($0.lines) }
    }
  }

  /// Keys of both sides in one order: shared keys once, local-only runs before pad-only runs.
  static func unionOrder(_ local: [String], _ pad: [String]) -> [String] {
    var table: [String: Int] = [:]
    func code(_ key: String) -> Int {
      if let value = table[key] { return value }
      table[key] = table.count
      return table.count - 1
    }
    let localCodes = local.map(code), padCodes = pad.map(code)
    var result: [String] = []
    var seen = Set<String>()
    func add(_ key: String) { if seen.insert(key).inserted { result.append(key) } }
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

  func side(_ text: Int, _ key: String) -> Side? {
    if text == Self.baseText && !hasBase { return nil }
    guard let section = texts[text].byKey[key] else { return nil }
    return Side(text: text, lines: section.lines, title: section.title)
  }

  mutating func mergeSection(key: String, hidden: Bool) {
    let b = side(Self.baseText, key), p = side(Self.padText, key)
    let localSection = texts[Self.localText].byKey[key]
    if hidden || !(localSection?.conflictBlocks.isEmpty ?? true) {
      // Holds an unresolved conflict block: the file keeps it, the pad keeps its text, and the
      // base keeps its text so that pad changes made meanwhile still merge once it is resolved.
      if let localSection, !hidden { emitLocal(localSection.lines) }
      if let p { pushLines(Self.padText, p.lines, toBase: false) }
      if let b { baseLines(Self.baseText, b.lines) }
      return
    }
    let l = side(Self.localText, key)
    let title = l?.title ?? p?.title ?? b?.title ?? key
    switch (b, l, p) {
    case (_, nil, nil):
      return
    case (nil, let l?, nil):
      emitLocal(l.lines)
      pushLines(Self.localText, l.lines)
      toPad.append(title)
    case (nil, nil, let p?):
      for index in p.lines { emitForm(Self.padText, index) }
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
    for index in local {
      let line = line(Self.localText, index)
      emit(line.content, line.ending.isEmpty ? ArraySlice(ending) : line.ending)
    }
    emitMarker(marks.base)
    if let base { for index in baseLines { emitForm(base.text, index) } }
    emitMarker(marks.separator)
    if let pad { for index in padLines { emitForm(pad.text, index) } }
    emitMarker(marks.pad)
  }

  mutating func mergeLines(base b: Side?, local l: Side, pad p: Side, title: String) {
    let baseSymbols = b.map { Array(symbols($0)) } ?? []
    let localSymbols = Array(symbols(l)), padSymbols = Array(symbols(p))
    let chunks = LineMerge.merge(base: baseSymbols, local: localSymbols, pad: padSymbols)
    let lo = l.lines.lowerBound, po = p.lines.lowerBound, bo = b?.lines.lowerBound ?? 0
    var merged: [Int] = []
    var pushed: [(text: Int, index: Int)] = []
    var conflicted = false, tookPad = false, tookLocal = false
    func takeLocal(_ index: Int) {
      let line = line(Self.localText, lo + index)
      emit(line.content, line.ending)
      merged.append(localSymbols[index])
      pushed.append((Self.localText, lo + index))
    }
    for chunk in chunks {
      switch chunk {
      case .unchanged(_, let range, _):
        range.forEach(takeLocal)
      case .local(let range):
        tookLocal = true
        range.forEach(takeLocal)
      case .pad(let range):
        tookPad = true
        for index in range {
          emitForm(Self.padText, po + index)
          merged.append(padSymbols[index])
          pushed.append((Self.padText, po + index))
        }
      case .union(let picks):
        tookPad = true
        tookLocal = true
        for pick in picks {
          switch pick {
          case .local(let index): takeLocal(index)
          case .pad(let index):
            emitForm(Self.padText, po + index)
            merged.append(padSymbols[index])
            pushed.append((Self.padText, po + index))
          }
        }
      case .conflict(let localRange, let baseRange, let padRange):
        conflicted = true
        writeBlock(
          local: (lo + localRange.lowerBound)..<(lo + localRange.upperBound), base: b,
          baseLines: (bo + baseRange.lowerBound)..<(bo + baseRange.upperBound), pad: p,
          padLines: (po + padRange.lowerBound)..<(po + padRange.upperBound))
      }
    }
    if conflicted {
      // The pad keeps its text for a section in conflict.
      newConflicts.append(title)
      pushLines(Self.padText, p.lines)
      if tookPad { fromPad.append(title) }
      return
    }
    for (text, index) in pushed {
      let line = line(text, index)
      Self.appendForm(line, to: &padBytes)
      Self.appendForm(line, to: &baseBytes)
    }
    if tookPad && merged != localSymbols { fromPad.append(title) }
    if tookLocal && merged != padSymbols { toPad.append(title) }
  }
}
