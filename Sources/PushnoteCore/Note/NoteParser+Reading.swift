import Foundation

extension NoteParser {
  /// The note read so far, piece after piece in order, and the pieces that wait for what decides
  /// how they read.
  ///
  /// Two things of a note are known only further on. Whether its sections are headings or pad-era
  /// `Title:` lines is known at the first `##` heading, or else at the end. Its date (which sign-offs
  /// and the timeline are read against) is known once the header is: the `Date:` or `Tag:` field,
  /// else the title, else the file name at the end. Pieces wait until both are known; in a note
  /// made from the template that is within its first lines, so that each piece is read and dropped
  /// as it comes.
  struct Reading {
    let parser: NoteParser
    var note = Note()
    /// Where each section starts, in order.
    private var starts: [SectionStart] = []
    private var identities: SectionIdentities
    /// Whether each section's title mentions migrations, sign-offs, a timeline.
    private var migrationSections: [Bool] = []
    private var signoffSections: [Bool] = []
    private var timelineSections: [Bool] = []
    /// Whether sections are headings; nil until the first `##` heading or the end.
    private var headingSections: Bool?
    /// Where the header ends: the first section that is not the title.
    private var headerEnd: Int?
    /// The header's lines: top-level items without a box, and paragraph lines, before `headerEnd`.
    private var headerLines: [(range: Range<Int>, line: Int)] = []
    private var headerRead = false
    /// The pieces not read yet, and how many of them have their sections and items placed.
    private var waiting: [Piece] = []
    private var placed = 0
    private var sectioned = 0
    private var timeline = TimelineState()
    /// The highest repeat number among the tags of the push date written anywhere.
    private var highestRepeat = 0

    init(parser: NoteParser) {
      self.parser = parser
      identities = SectionIdentities(localOnly: parser.config.pad.localOnly)
      note.file = parser.path
    }

    /// Takes in the next piece, and reads every waiting piece once nothing decides for them any more.
    mutating func add(_ piece: Piece) {
      if note.title == nil, let title = piece.headings.first(where: { $0.level == 1 }) { note.title = title.title }
      if headingSections == nil, piece.headings.contains(where: { $0.level >= 2 }) { headingSections = true }
      waiting.append(piece)
      advance(atEnd: false)
    }

    /// The note, once every piece is in.
    mutating func finish() -> Note {
      if headingSections == nil { headingSections = false }
      advance(atEnd: true)
      let ends = NoteParser.extentEnds(of: starts, fileEnd: parser.bytes.count)
      for index in note.sections.indices {
        let end = index + 1 < starts.count ? starts[index + 1].offset : parser.bytes.count
        note.sections[index].range = starts[index].offset..<end
        note.sections[index].extent = starts[index].offset..<(starts[index].level == 0 ? end : ends[index])
        note.sections[index].progress = Note.Progress(note.sections[index].items)
      }
      if let first = timeline.firstStart, let last = timeline.lastEnd, last >= first {
        note.durationSeconds = Int(last.timeIntervalSince(first).rounded())
      }
      parser.readPushes(into: &note, highestRepeatOfTheDate: highestRepeat)
      return note
    }

    /// Places the waiting pieces' sections and items once the kind of sections is known, and reads
    /// them once the date is.
    private mutating func advance(atEnd: Bool) {
      guard let headingSections else { return }
      while sectioned < waiting.count {
        for start in parser.sectionStarts(of: waiting[sectioned], headingsOnly: headingSections) { addSection(start) }
        sectioned += 1
      }
      if headerEnd == nil { headerEnd = starts.first { $0.level != 1 }?.offset ?? parser.bytes.count }
      while placed < waiting.count {
        // Taken out while placed, so that its lists are not copied.
        var piece = waiting[placed]
        waiting[placed] = Piece(range: piece.range)
        place(&piece)
        waiting[placed] = piece
        placed += 1
      }
      if !headerRead {
        let fields = parser.headerFields(headerLines)
        guard atEnd || note.title != nil || parser.fieldDate(fields) != nil else { return }
        parser.readHeader(into: &note, fields: fields, lines: headerLines)
        headerRead = true
        headerLines = []
      }
      for piece in waiting { read(piece) }
      waiting.removeAll()
      placed = 0
      sectioned = 0
    }

