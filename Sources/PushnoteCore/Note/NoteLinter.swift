import Foundation

/// Finds what is wrong or suspicious in a parsed note: `pushnote lint` prints these as
/// `file:line:col: error|warning: message` and exits 65 when there is an error.
public struct NoteLinter: Sendable {
  /// Template placeholders that must not survive into a real note.
  static let placeholders = ASCII.NeedleSet([
    "YYYY.MM.DD", "YYYY-MM-DD", "<push hero>", "<release manager>", "<qa>", "<ops>", "<name>", "{{",
  ])

  /// Words of the title of the section that holds the compare links.
  static let compareSectionWords: [ASCII.Needle] = ["compare", "pushing"]

  /// A linter.
  public init() {}

  /// Every problem of the note, by position.
  public func lint(_ parsed: ParsedNote, config: NotebookConfig) -> [Note.Problem] {
    var context = Context(source: parsed.source, note: parsed.note, config: config)
    context.placeholders()
    context.conflictMarkers()
    context.nulBytes()
    context.duplicateSections()
    context.compareLinks()
    context.signoffs()
    context.timeline()
    return context.problems.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
  }

  /// The note under review and the problems found so far.
  private struct Context {
    let source: SourceText
    let bytes: [UInt8]
    let note: Note
    let config: NotebookConfig
    var problems: [Note.Problem] = []

    init(source: SourceText, note: Note, config: NotebookConfig) {
      self.source = source
      self.bytes = source.bytes
      self.note = note
      self.config = config
    }

    private mutating func report(_ severity: Note.Problem.Severity, at offset: Int, _ message: String) {
      let location = source.location(ofOffset: offset)
      problems.append(Note.Problem(severity: severity, line: location.line, column: location.column, message: message))
    }

    private mutating func report(_ severity: Note.Problem.Severity, line: Int, _ message: String) {
      report(severity, at: source.lineRange(line).lowerBound, message)
    }

    // MARK: Text

    /// Template placeholders, found in one pass over the bytes.
    mutating func placeholders() {
      let candidates = NoteLinter.placeholders
      var found: [(offset: Int, length: Int)] = []
      bytes.withUnsafeBufferPointer { buffer in
        var index = 0
        while index < buffer.count {
          guard candidates.starts[Int(buffer[index])],
            let match = candidates.needles.first(where: { ASCII.hasPrefix(buffer, index..<buffer.count, $0) })
          else {
            index += 1
            continue
          }
          found.append((index, match.bytes.count))
          index += match.bytes.count
        }
      }
      for (offset, length) in found {
        report(.error, at: offset, "template placeholder '\(source.string(offset..<offset + length))' left in the note")
      }
    }

    /// A `<<<<<<<` line, later a `=======` line, later a `>>>>>>>` line: a merge left unresolved.
    ///
    /// A lone `=======` under text is a Setext heading and is not reported.
    mutating func conflictMarkers() {
      var opening: Int?
      var separator: Int?
      let starts = source.lineStarts
      for line in 1...max(1, source.lineCount) {
        // Most lines start with neither `<`, `=` nor `>`: skip them before measuring the line.
        let first = starts[line - 1] < bytes.count ? bytes[starts[line - 1]] : 0
        guard first == UInt8(ascii: "<") || first == UInt8(ascii: "=") || first == UInt8(ascii: ">") else { continue }
        let range = source.lineRange(line)
        if isMarker(range, "<") {
          opening = line
          separator = nil
        } else if opening != nil, isMarker(range, "=") {
          separator = line
        } else if let start = opening, separator != nil, isMarker(range, ">") {
          report(.error, line: start, "leftover conflict markers (lines \(start) to \(line)); resolve them and remove the markers")
          opening = nil
          separator = nil
        }
      }
    }

    /// Exactly seven `character`s at the start of the line, then the end of the line or a blank.
    private func isMarker(_ range: Range<Int>, _ character: Character) -> Bool {
      guard range.count >= 7, let byte = character.asciiValue else { return false }
      for offset in 0..<7 where bytes[range.lowerBound + offset] != byte { return false }
      return range.count == 7 || ASCII.isBlank(bytes[range.lowerBound + 7])
    }

    mutating func nulBytes() {
      guard let first = bytes.withUnsafeBufferPointer({ ASCII.index(of: 0, in: $0, 0..<$0.count) }) else { return }
      let count = bytes.reduce(0) { $0 + ($1 == 0 ? 1 : 0) }
      report(.warning, at: first, count == 1 ? "NUL byte in the note" : "NUL byte in the note (\(count) in all)")
    }

    mutating func duplicateSections() {
      var seen: [String: Int] = [:]
      seen.reserveCapacity(note.sections.count)
      for section in note.sections {
        let key = section.key.title
        guard !key.isEmpty else { continue }
        if let first = seen[key] {
          report(
            .warning, line: section.line, "duplicate section '\(section.title)' (first at line \(first)); sync matches sections by title")
        } else {
          seen[key] = section.line
        }
      }
    }

    // MARK: Compare links

