/// A line diff between two sequences of line symbols (equal lines have equal symbols).
///
/// Common prefix and suffix are trimmed, then lines unique on both sides anchor the diff
/// (patience diff, longest increasing subsequence in O(n log n)); what lies between anchors is
/// diffed the same way, and only regions without unique common lines fall back to Myers' O(ND)
/// algorithm, whose edit cost is capped: at the cap the diff keeps the path that got furthest,
/// and diffs the rest of the region anew from there (as GNU diff and git's xdiff bail out of an
/// expensive search), so the time stays linear in the region times the cap however different the
/// inputs are, and the hunks stay small where the inputs still have lines in common.
public enum LineDiff {
  /// A region where the two sides differ: `old` lines replaced by `new` lines (either may be empty).
  public struct Hunk: Sendable, Hashable {
    /// The replaced range of the old sequence.
    public var old: Range<Int>
    /// The replacing range of the new sequence.
    public var new: Range<Int>
  }

  /// The least edit distance Myers' algorithm explores in one search before a region that needs
  /// more is diffed in pieces.
  public static let minimumCostCap = 256

  /// The edit distance one search explores in a region of `size` lines (both sides).
  ///
  /// The square root of the size, at least ``minimumCostCap``, as git's xdiff bounds its search;
  /// the time then grows as the region times this cap.
  public static func costCap(forRegionOf size: Int) -> Int { max(minimumCostCap, Int(Double(size).squareRoot())) }

  /// The hunks turning `old` into `new`, in order, never adjacent to each other.
  public static func diff(_ old: [Int], _ new: [Int]) -> [Hunk] {
    var workspace = Workspace()
    var hunks: [Hunk] = []
    workspace.diff(old[...], new[...], into: &hunks)
    return hunks
  }

  /// The tables of a diff, kept for the next one.
  ///
  /// Diffing a note section by section allocates nothing once they have grown. Symbols index the
  /// tables, so they should be dense small numbers (others are renumbered first).
  public struct Workspace: Sendable {
    /// Per symbol: occurrences in the old region, in the new region, and the last old position;
    /// all zero between uses (only the entries a region touched are reset).
    private var countsOld: [Int32] = []
    private var countsNew: [Int32] = []
    private var positionOld: [Int32] = []
    /// Unique pairs of a region and the longest chain's bookkeeping.
    private var pairs: [(old: Int, new: Int)] = []
    private var tails: [Int] = []
    private var previous: [Int] = []
    /// Myers' frontier, the snapshots of it (one slice per cost) and where each snapshot starts.
    private var frontier: [Int] = []
    private var trace: [Int] = []
    private var traceStarts: [Int] = []

    /// Regions up to this many lines together are compared line by line: tables indexed by
    /// symbol would cost a cache miss per line there.
    private static let smallRegion = 128

    /// Empty tables.
    public init() {}

    /// Appends the hunks turning `old` into `new` to `hunks`, counting indices from each slice's
    /// start; the hunks appended are never adjacent to each other.
    public mutating func diff(_ old: ArraySlice<Int>, _ new: ArraySlice<Int>, into hunks: inout [Hunk]) {
      let first = hunks.count
      if let (old, new) = Self.renumberedIfSparse(old, new) {
        diff(old[...], new[...], into: &hunks)
        return
      }
      old.withUnsafeBufferPointer { a in
        new.withUnsafeBufferPointer { b in diffRegion(a, 0..<a.count, b, 0..<b.count, into: &hunks) }
      }
      Self.coalesce(&hunks, from: first)
    }

    /// Dense renumbered copies when the symbols are negative or too large to index tables by.
    private static func renumberedIfSparse(_ old: ArraySlice<Int>, _ new: ArraySlice<Int>) -> ([Int], [Int])? {
      let limit = max(4 * (old.count + new.count), 1 << 20)
      guard old.contains(where: { $0 < 0 || $0 >= limit }) || new.contains(where: { $0 < 0 || $0 >= limit }) else { return nil }
      var table: [Int: Int] = [:]
      func code(_ symbol: Int) -> Int {
        if let value = table[symbol] { return value }
        table[symbol] = table.count
        return table.count - 1
      }
      return (old.map(code), new.map(code))
    }