    /// A section, with what its title says.
    private mutating func addSection(_ start: SectionStart) {
      var section = Note.Section(title: start.title, level: start.level, line: start.line, items: [], range: start.offset..<start.offset)
      (section.key, section.isLocalOnly) = identities.next(title: start.title, level: start.level)
      let title = Array(start.title.utf8)
      func mentions(_ words: [ASCII.Needle]) -> Bool { words.contains { ASCII.firstIndex(of: $0, in: title, 0..<title.count) != nil } }
      migrationSections.append(mentions(Words.migrationSection))
      signoffSections.append(mentions(Words.signoffSection))
      timelineSections.append(mentions(NoteParser.timelineSectionWords))
      starts.append(start)
      note.sections.append(section)
    }

    /// Gives the piece's items and lines their sections, keeps the lines that may matter, takes
    /// its header lines and puts its checklist items in their sections.
    private mutating func place(_ piece: inout Piece) {
      let headerEnd = headerEnd ?? parser.bytes.count
      let starts = starts
      func section(at offset: Int) -> Int? { NoteParser.lastIndex(in: starts, atOrBefore: offset) { $0.offset } }
      for index in piece.items.indices {
        let item = piece.items[index]
        piece.items[index].section = section(at: item.range.lowerBound)
        if item.parent == nil, item.boxOffset == nil, item.range.lowerBound < headerEnd {
          headerLines.append((item.firstLine, item.textLine))
        }
      }
      piece.lines.removeAll { !($0.range.lowerBound < headerEnd || parser.mayHoldTimelineEntry($0.range)) }
      for index in piece.lines.indices {
        piece.lines[index].section = section(at: piece.lines[index].paragraphStart)
        if piece.lines[index].range.lowerBound < headerEnd { headerLines.append((piece.lines[index].range, piece.lines[index].line)) }
      }
      // A section's list grows once a piece to what the piece adds, not by doubling; one already
      // long grows by half again, so that a section of millions of items is not copied every piece.
      var added: [Int: Int] = [:]
      for item in piece.items where item.state != nil { item.section.map { added[$0, default: 0] += 1 } }
      for (section, count) in added {
        let items = note.sections[section].items
        let needed = items.count + count
        guard needed > items.capacity else { continue }
        note.sections[section].items.reserveCapacity(needed < 4096 ? needed : max(needed, items.capacity + items.capacity / 2))
      }
      for item in piece.items {
        guard let state = item.state, let section = item.section else { continue }
        note.sections[section].items.append(
          Note.ChecklistItem(text: item.text, state: state, line: item.line, boxOffset: item.boxOffset, range: item.range))
      }
    }

    /// Reads what depends on the sections and the date: migrations, sign-offs, the timeline.
    private mutating func read(_ piece: Piece) {
      note.compare += piece.compare
      note.cherryPicks += piece.cherryPicks
      note.flags += piece.flags
      parser.readMigrations(piece.items, migrationSections: migrationSections, into: &note)
      parser.readSignoffs(piece.items, signoffSections: signoffSections, into: &note)
      parser.readTimeline(piece, timelineSections: timelineSections, state: &timeline, into: &note)
      if let date = note.date {
        for found in piece.tags where found.tag.date == date { highestRepeat = max(highestRepeat, found.tag.repeatNumber) }
      }
    }
  }

  /// What the timeline read so far leaves for the entries after it.
  struct TimelineState {
    /// The time of the last entry with one: a time that falls more than 12 hours before it is on the next day.
    var previous: Date?
    /// The earliest start and the latest end.
    var firstStart: Date?
    var lastEnd: Date?
  }
}
