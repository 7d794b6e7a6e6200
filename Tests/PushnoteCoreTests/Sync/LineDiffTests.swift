import PushnoteTestSupport
import Testing

@testable import PushnoteCore

/// The line diff on its own: every diff is a valid edit script, whatever path it takes (anchors,
/// Myers, the cost cap), and a reused workspace gives what a fresh one gives.
@Suite struct LineDiffTests {
  /// Checks that `hunks` turn `old` into `new`: in order, separated by common lines, and the
  /// lines between them equal on both sides.
  static func isValid(_ hunks: [LineDiff.Hunk], _ old: [Int], _ new: [Int]) -> Bool {
    var i = 0, j = 0
    for (index, hunk) in hunks.enumerated() {
      guard !(hunk.old.isEmpty && hunk.new.isEmpty) else { return false }
      guard hunk.old.lowerBound - i == hunk.new.lowerBound - j, hunk.old.lowerBound >= i else { return false }
      guard index == 0 || hunk.old.lowerBound > i else { return false }  // never adjacent to the previous hunk
      guard old[i..<hunk.old.lowerBound] == new[j..<hunk.new.lowerBound] else { return false }
      guard hunk.old.upperBound <= old.count, hunk.new.upperBound <= new.count else { return false }
      i = hunk.old.upperBound
      j = hunk.new.upperBound
    }
    return old.count - i == new.count - j && old[i...] == new[j...]
  }

  /// A random sequence over `alphabet` symbols, and a random edit of it.
  static func pair(_ random: inout SeededRandom, length: Int, alphabet: Int) -> ([Int], [Int]) {
    let old = (0..<length).map { _ in random.int(0...(alphabet - 1)) }
    var new: [Int] = []
    for symbol in old {
      switch random.int(0...5) {
      case 0: break
      case 1: new.append(random.int(0...(alphabet + 3)))
      case 2: new += [symbol, random.int(0...(alphabet + 3))]
      default: new.append(symbol)
      }
    }
    return (old, new)
  }

  @Test func randomDiffsAreValidEditScripts() {
    var random = SeededRandom(seed: MergePropertyTests.seed &+ 11)
    var workspace = LineDiff.Workspace()
    for index in 0..<1_000 {
      let alphabet = [2, 5, 40, 400][index % 4]
      let (old, new) = Self.pair(&random, length: random.int(0...60), alphabet: alphabet)
      let fresh = LineDiff.diff(old, new)
      #expect(Self.isValid(fresh, old, new), "seed \(MergePropertyTests.seed) case \(index): \(old) → \(new)")
      var reused: [LineDiff.Hunk] = []
      workspace.diff(old[...], new[...], into: &reused)
      #expect(reused == fresh, "seed \(MergePropertyTests.seed) case \(index): a reused workspace differs")
    }
  }

  @Test func slicesCountFromTheirStartAndSparseSymbolsAreRenumbered() {
    let old = [7, 1, 2, 3, 9], new = [8, 1, 5, 3, 9]
    var workspace = LineDiff.Workspace()
    var hunks: [LineDiff.Hunk] = []
    workspace.diff(old[1...], new[1...], into: &hunks)
    #expect(hunks == [LineDiff.Hunk(old: 1..<2, new: 1..<2)])
    let sparse = LineDiff.diff([-5, Int.max, 3], [-5, 3, Int.min])
    #expect(sparse == [LineDiff.Hunk(old: 1..<2, new: 1..<1), LineDiff.Hunk(old: 3..<3, new: 2..<3)])
  }

  @Test func pastTheCostCapTheDiffIsStillValid() {
    // Few distinct symbols and no unique line: Myers alone, with far more edits than the cap.
    var random = SeededRandom(seed: MergePropertyTests.seed &+ 12)
    let (old, new) = Self.pair(&random, length: 16 * LineDiff.minimumCostCap, alphabet: 3)
    let hunks = LineDiff.diff(old, new)
    #expect(Self.isValid(hunks, old, new), "seed \(MergePropertyTests.seed)")
    // Past the cap the search goes on from where it got furthest: many small hunks (over a
    // thousand, holding about a quarter of the lines), not one replacement of everything.
    let changed = hunks.map { $0.old.count + $0.new.count }.reduce(0, +)
    #expect(hunks.count > 100, "seed \(MergePropertyTests.seed): \(hunks.count) hunks")
    #expect(changed < (old.count + new.count) / 2, "seed \(MergePropertyTests.seed): \(changed) lines in hunks")
    // Under the cap Myers finds matches: a few edits in a long repetitive run stay small hunks.
    let runs = (0..<2_000).map { $0 % 3 }
    var edited = runs
    edited[500] = 7
    edited.remove(at: 1_500)
    let small = LineDiff.diff(runs, edited)
    #expect(Self.isValid(small, runs, edited))
    #expect(small.map { $0.old.count + $0.new.count }.reduce(0, +) <= 4)
  }
}