    private mutating func diffRegion(
      _ a: UnsafeBufferPointer<Int>, _ aRange: Range<Int>, _ b: UnsafeBufferPointer<Int>, _ bRange: Range<Int>, into hunks: inout [Hunk]
    ) {
      var aLow = aRange.lowerBound, aHigh = aRange.upperBound
      var bLow = bRange.lowerBound, bHigh = bRange.upperBound
      while aLow < aHigh && bLow < bHigh && a[aLow] == b[bLow] {
        aLow += 1
        bLow += 1
      }
      while aLow < aHigh && bLow < bHigh && a[aHigh - 1] == b[bHigh - 1] {
        aHigh -= 1
        bHigh -= 1
      }
      if aLow == aHigh || bLow == bHigh {
        if aLow < aHigh || bLow < bHigh { hunks.append(Hunk(old: aLow..<aHigh, new: bLow..<bHigh)) }
        return
      }
      guard let anchors = uniqueAnchors(a, aLow..<aHigh, b, bLow..<bHigh) else {
        // Nothing in common (a rewritten section): one replacement, without a search.
        hunks.append(Hunk(old: aLow..<aHigh, new: bLow..<bHigh))
        return
      }
      if anchors.isEmpty {
        myers(a, aLow..<aHigh, b, bLow..<bHigh, into: &hunks)
        return
      }
      var previousA = aLow, previousB = bLow
      for (i, j) in anchors {
        diffRegion(a, previousA..<i, b, previousB..<j, into: &hunks)
        previousA = i + 1
        previousB = j + 1
      }
      diffRegion(a, previousA..<aHigh, b, previousB..<bHigh, into: &hunks)
    }

    /// Pairs of positions of lines occurring exactly once in each region, longest increasing
    /// chain; nil when the regions share no line at all.
    private mutating func uniqueAnchors(
      _ a: UnsafeBufferPointer<Int>, _ aRange: Range<Int>, _ b: UnsafeBufferPointer<Int>, _ bRange: Range<Int>
    ) -> [(Int, Int)]? {
      pairs.removeAll(keepingCapacity: true)
      let shared =
        aRange.count + bRange.count <= Self.smallRegion
        ? smallRegionPairs(a, aRange, b, bRange) : largeRegionPairs(a, aRange, b, bRange)
      guard shared else { return nil }
      guard !pairs.isEmpty else { return [] }
      // Pairs are ordered by new position; the longest chain increasing in old position (patience sorting).
      tails.removeAll(keepingCapacity: true)
      previous.removeAll(keepingCapacity: true)
      for (index, pair) in pairs.enumerated() {
        var low = 0, high = tails.count
        while low < high {
          let middle = (low + high) / 2
          if pairs[tails[middle]].old < pair.old { low = middle + 1 } else { high = middle }
        }
        previous.append(low > 0 ? tails[low - 1] : -1)
        if low == tails.count { tails.append(index) } else { tails[low] = index }
      }
      var chain: [(Int, Int)] = []
      chain.reserveCapacity(tails.count)
      var cursor = tails.last ?? -1
      while cursor >= 0 {
        chain.append(pairs[cursor])
        cursor = previous[cursor]
      }
      return chain.reversed()
    }

    /// The unique pairs of small regions, found by scanning; whether the regions share any line.
    private mutating func smallRegionPairs(
      _ a: UnsafeBufferPointer<Int>, _ aRange: Range<Int>, _ b: UnsafeBufferPointer<Int>, _ bRange: Range<Int>
    ) -> Bool {
      var shared = false
      for j in bRange {
        let symbol = b[j]
        var countA = 0, position = 0
        for i in aRange where a[i] == symbol {
          countA += 1
          position = i
        }
        guard countA > 0 else { continue }
        shared = true
        if countA == 1 && !bRange.contains(where: { $0 != j && b[$0] == symbol }) { pairs.append((position, j)) }
      }
      return shared
    }

    /// The unique pairs of large regions, counted in tables indexed by symbol (left all zero
    /// again); whether the regions share any line.
    private mutating func largeRegionPairs(
      _ a: UnsafeBufferPointer<Int>, _ aRange: Range<Int>, _ b: UnsafeBufferPointer<Int>, _ bRange: Range<Int>
    ) -> Bool {
      var largest = 0
      for i in aRange where a[i] > largest { largest = a[i] }
      for j in bRange where b[j] > largest { largest = b[j] }
      if countsOld.count <= largest {
        let size = max(largest + 1, countsOld.count * 2)
        countsOld += [Int32](repeating: 0, count: size - countsOld.count)
        countsNew += [Int32](repeating: 0, count: size - countsNew.count)
        positionOld += [Int32](repeating: 0, count: size - positionOld.count)
      }
      for i in aRange {
        countsOld[a[i]] &+= 1
        positionOld[a[i]] = Int32(truncatingIfNeeded: i)
      }
      var shared = false
      for j in bRange {
        countsNew[b[j]] &+= 1
        shared = shared || countsOld[b[j]] > 0
      }
      if shared {
        for j in bRange where countsNew[b[j]] == 1 && countsOld[b[j]] == 1 { pairs.append((Int(positionOld[b[j]]), j)) }
      }
      for i in aRange { countsOld[a[i]] = 0 }
      for j in bRange { countsNew[b[j]] = 0 }
      return shared
    }

