/// The outline of a note: its sections (level, title, identity, bytes, whether local-only) and
/// its checklist items, and the one rule that says when two titles name the same section.
///
/// Sync's sections (``NoteSections``), the note model (``Note/sections``), the mail, lint and the
/// editor all take section titles, identities and local-only marks from here, so that a title the
/// mail hides is also a title sync keeps off the pad.
public struct NoteOutline: Sendable, Equatable {
  /// The sections in order, each with its checklist items; text before the first heading is in none.
  ///
  /// In a note without `##` headings, pad-era `Title:` lines stand for headings (level 0).
  public var sections: [Note.Section]

  /// An outline of sections.
  public init(sections: [Note.Section]) { self.sections = sections }

  /// Every checklist item, in order.
  public var items: [Note.ChecklistItem] { sections.flatMap(\.items) }

  /// The first section whose title matches `title` by ``titleKey(_:)``.
  public func section(titled title: String) -> Note.Section? {
    let wanted = Self.titleKey(title)
    return sections.first { $0.key.title == wanted }
  }

  /// A heading at the top level of a document: the start of a section.
  public struct Heading: Sendable, Equatable {
    /// The heading's text as a reader sees it.
    public var title: String
    /// 1 to 6.
    public var level: Int
    /// The 1-based line.
    public var line: Int
    /// The byte offset of its first byte.
    public var offset: Int
  }

  /// The top-level headings of a document, ATX and Setext, as cmark reads them.
  public static func headings(in document: MarkdownDocument) -> [Heading] {
    document.topLevel.compactMap { index in
      let block = document.blocks[index]
      guard case .heading(let level) = block.kind else { return nil }
      return Heading(title: document.plainText(of: block), level: level, line: block.line, offset: block.range.lowerBound)
    }
  }

  // MARK: The title rule

  /// The normalised form of a section title: what two titles share when they name the same section.
  ///
  /// Letters and digits in lower case, every run of anything else (spaces, punctuation, emphasis
  /// markers) as one space, none at either end: `## Private notes:`, `## private notes`,
  /// `## **Private notes**` and a Setext `Private notes` all give `private notes`, and
  /// `Cherry-picks` is `Cherry picks`. Equal keys are told apart by their order (``SectionKey``).
  public static func titleKey(_ title: some StringProtocol) -> String {
    let utf8 = title.utf8
    guard utf8.allSatisfy({ $0 < 0x80 }) else { return unicodeTitleKey(title) }
    // Written in place: titles are short, and every section of every parse has one.
    return String(unsafeUninitializedCapacity: utf8.count) { buffer in
      var count = 0
      var pendingSpace = false
      for byte in utf8 {
        if ASCII.isLetter(byte) || ASCII.isDigit(byte) {
          if pendingSpace {
            buffer[count] = 0x20
            count += 1
          }
          pendingSpace = false
          buffer[count] = ASCII.lowercased(byte)
          count += 1
        } else {
          pendingSpace = count > 0
        }
      }
      return count
    }
  }

  /// ``titleKey(_:)`` for a title that is not ASCII: Unicode letters, numbers and case.
  private static func unicodeTitleKey(_ title: some StringProtocol) -> String {
    var key = ""
    var pendingSpace = false
    for character in title.lowercased() {
      if character.isLetter || character.isNumber {
        if pendingSpace { key.append(" ") }
        pendingSpace = false
        key.append(character)
      } else {
        pendingSpace = !key.isEmpty
      }
    }
    return key
  }

  /// Whether two titles name the same section by ``titleKey(_:)``.
  public static func sameTitle(_ first: some StringProtocol, _ second: some StringProtocol) -> Bool {
    titleKey(first) == titleKey(second)
  }
}

/// A section's identity across the file, the pad and the base: its normalised title and its
/// place among the sections of that title.
///
/// Two `## Notes` are `notes` 1 and `notes` 2; a real `## Notes #2` is `notes 2` 1. No title can
/// spell another section's identity.
public struct SectionKey: Sendable, Hashable, CustomStringConvertible {
  /// The normalised title (``NoteOutline/titleKey(_:)``); empty for the preamble.
  public var title: String
  /// 1 for the first section of this title, 2 for the second, ...; 0 for the preamble.
  public var ordinal: Int

  /// Creates a key.
  public init(title: String, ordinal: Int) {
    self.title = title
    self.ordinal = ordinal
  }

  /// The text before the first heading.
  public static let preamble = SectionKey(title: "", ordinal: 0)

  /// For messages: the title, with the ordinal in parentheses after the first.
  public var description: String { ordinal <= 1 ? title : "\(title) (\(ordinal))" }
}

/// Gives headings, in order, their identities and local-only marks: the one place that decides both.
public struct SectionIdentities: Sendable {
  private var seen: [String: Int] = [:]
  private let localOnly: Set<String>
  private var localOnlyLevel: Int?

  /// Identities for a note whose `pad.local_only` lists `localOnly` (titles, any spelling).
  public init(localOnly: [String]) {
    self.localOnly = Set(localOnly.map { NoteOutline.titleKey($0) }.filter { !$0.isEmpty })
  }

  /// The identity of the next heading, and whether it is local-only: listed itself, or nested in
  /// a listed section (a heading of a deeper level after it).
  public mutating func next(title: String, level: Int) -> (key: SectionKey, isLocalOnly: Bool) {
    let normal = NoteOutline.titleKey(title)
    let ordinal = seen[normal, default: 0] + 1
    seen[normal] = ordinal
    if let open = localOnlyLevel, level <= open { localOnlyLevel = nil }
    if localOnlyLevel == nil, !localOnly.isEmpty, localOnly.contains(normal) { localOnlyLevel = level }
    return (SectionKey(title: normal, ordinal: ordinal), localOnlyLevel != nil)
  }
}
