extension NoteParser {
  /// Compare links and cherry-picks (commit links), anywhere in the bytes.
  func readLinks(into note: inout Note, outline: Outline) {
    for link in LinkScanner.links(in: bytes) {
      let line = source.location(ofOffset: link.range.lowerBound).line
      let url = source.string(link.range)
      switch link.kind {
      case .compare(let from, let to):
        note.compare.append(Note.CompareLink(repo: link.repo, from: from, to: to, url: url, line: line, range: link.range))
      case .commit(let sha):
        let itemIndex = item(containing: link.range.lowerBound, in: outline.items)
        let done = itemIndex.map { outline.items[$0].isDone } == true || isStruckAround(link.range)
        note.cherryPicks.append(
          Note.CherryPick(
            repo: link.repo, sha: sha, url: url, done: done, tag: tagNear(link.range, line: line), line: line, range: link.range))
      }
    }
  }

  /// 1 plus the highest repeat number among this week's tags: compare links' newer ends, and tags of
  /// the push date written anywhere.
  func readPushes(into note: inout Note) {
    var highest =
      note.compare.compactMap { LinkScanner.pushTag($0.to) }.filter { note.date == nil || $0.date == note.date }.map(\.repeatNumber).max()
      ?? 0
    if let date = note.date {
      for found in LinkScanner.tags(in: bytes, range: 0..<bytes.count) where found.tag.date == date {
        highest = max(highest, found.tag.repeatNumber)
      }
    }
    note.pushes = 1 + highest
  }

  /// Whether `~` marks stand right before and right after the bytes (`~~https://…~~`).
  private func isStruckAround(_ range: Range<Int>) -> Bool {
    range.lowerBound > 0 && bytes[range.lowerBound - 1] == UInt8(ascii: "~") && range.upperBound < bytes.count
      && bytes[range.upperBound] == UInt8(ascii: "~")
  }

  /// The highest push tag written on the same line outside the URL (`… 2017.10.26-1`,
  /// `picked into …/compare/2023.04.06...2023.04.06-1`).
  private func tagNear(_ range: Range<Int>, line: Int) -> String? {
    let lineRange = source.lineRange(line)
    let before = LinkScanner.tags(in: bytes, range: lineRange.lowerBound..<range.lowerBound)
    let after = LinkScanner.tags(in: bytes, range: range.upperBound..<lineRange.upperBound)
    return (before + after).map(\.tag).max()?.name
  }
}
