/// Three-way merge of line symbols, diff3 style, with one deliberate difference.
///
/// Changes of one side are taken; identical changes are taken once; changes of both sides to the
/// same or touching lines are a conflict, as in `git merge-file`, except when both sides only
/// inserted lines at the same place: then both insertions are kept, the local one first, lines
/// they share appearing once (the checklist case: two people adding an item to one section).
public enum LineMerge {
  /// One piece of the merge result, in order.
  public enum Chunk: Sendable, Hashable {
    /// Lines no side changed, with where they are in each version.
    case unchanged(base: Range<Int>, local: Range<Int>, pad: Range<Int>)
    /// Lines of the local side (a local change, or the same change on both sides).
    case local(Range<Int>)
    /// Lines of the pad side (a change made on the pad only).
    case pad(Range<Int>)
    /// Both sides inserted different lines at one place: the union, local lines first.
    case union([Pick])
    /// A real conflict: the local, base and pad versions of one region.
    case conflict(local: Range<Int>, base: Range<Int>, pad: Range<Int>)
  }

  /// One line taken from one side.
  public enum Pick: Sendable, Hashable {
    /// A local line by index.
    case local(Int)
    /// A pad line by index.
    case pad(Int)
  }

  /// Merges `local` and `pad`, both descended from `base`.
  public static func merge(base: [Int], local: [Int], pad: [Int]) -> [Chunk] {
    let localHunks = LineDiff.diff(base, local)
    let padHunks = LineDiff.diff(base, pad)
    var chunks: [Chunk] = []
    var position = 0
    var localIndex = 0, padIndex = 0
    var localDelta = 0, padDelta = 0
    while localIndex < localHunks.count || padIndex < padHunks.count {
      let takeLocal: Bool
      if localIndex == localHunks.count {
        takeLocal = false
      } else if padIndex == padHunks.count {
        takeLocal = true
      } else {
        takeLocal = localHunks[localIndex].old.lowerBound <= padHunks[padIndex].old.lowerBound
      }
      let start = takeLocal ? localHunks[localIndex].old.lowerBound : padHunks[padIndex].old.lowerBound
      var end = start
      let localDeltaBefore = localDelta, padDeltaBefore = padDelta
      var localTouched = false, padTouched = false
      // Absorb every hunk that overlaps or touches the chunk, on either side.
      var grew = true
      while grew {
        grew = false
        while localIndex < localHunks.count && localHunks[localIndex].old.lowerBound <= end {
          let hunk = localHunks[localIndex]
          end = max(end, hunk.old.upperBound)
          localDelta += hunk.new.count - hunk.old.count
          localTouched = true
          localIndex += 1
          grew = true
        }
        while padIndex < padHunks.count && padHunks[padIndex].old.lowerBound <= end {
          let hunk = padHunks[padIndex]
          end = max(end, hunk.old.upperBound)
          padDelta += hunk.new.count - hunk.old.count
          padTouched = true
          padIndex += 1
          grew = true
        }
      }
      if position < start {
        chunks.append(unchanged(position..<start, localDelta: localDeltaBefore, padDelta: padDeltaBefore))
      }
      let localRange = (start + localDeltaBefore)..<(end + localDelta)
      let padRange = (start + padDeltaBefore)..<(end + padDelta)
      if !padTouched {
        chunks.append(.local(localRange))
      } else if !localTouched {
        chunks.append(.pad(padRange))
      } else if local[localRange] == pad[padRange] {
        chunks.append(.local(localRange))
      } else if start == end {
        chunks.append(.union(union(local, localRange, pad, padRange)))
      } else {
        chunks.append(.conflict(local: localRange, base: start..<end, pad: padRange))
      }
      position = end
    }
    if position < base.count {
      chunks.append(unchanged(position..<base.count, localDelta: localDelta, padDelta: padDelta))
    }
    return chunks
  }

  private static func unchanged(_ range: Range<Int>, localDelta: Int, padDelta: Int) -> Chunk {
    .unchanged(
      base: range, local: (range.lowerBound + localDelta)..<(range.upperBound + localDelta),
      pad: (range.lowerBound + padDelta)..<(range.upperBound + padDelta))
  }

  /// Both insertions, lines they share once, local lines before pad lines where they differ.
  static func union(_ local: [Int], _ localRange: Range<Int>, _ pad: [Int], _ padRange: Range<Int>) -> [Pick] {
    let localLines = Array(local[localRange]), padLines = Array(pad[padRange])
    var picks: [Pick] = []
    var i = 0, j = 0
    for hunk in LineDiff.diff(localLines, padLines) {
      while i < hunk.old.lowerBound {
        picks.append(.local(localRange.lowerBound + i))
        i += 1
        j += 1
      }
      picks += hunk.old.map { .local(localRange.lowerBound + $0) }
      picks += hunk.new.map { .pad(padRange.lowerBound + $0) }
      i = hunk.old.upperBound
      j = hunk.new.upperBound
    }
    while i < localLines.count {
      picks.append(.local(localRange.lowerBound + i))
      i += 1
    }
    return picks
  }
}
