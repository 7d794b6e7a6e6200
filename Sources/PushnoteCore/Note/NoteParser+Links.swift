extension NoteParser {
  /// Compare links and cherry-picks (commit links), anywhere in the piece's bytes.
  func readLinks(into piece: inout Piece) {
    for link in LinkScanner.links(in: bytes, range: piece.range) {
      let line = source.location(ofOffset: link.range.lowerBound).line
      let url = source.string(link.range)
      switch link.kind {
      case .compare(let from, let to):
        piece.compare.append(Note.CompareLink(repo: link.repo, from: from, to: to, url: url, line: line, range: link.range))
      case .commit(let sha):
        let itemIndex = item(containing: link.range.lowerBound, in: piece.items)
        let done = itemIndex.map { piece.items[$0].isDone } == true || isStruckAround(link.range)
        piece.cherryPicks.append(
          Note.CherryPick(
            repo: link.repo, sha: sha, url: url, done: done, tag: tagNear(link.range, line: line, tags: piece.tags), line: line,
            range: link.range))
      }
    }
  }

  /// 1 plus the highest repeat number among this week's tags: compare links' newer ends, and tags of
  /// the push date written anywhere (whose highest repeat number is given).
  func readPushes(into note: inout Note, highestRepeatOfTheDate: Int) {
    var highest = 0
    for link in note.compare {
      guard let tag = LinkScanner.pushTag(link.to), note.date == nil || tag.date == note.date else { continue }
      highest = max(highest, tag.repeatNumber)
    }
    note.pushes = 1 + max(highest, highestRepeatOfTheDate)
  }

  /// Whether `~` marks stand right before and right after the bytes (`~~https://…~~`).
  private func isStruckAround(_ range: Range<Int>) -> Bool {
    range.lowerBound > 0 && bytes[range.lowerBound - 1] == UInt8(ascii: "~") && range.upperBound < bytes.count
      && bytes[range.upperBound] == UInt8(ascii: "~")
  }

  /// The highest push tag written on the same line outside the URL (`… 2017.10.26-1`,
  /// `picked into …/compare/2023.04.06...2023.04.06-1`).
  private func tagNear(_ range: Range<Int>, line: Int, tags: [(tag: PushTag, range: Range<Int>)]) -> String? {
    let lineRange = source.lineRange(line)
    var index = NoteParser.firstIndex(in: tags, atOrAfter: lineRange.lowerBound) { $0.range.lowerBound }
    var highest: PushTag?
    while index < tags.count, tags[index].range.lowerBound < lineRange.upperBound {
      let found = tags[index]
      if found.range.upperBound <= range.lowerBound || found.range.lowerBound >= range.upperBound {
        highest = max(highest ?? found.tag, found.tag)
      }
      index += 1
    }
    return highest?.name
  }
}