    mutating func compareLinks() {
      if !config.repositories.isEmpty {
        let compareSection = note.sections.first { section in NoteLinter.compareSectionWords.contains { ASCII.contains(section.title, $0) }
        }
        var linkedRepositories = Set<String>(minimumCapacity: note.compare.count)
        for link in note.compare { linkedRepositories.insert(link.repo.lowercased()) }
        for repository in config.repositories where !linkedRepositories.contains(repository.name.lowercased()) {
          report(.error, line: compareSection?.line ?? 1, "no compare link for \(repository.name)")
        }
      }
      if let date = note.date {
        let tag = PushTag(date: date).name
        for link in note.compare where LinkScanner.pushTag(link.to)?.date != date {
          report(.error, at: link.range.lowerBound, "compare link for \(link.repo) ends at '\(link.to)', not at this week's tag \(tag)")
        }
      } else {
        disagreeingTags()
      }
      var first: [String: Note.CompareLink] = [:]
      first.reserveCapacity(note.compare.count)
      for link in note.compare {
        let key = link.repo.lowercased()
        guard let earlier = first[key] else {
          first[key] = link
          continue
        }
        // A repeat push adds a link that continues the first (`-1...-2`); anything else disagrees.
        let chained = earlier.to == link.from || link.to == earlier.from
        if (earlier.from != link.from || earlier.to != link.to) && !chained {
          let message = "compare link for \(link.repo) (\(link.from)...\(link.to)) disagrees with line \(earlier.line)"
          report(.warning, at: link.range.lowerBound, message + " (\(earlier.from)...\(earlier.to))")
        }
      }
    }

    /// Without a date for the note, the newer tags of the repositories must at least agree on the day.
    private mutating func disagreeingTags() {
      let dated = note.compare.compactMap { link in LinkScanner.pushTag(link.to).map { (link, $0.date) } }
      var counts: [PushDate: Int] = [:]
      for (_, date) in dated { counts[date, default: 0] += 1 }
      guard counts.count > 1, let common = counts.max(by: { ($0.value, $1.key) < ($1.value, $0.key) })?.key else { return }
      for (link, date) in dated where date != common {
        report(
          .error, at: link.range.lowerBound,
          "tag '\(link.to)' for \(link.repo) disagrees with the other repositories' \(PushTag(date: common).name)")
      }
    }

    // MARK: Sign-offs and items

    /// Whether a section lists follow-ups (`Follow-ups`, `Follow up:`, `Followups`).
    static func isFollowUps(_ title: String) -> Bool {
      NoteOutline.titleKey(title).filter(\.isLetter).hasPrefix("followup")
    }

    /// Whether a section holds what is done after the push (`After the push`): its items can only
    /// be done after the sign-off, so they are not open items of a signed-off note.
    static func isAfterThePush(_ title: String) -> Bool {
      title.lowercased().filter(\.isLetter).hasPrefix("after")
    }

    mutating func signoffs() {
      let roles = ["qa": "QA", "ops": "Ops", "rm": "release manager"]
      for signoff in note.signoffs where signoff.done && signoff.at == nil {
        report(.error, at: signoff.boxOffset ?? signoff.range.lowerBound, "\(roles[signoff.role] ?? signoff.role) sign-off has no time")
      }
      // Signed off: the release manager ticked theirs; without a release manager line, everyone did.
      let releaseManager = note.signoffs.filter { $0.role == "rm" }
      let signing =
        releaseManager.isEmpty ? (note.signoffs.allSatisfy(\.done) ? note.signoffs.last : nil) : releaseManager.first(where: \.done)
      guard let signing else { return }
      // Follow-ups are meant to stay open after the push.
      for section in note.sections where !Self.isFollowUps(section.title) && !Self.isAfterThePush(section.title) {
        for item in section.items where item.state == .open {
          report(
            .error, at: item.boxOffset ?? item.range.lowerBound, "open item in a note signed off at line \(signing.line): \(item.text)")
        }
      }
    }

    // MARK: Timeline

    mutating func timeline() {
      var previous: (date: Date, line: Int)?
      for entry in note.timeline {
        guard let at = entry.at, let date = NoteTime.parse(at, on: nil, in: config.timeZone) else {
          unreadableTime(entry)
          continue
        }
        if let earlier = previous, date < earlier.date {
          report(.warning, at: entry.range.lowerBound, "timeline out of order: '\(entry.event)' is before line \(earlier.line)")
        }
        previous = (date, entry.line)
      }
    }

    /// A `start:`/`end:` entry with text that is not a time.
    private mutating func unreadableTime(_ entry: Note.TimelineEntry) {
      guard let colon = bytes[entry.range].firstIndex(of: UInt8(ascii: ":")) else { return }
      let lineEnd = source.lineRange(entry.line).upperBound
      let value = ASCII.trimmed(bytes, colon + 1..<max(colon + 1, min(lineEnd, entry.range.upperBound)))
      guard !value.isEmpty else { return }
      report(.warning, at: value.lowerBound, "cannot read the time '\(source.string(value))' of '\(entry.event)'")
    }
  }
}
