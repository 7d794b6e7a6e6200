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
    var flat = FlatLines()
  }

  /// A text's lines back to back, so that runs of lines are copied at once.
  struct FlatLines {
    /// The lines with their endings, without the byte-order mark.
    var bytes: [UInt8] = []
    /// Where each line starts in `bytes`, then `bytes.count`.
    var starts: [Int] = [0]
    /// Where each line's content ends (and its ending starts).
    var contentEnds: [Int] = []
    /// The pad forms of the lines that hold a tab, by line.
    var tabForms: [Int: [UInt8]] = [:]

    init() {}

    init(_ text: SyncText) {
      if let first = text.lines.first, let last = text.lines.last {
        // Lines are slices of one array: their span is the text's size, reserved at once.
        bytes.reserveCapacity(max(last.content.endIndex, last.ending.endIndex) - first.content.startIndex)
      }
      starts.reserveCapacity(text.lines.count + 1)
      contentEnds.reserveCapacity(text.lines.count)
      text.lines.withUnsafeBufferPointer { lines in
        for index in lines.indices {
          bytes += lines[index].content
          contentEnds.append(bytes.count)
          bytes += lines[index].ending
          starts.append(bytes.count)
          if lines[index].content.contains(0x09) { tabForms[index] = lines[index].padForm }
        }
      }
    }

    /// A line's bytes without its ending.
    func content(_ index: Int) -> ArraySlice<UInt8> { bytes[starts[index]..<contentEnds[index]] }

    /// A line as the pad stores it, without its ending.
    func form(_ index: Int) -> ArraySlice<UInt8> {
      if !tabForms.isEmpty, let form = tabForms[index] { return form[...] }
      return content(index)
    }

    /// Appends the lines' pad forms, each ended by `\n`.
    func appendForms(_ range: Range<Int>, to output: inout [UInt8]) {
      for index in range {
        output += form(index)
        output.append(0x0A)
      }
    }
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
  var forms: LineInterner
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
    forms = LineInterner(capacity: (base?.text.lines.count ?? 0) + local.text.lines.count + pad.text.lines.count)
    for index in texts.indices where index != Self.baseText || hasBase {
      let flat = FlatLines(texts[index].sections.text)
      var symbols: [Int] = []
      symbols.reserveCapacity(flat.contentEnds.count)
      for line in flat.contentEnds.indices { symbols.append(forms.symbol(flat.form(line))) }
      texts[index].symbols = symbols
      texts[index].flat = flat
      if index == Self.localText {
        padBytes.reserveCapacity(flat.bytes.count)
        baseBytes.reserveCapacity(flat.bytes.count)
      }
      let sections = index == Self.localText ? local.sections.filter { !$0.isLocalOnly } : texts[index].sections.sections
      texts[index].byKey = Dictionary(sections.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
    }
  }

  var localOutput: [UInt8] { localBytes }
  var padOutput: String { String(decoding: padBytes, as: UTF8.self) }
  var baseOutput: String { String(decoding: baseBytes, as: UTF8.self) }

  func symbols(_ side: Side) -> ArraySlice<Int> { texts[side.text].symbols[side.lines] }

  // MARK: Output

  /// Appends lines brought from the pad or the base: their pad forms, the file's line ending.
  mutating func emitForms(_ text: Int, _ range: Range<Int>) {
    let flat = texts[text].flat
    for index in range {
      if lastLineOpen { localBytes += ending }
      localBytes += text == Self.localText ? flat.content(index) : flat.form(index)
      localBytes += ending
      lastLineOpen = false
    }
  }

  /// Appends the file's own lines, as they are (a last line without an ending gets one when followed).
  mutating func emitLocal(_ range: Range<Int>) {
    guard let last = range.last else { return }
    let flat = texts[Self.localText].flat
    if lastLineOpen { localBytes += ending }
    localBytes += flat.bytes[flat.starts[range.lowerBound]..<flat.starts[range.upperBound]]
    lastLineOpen = flat.contentEnds[last] == flat.starts[range.upperBound]
  }

  mutating func emitMarker(_ marker: String) {
    if lastLineOpen { localBytes += ending }
    localBytes.append(contentsOf: marker.utf8)
    localBytes += ending
    lastLineOpen = false
  }

  mutating func pushLines(_ text: Int, _ range: Range<Int>, toBase: Bool = true) {
    let flat = texts[text].flat
    flat.appendForms(range, to: &padBytes)
    if toBase { flat.appendForms(range, to: &baseBytes) }
  }

  mutating func baseLines(_ text: Int, _ range: Range<Int>) {
    texts[text].flat.appendForms(range, to: &baseBytes)
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
    let baseSymbols = b.map { Array(symbols($0)) } ?? []
    let localSymbols = Array(symbols(l)), padSymbols = Array(symbols(p))
    let chunks = LineMerge.merge(base: baseSymbols, local: localSymbols, pad: padSymbols)
    let lo = l.lines.lowerBound, po = p.lines.lowerBound, bo = b?.lines.lowerBound ?? 0
    var merged: [Int] = []
    var pushed: [(text: Int, lines: Range<Int>)] = []
    var conflicted = false, tookPad = false, tookLocal = false
    func shifted(_ range: Range<Int>, by offset: Int) -> Range<Int> { (range.lowerBound + offset)..<(range.upperBound + offset) }
    func takeLocal(_ range: Range<Int>) {
      emitLocal(shifted(range, by: lo))
      merged += localSymbols[range]
      pushed.append((Self.localText, shifted(range, by: lo)))
    }
    func takePad(_ range: Range<Int>) {
      emitForms(Self.padText, shifted(range, by: po))
      merged += padSymbols[range]
      pushed.append((Self.padText, shifted(range, by: po)))
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
        conflicted = true
        writeBlock(
          local: shifted(localRange, by: lo), base: b, baseLines: shifted(baseRange, by: bo), pad: p,
          padLines: shifted(padRange, by: po))
      }
    }
    if conflicted {
      // The pad keeps its text for a section in conflict.
      newConflicts.append(title)
      pushLines(Self.padText, p.lines)
      if tookPad { fromPad.append(title) }
      return
    }
    for (text, lines) in pushed { pushLines(text, lines) }
    if tookPad && merged != localSymbols { fromPad.append(title) }
    if tookLocal && merged != padSymbols { toPad.append(title) }
  }
}

/// Numbers distinct lines: equal bytes, equal symbol.
///
/// An open-addressing table over FNV-1a
/// digests (hashing byte by byte through `Hasher` dominated large merges).
private struct LineInterner {
  private var slots: [Int32]
  private var digests: [UInt64] = []
  private var lines: [ArraySlice<UInt8>] = []
  private let mask: Int

  init(capacity: Int) {
    var size = 16
    while size < capacity * 2 { size <<= 1 }
    slots = [Int32](repeating: -1, count: size)
    mask = size - 1
  }

  /// The symbol of `bytes`, new if never seen.
  mutating func symbol(_ bytes: ArraySlice<UInt8>) -> Int {
    let digest = bytes.withUnsafeBufferPointer { buffer in
      var hash: UInt64 = 0xcbf2_9ce4_8422_2325
      for byte in buffer { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
      return hash
    }
    var slot = Int(truncatingIfNeeded: digest ^ (digest >> 29)) & mask
    while true {
      let existing = Int(slots[slot])
      if existing < 0 {
        slots[slot] = Int32(lines.count)
        digests.append(digest)
        lines.append(bytes)
        return lines.count - 1
      }
      if digests[existing] == digest && lines[existing] == bytes { return existing }
      slot = (slot + 1) & mask
    }
  }
}
