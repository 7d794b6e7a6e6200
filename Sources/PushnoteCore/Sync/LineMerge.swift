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
    var merger = Merger()
    merger.merge(base: base[...], local: local[...], pad: pad[...])
    return merger.chunks
  }

  /// A merge's working tables, kept for the next merge: a note merged section by section
  /// allocates nothing per section once they have grown.
  public struct Merger: Sendable {
    /// The last merge's result; ranges count from the start of each slice merged.
    public private(set) var chunks: [Chunk] = []
    private var workspace = LineDiff.Workspace()
    private var localHunks: [LineDiff.Hunk] = []
    private var padHunks: [LineDiff.Hunk] = []

    /// Empty tables.
    public init() {}

    /// Merges `local` and `pad`, both descended from `base`, into ``chunks``.
    public mutating func merge(base: ArraySlice<Int>, local: ArraySlice<Int>, pad: ArraySlice<Int>) {
      localHunks.removeAll(keepingCapacity: true)
      padHunks.removeAll(keepingCapacity: true)
      chunks.removeAll(keepingCapacity: true)
      workspace.diff(base, local, into: &localHunks)
      workspace.diff(base, pad, into: &padHunks)
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
          chunks.append(LineMerge.unchanged(position..<start, localDelta: localDeltaBefore, padDelta: padDeltaBefore))
        }
        let localRange = (start + localDeltaBefore)..<(end + localDelta)
        let padRange = (start + padDeltaBefore)..<(end + padDelta)
        if !padTouched {
          chunks.append(.local(localRange))
        } else if !localTouched {
          chunks.append(.pad(padRange))
        } else if LineMerge.slice(local, localRange) == LineMerge.slice(pad, padRange) {
          chunks.append(.local(localRange))
        } else if start == end {
          chunks.append(.union(union(local, localRange, pad, padRange)))
        } else {
          chunks.append(.conflict(local: localRange, base: start..<end, pad: padRange))
        }
        position = end
      }
      if position < base.count {
        chunks.append(LineMerge.unchanged(position..<base.count, localDelta: localDelta, padDelta: padDelta))
      }
    }

    /// Both insertions, lines they share once, local lines before pad lines where they differ.
    private mutating func union(
      _ local: ArraySlice<Int>, _ localRange: Range<Int>, _ pad: ArraySlice<Int>, _ padRange: Range<Int>
    ) -> [Pick] {
      var hunks: [LineDiff.Hunk] = []
      workspace.diff(LineMerge.slice(local, localRange), LineMerge.slice(pad, padRange), into: &hunks)
      var picks: [Pick] = []
      var i = 0
      for hunk in hunks {
        while i < hunk.old.lowerBound {
          picks.append(.local(localRange.lowerBound + i))
          i += 1
        }
        picks += hunk.old.map { .local(localRange.lowerBound + $0) }
        picks += hunk.new.map { .pad(padRange.lowerBound + $0) }
        i = hunk.old.upperBound
      }
      while i < localRange.count {
        picks.append(.local(localRange.lowerBound + i))
        i += 1
      }
      return picks
    }
  }

  /// The part of `symbols` at `range`, counted from the slice's start.
  static func slice(_ symbols: ArraySlice<Int>, _ range: Range<Int>) -> ArraySlice<Int> {
    symbols[(symbols.startIndex + range.lowerBound)..<(symbols.startIndex + range.upperBound)]
  }

  private static func unchanged(_ range: Range<Int>, localDelta: Int, padDelta: Int) -> Chunk {
    .unchanged(
      base: range, local: (range.lowerBound + localDelta)..<(range.upperBound + localDelta),
      pad: (range.lowerBound + padDelta)..<(range.upperBound + padDelta))
  }
}