    /// Myers' greedy forward algorithm with a trace for the path.
    ///
    /// Past the cost cap the path that got furthest is kept, and the rest of the region is diffed
    /// from its end.
    private mutating func myers(
      _ a: UnsafeBufferPointer<Int>, _ aRange: Range<Int>, _ b: UnsafeBufferPointer<Int>, _ bRange: Range<Int>, into hunks: inout [Hunk]
    ) {
      let n = aRange.count, m = bRange.count
      let aBase = aRange.lowerBound, bBase = bRange.lowerBound
      let maxCost = min(n + m, LineDiff.costCap(forRegionOf: n + m))
      let offset = maxCost + 1
      frontier.removeAll(keepingCapacity: true)
      frontier.append(contentsOf: repeatElement(0, count: 2 * maxCost + 3))
      trace.removeAll(keepingCapacity: true)
      traceStarts.removeAll(keepingCapacity: true)
      var found = false
      search: for cost in 0...maxCost {
        // The snapshot keeps only the diagonals this cost reads: -cost-1 through cost+1.
        traceStarts.append(trace.count - (offset - cost - 1))
        trace += frontier[(offset - cost - 1)...(offset + cost + 1)]
        for k in stride(from: -cost, through: cost, by: 2) {
          var x: Int
          if k == -cost || (k != cost && frontier[offset + k - 1] < frontier[offset + k + 1]) {
            x = frontier[offset + k + 1]
          } else {
            x = frontier[offset + k - 1] + 1
          }
          var y = x - k
          while x < n && y < m && a[aBase + x] == b[bBase + y] {
            x += 1
            y += 1
          }
          frontier[offset + k] = x
          if x >= n && y >= m {
            found = true
            break search
          }
        }
      }
      // The end of the path: the region's end, or the furthest point the capped search reached.
      var (x, y) = (n, m)
      if !found {
        (x, y) = (0, 0)
        for k in stride(from: -maxCost, through: maxCost, by: 2) {
          let reachedX = frontier[offset + k], reachedY = reachedX - k
          if reachedX <= n, reachedY >= 0, reachedY <= m, reachedX + reachedY > x + y { (x, y) = (reachedX, reachedY) }
        }
      }
      let (endX, endY) = (x, y)
      // Walk the trace backwards, collecting the hunks between matched diagonals (in reverse).
      let first = hunks.count
      var hunkEndX = x, hunkEndY = y
      for cost in stride(from: traceStarts.count - 1, through: 0, by: -1) where x > 0 || y > 0 {
        let start = traceStarts[cost]
        let k = x - y
        let previousK: Int
        if cost == 0 {
          previousK = k
        } else if k == -cost || (k != cost && trace[start + offset + k - 1] < trace[start + offset + k + 1]) {
          previousK = k + 1
        } else {
          previousK = k - 1
        }
        let previousX = cost == 0 ? 0 : trace[start + offset + previousK]
        let previousY = previousX - previousK
        if x > previousX && y > previousY {
          // A diagonal run of matches ends at (x, y): what follows it up to the last match is a hunk.
          if hunkEndX > x || hunkEndY > y {
            hunks.append(Hunk(old: (aBase + x)..<(aBase + hunkEndX), new: (bBase + y)..<(bBase + hunkEndY)))
          }
          let run = min(x - previousX, y - previousY)
          x -= run
          y -= run
          hunkEndX = x
          hunkEndY = y
        }
        if cost > 0 {
          x = previousX
          y = previousY
        }
      }
      if hunkEndX > 0 || hunkEndY > 0 { hunks.append(Hunk(old: aBase..<(aBase + hunkEndX), new: bBase..<(bBase + hunkEndY))) }
      hunks[first...].reverse()
      if !found {
        // Each piece advances by at least the cap in lines, so the pieces are bounded.
        diffRegion(a, (aBase + endX)..<aRange.upperBound, b, (bBase + endY)..<bRange.upperBound, into: &hunks)
      }
    }

    /// Joins the hunks from `first` on that touch, so that hunks are always separated by at least
    /// one common line.
    private static func coalesce(_ hunks: inout [Hunk], from first: Int) {
      guard hunks.count - first > 1 else { return }
      var kept = first
      for index in (first + 1)..<hunks.count {
        let hunk = hunks[index], last = hunks[kept]
        if last.old.upperBound == hunk.old.lowerBound && last.new.upperBound == hunk.new.lowerBound {
          hunks[kept] = Hunk(old: last.old.lowerBound..<hunk.old.upperBound, new: last.new.lowerBound..<hunk.new.upperBound)
        } else {
          kept += 1
          hunks[kept] = hunk
        }
      }
      hunks.removeLast(hunks.count - kept - 1)
    }
  }
}
