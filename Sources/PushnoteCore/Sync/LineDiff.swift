/// A line diff between two sequences of line symbols (equal lines have equal symbols).
///
/// Common prefix and suffix are trimmed, then lines unique on both sides anchor the diff
/// (patience diff, longest increasing subsequence in O(n log n)); what lies between anchors is
/// diffed the same way, and only regions without unique common lines fall back to Myers' O(ND)
/// algorithm, whose edit cost is capped: past the cap the region becomes one replacement, so the
/// diff stays valid and the time stays bounded however different the inputs are.
public enum LineDiff {
  /// A region where the two sides differ: `old` lines replaced by `new` lines (either may be empty).
  public struct Hunk: Sendable, Hashable {
    /// The replaced range of the old sequence.
    public var old: Range<Int>
    /// The replacing range of the new sequence.
    public var new: Range<Int>
  }

  /// The largest edit distance Myers' algorithm explores before it gives up on a region.
  public static let costCap = 1024

  /// The hunks turning `old` into `new`, in order, never adjacent to each other.
  public static func diff(_ old: [Int], _ new: [Int]) -> [Hunk] {
    var hunks: [Hunk] = []
    diffRegion(old, 0..<old.count, new, 0..<new.count, into: &hunks)
    return coalesce(hunks)
  }

  private static func diffRegion(_ a: [Int], _ aRange: Range<Int>, _ b: [Int], _ bRange: Range<Int>, into hunks: inout [Hunk]) {
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
    let anchors = uniqueAnchors(a, aLow..<aHigh, b, bLow..<bHigh)
    if anchors.isEmpty && !shareAnyLine(a, aLow..<aHigh, b, bLow..<bHigh) {
      // Nothing in common: one replacement, without a search.
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

  /// Whether any line of one region occurs in the other.
  private static func shareAnyLine(_ a: [Int], _ aRange: Range<Int>, _ b: [Int], _ bRange: Range<Int>) -> Bool {
    let smaller = aRange.count <= bRange.count
    let lookup = Set(smaller ? a[aRange] : b[bRange])
    return (smaller ? b[bRange] : a[aRange]).contains(where: lookup.contains)
  }

  /// Pairs of positions of lines occurring exactly once in each region, longest increasing chain.
  private static func uniqueAnchors(_ a: [Int], _ aRange: Range<Int>, _ b: [Int], _ bRange: Range<Int>) -> [(Int, Int)] {
    var countsA: [Int: Int] = [:]
    var positionA: [Int: Int] = [:]
    for i in aRange {
      countsA[a[i], default: 0] += 1
      positionA[a[i]] = i
    }
    var countsB: [Int: Int] = [:]
    for j in bRange { countsB[b[j], default: 0] += 1 }
    var pairs: [(Int, Int)] = []
    for j in bRange where countsB[b[j]] == 1 && countsA[b[j]] == 1 {
      if let i = positionA[b[j]] { pairs.append((i, j)) }
    }
    guard !pairs.isEmpty else { return [] }
    // Pairs are ordered by j; the longest chain increasing in i (patience sorting).
    var tails: [Int] = []
    var previous = [Int](repeating: -1, count: pairs.count)
    for (index, pair) in pairs.enumerated() {
      var low = 0, high = tails.count
      while low < high {
        let middle = (low + high) / 2
        if pairs[tails[middle]].0 < pair.0 { low = middle + 1 } else { high = middle }
      }
      if low > 0 { previous[index] = tails[low - 1] }
      if low == tails.count { tails.append(index) } else { tails[low] = index }
    }
    var chain: [(Int, Int)] = []
    var cursor = tails.last ?? -1
    while cursor >= 0 {
      chain.append(pairs[cursor])
      cursor = previous[cursor]
    }
    return chain.reversed()
  }

  /// Myers' greedy forward algorithm with a trace for the path; one replacement past `costCap`.
  private static func myers(_ a: [Int], _ aRange: Range<Int>, _ b: [Int], _ bRange: Range<Int>, into hunks: inout [Hunk]) {
    let n = aRange.count, m = bRange.count
    let maxCost = min(n + m, costCap)
    let offset = maxCost + 1
    var frontier = [Int](repeating: 0, count: 2 * maxCost + 3)
    var trace: [[Int]] = []
    var found = false
    search: for cost in 0...maxCost {
      trace.append(frontier)
      for k in stride(from: -cost, through: cost, by: 2) {
        var x: Int
        if k == -cost || (k != cost && frontier[offset + k - 1] < frontier[offset + k + 1]) {
          x = frontier[offset + k + 1]
        } else {
          x = frontier[offset + k - 1] + 1
        }
        var y = x - k
        while x < n && y < m && a[aRange.lowerBound + x] == b[bRange.lowerBound + y] {
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
    guard found else {
      hunks.append(Hunk(old: aRange, new: bRange))
      return
    }
    // Walk the trace backwards, collecting matched diagonals.
    var matches: [(Int, Int)] = []
    var x = n, y = m
    for cost in stride(from: trace.count - 1, through: 0, by: -1) where x > 0 || y > 0 {
      let snapshot = trace[cost]
      let k = x - y
      let previousK: Int
      if cost == 0 {
        previousK = k
      } else if k == -cost || (k != cost && snapshot[offset + k - 1] < snapshot[offset + k + 1]) {
        previousK = k + 1
      } else {
        previousK = k - 1
      }
      let previousX = cost == 0 ? 0 : snapshot[offset + previousK]
      let previousY = previousX - previousK
      while x > previousX && y > previousY {
        x -= 1
        y -= 1
        matches.append((x, y))
      }
      if cost > 0 {
        x = previousX
        y = previousY
      }
    }
    var i = 0, j = 0
    for (mx, my) in matches.reversed() {
      if mx > i || my > j {
        hunks.append(Hunk(old: (aRange.lowerBound + i)..<(aRange.lowerBound + mx), new: (bRange.lowerBound + j)..<(bRange.lowerBound + my)))
      }
      i = mx + 1
      j = my + 1
    }
    if i < n || j < m {
      hunks.append(Hunk(old: (aRange.lowerBound + i)..<aRange.upperBound, new: (bRange.lowerBound + j)..<bRange.upperBound))
    }
  }

  /// Joins hunks that touch, so that hunks are always separated by at least one common line.
  private static func coalesce(_ hunks: [Hunk]) -> [Hunk] {
    var result: [Hunk] = []
    for hunk in hunks {
      if let last = result.last, last.old.upperBound == hunk.old.lowerBound, last.new.upperBound == hunk.new.lowerBound {
        result[result.count - 1] = Hunk(old: last.old.lowerBound..<hunk.old.upperBound, new: last.new.lowerBound..<hunk.new.upperBound)
      } else {
        result.append(hunk)
      }
    }
    return result
  }
}
