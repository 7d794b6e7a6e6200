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

/// The working state of one merge.
private struct Builder {
  let base: NoteSections?
  let local: NoteSections
  let pad: NoteSections
  var symbols: [[UInt8]: Int] = [:]
  var outLines: [(content: [UInt8], ending: [UInt8])] = []
  var padLines: [[UInt8]] = []
  var baseLines: [[UInt8]] = []
  var fromPad: [String] = []
  var toPad: [String] = []
  var newConflicts: [String] = []
  let ending: [UInt8]

  init(base: NoteSections?, local: NoteSections, pad: NoteSections) {
    self.base = base
    self.local = local
    self.pad = pad
    ending = local.text.preferredEnding
  }

  var localOutput: [UInt8] {
    var result = local.text.byteOrderMark
    for (index, line) in outLines.enumerated() {
      result += line.content
      result += line.ending.isEmpty && index + 1 < outLines.count ? ending : line.ending
    }
    return result
  }

  var padOutput: String { Self.join(padLines) }
  var baseOutput: String { Self.join(baseLines) }

  static func join(_ lines: [[UInt8]]) -> String {
    var bytes: [UInt8] = []
    for line in lines {
      bytes += line
      bytes.append(0x0A)
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  mutating func symbol(_ bytes: [UInt8]) -> Int {
    if let existing = symbols[bytes] { return existing }
    let value = symbols.count
    symbols[bytes] = value
    return value
  }

  /// One side's section: its lines in pad form and as they are.
  struct Side {
    var lines: [SyncText.Line]
    var forms: [[UInt8]]
    var symbols: [Int]
    var title: String
  }

  mutating func side(_ sections: NoteSections, _ section: NoteSections.Section) -> Side {
    let lines = Array(sections.text.lines[section.lines])
    let forms = lines.map(\.padForm)
    return Side(lines: lines, forms: forms, symbols: forms.map { symbol($0) }, title: section.title)
  }

  mutating func run() {
    let localSections = local.sections.filter { !$0.isLocalOnly }
    let localByKey = Dictionary(localSections.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
    let padByKey = Dictionary(pad.sections.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
    let baseByKey = Dictionary((base?.sections ?? []).map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
    let order = Self.unionOrder(localSections.map(\.key), pad.sections.map(\.key))
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
    leading.forEach { emitLocal($0) }
    for key in order {
      mergeSection(
        key: key, base: baseByKey[key], local: localByKey[key], pad: padByKey[key],
        hidden: local.hiddenKeys.contains(key))
      anchors[key]?.forEach { emitLocal($0) }
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

  mutating func emitLocal(_ section: NoteSections.Section) {
    for line in local.text.lines[section.lines] { outLines.append((Array(line.content), Array(line.ending))) }
  }

  mutating func emitPadForms(_ forms: [[UInt8]]) {
    for form in forms { outLines.append((form, ending)) }
  }

  mutating func mergeSection(
    key: String, base baseSection: NoteSections.Section?, local localSection: NoteSections.Section?,
    pad padSection: NoteSections.Section?, hidden: Bool
  ) {
    let b = baseSection.map { side(base ?? local, $0) }
    let p = padSection.map { side(pad, $0) }
    let frozen = hidden || !(localSection?.conflictBlocks.isEmpty ?? true)
    if frozen {
      // Holds an unresolved conflict block: the file keeps it, the pad keeps its text, and the
      // base keeps its text so that pad changes made meanwhile still merge once it is resolved.
      if let localSection, !hidden { emitLocal(localSection) }
      if let p { padLines += p.forms }
      if let b { baseLines += b.forms }
      return
    }
    let l = localSection.map { side(local, $0) }
    let title = l?.title ?? p?.title ?? b?.title ?? key
    switch (b, l, p) {
    case (_, nil, nil):
      return
    case (nil, let l?, nil):
      emitLocalSide(l)
      takeForPad(l.forms, title: title, toPad: true)
    case (nil, nil, let p?):
      emitPadForms(p.forms)
      fromPad.append(title)
      takeForPad(p.forms, title: title, toPad: false)
    case (let b?, let l?, nil):
      if l.symbols == b.symbols {
        fromPad.append(title)
        return
      }
      writeConflict(local: l.lines.map { ($0.content, $0.ending) }, base: b.forms, pad: [], title: title)
    case (let b?, nil, let p?):
      if p.symbols == b.symbols {
        toPad.append(title)
        return
      }
      writeConflict(local: [], base: b.forms, pad: p.forms, title: title)
      padLines += p.forms
      baseLines += p.forms
    case (let b, let l?, let p?):
      if b == nil && base == nil && l.symbols != p.symbols {
        // No base at all: differing sections are conflicts, never guessed.
        writeConflict(local: l.lines.map { ($0.content, $0.ending) }, base: [], pad: p.forms, title: title)
        padLines += p.forms
        baseLines += p.forms
        return
      }
      mergeLines(base: b ?? Side(lines: [], forms: [], symbols: [], title: title), local: l, pad: p, title: title)
    }
  }

  mutating func emitLocalSide(_ side: Side) {
    for line in side.lines { outLines.append((Array(line.content), Array(line.ending))) }
  }

  mutating func takeForPad(_ forms: [[UInt8]], title: String, toPad changed: Bool) {
    padLines += forms
    baseLines += forms
    if changed { toPad.append(title) }
  }

  mutating func writeConflict(
    local: [(ArraySlice<UInt8>, ArraySlice<UInt8>)], base: [[UInt8]], pad: [[UInt8]], title: String
  ) {
    let marks = NoteMerge.markers
    outLines.append((Array(marks.local.utf8), ending))
    for (content, lineEnding) in local { outLines.append((Array(content), lineEnding.isEmpty ? ending : Array(lineEnding))) }
    outLines.append((Array(marks.base.utf8), ending))
    emitPadForms(base)
    outLines.append((Array(marks.separator.utf8), ending))
    emitPadForms(pad)
    outLines.append((Array(marks.pad.utf8), ending))
    newConflicts.append(title)
  }

  mutating func mergeLines(base b: Side, local l: Side, pad p: Side, title: String) {
    let chunks = LineMerge.merge(base: b.symbols, local: l.symbols, pad: p.symbols)
    var merged: [[UInt8]] = []
    var conflicted = false
    var tookPad = false
    var tookLocal = false
    for chunk in chunks {
      switch chunk {
      case .unchanged(_, let localRange, _):
        for index in localRange {
          outLines.append((Array(l.lines[index].content), Array(l.lines[index].ending)))
          merged.append(l.forms[index])
        }
      case .local(let range):
        tookLocal = true
        for index in range {
          outLines.append((Array(l.lines[index].content), Array(l.lines[index].ending)))
          merged.append(l.forms[index])
        }
      case .pad(let range):
        tookPad = true
        emitPadForms(Array(p.forms[range]))
        merged += p.forms[range]
      case .union(let picks):
        tookPad = true
        tookLocal = true
        for pick in picks {
          switch pick {
          case .local(let index):
            outLines.append((Array(l.lines[index].content), Array(l.lines[index].ending)))
            merged.append(l.forms[index])
          case .pad(let index):
            outLines.append((p.forms[index], ending))
            merged.append(p.forms[index])
          }
        }
      case .conflict(let localRange, let baseRange, let padRange):
        conflicted = true
        writeConflict(
          local: l.lines[localRange].map { ($0.content, $0.ending) }, base: Array(b.forms[baseRange]),
          pad: Array(p.forms[padRange]), title: title)
      }
    }
    if conflicted {
      // The pad keeps its text for a section in conflict.
      padLines += p.forms
      baseLines += p.forms
      if tookPad { fromPad.append(title) }
      return
    }
    padLines += merged
    baseLines += merged
    if tookPad && merged.map({ symbol($0) }) != l.symbols { fromPad.append(title) }
    if tookLocal && merged.map({ symbol($0) }) != p.symbols { toPad.append(title) }
  }
}
