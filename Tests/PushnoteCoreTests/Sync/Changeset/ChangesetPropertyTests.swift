import Foundation
import PushnoteTestSupport
import Testing

@testable import PushnoteCore

/// Property tests of the changeset codec on generated texts and edits.
///
/// The seed is printed in failures; `PUSHNOTE_PROPERTY_SEED=<n>` replays a run.
@Suite struct ChangesetPropertyTests {
  static let seed: UInt64 = {
    if let text = ProcessInfo.processInfo.environment["PUSHNOTE_PROPERTY_SEED"], let value = UInt64(text) { return value }
    return UInt64.random(in: 1...UInt64(UInt32.max))
  }()
  static let rounds = 400

  /// Pieces texts are made of: ASCII, a one-unit accent, two-unit emoji sharing a lead surrogate,
  /// characters of the wire format, newlines.
  static let pieces = ["a", "b", "c", " ", "- [ ] ", "é", "😀", "😃", "$", "Z:", "*", "|", "\n", "\n"]

  /// A random pad text (ending with a newline, as a pad's does).
  static func text(_ random: inout SeededRandom) -> String {
    (0..<random.int(0...30)).map { _ in pieces[random.int(0...pieces.count - 1)] }.joined() + "\n"
  }

  /// A random edit of `text`: pieces kept, dropped, replaced or inserted; the last newline stays.
  static func edit(_ text: String, _ random: inout SeededRandom) -> String {
    var result = ""
    for character in text.dropLast() {
      switch random.int(0...9) {
      case 0: break
      case 1: result += pieces[random.int(0...pieces.count - 1)]
      case 2: result += String(character) + pieces[random.int(0...pieces.count - 1)]
      default: result.append(character)
      }
    }
    if random.int(0...3) == 0 { result += pieces[random.int(0...pieces.count - 1)] }
    return result + "\n"
  }

  /// A pool with two authors, `*0` and `*1`.
  static func pool() -> AttributePool {
    var pool = AttributePool()
    _ = pool.put(.init("author", "a.one"))
    _ = pool.put(.init("author", "a.two"))
    return pool
  }

  @Test func aBuiltChangesetTurnsOneTextIntoTheOtherAndIsCanonical() throws {
    var random = SeededRandom(seed: Self.seed)
    for _ in 0..<Self.rounds {
      let old = Self.text(&random), new = random.int(0...4) == 0 ? Self.text(&random) : Self.edit(old, &random)
      let changeset = Changeset.between(old, new, insertAttributes: [0])
      try changeset.validated()
      #expect(try changeset.apply(to: old) == new, "seed \(Self.seed): \(old.debugDescription) -> \(new.debugDescription)")
      #expect(changeset.operations.allSatisfy { $0.kind != .insert || $0.attributes == [0] })
      #expect(changeset.operations.allSatisfy { $0.kind == .insert || $0.attributes.isEmpty })
    }
  }

  @Test func aBuiltChangesetTouchesOnlyWhatChanged() throws {
    var random = SeededRandom(seed: Self.seed)
    for _ in 0..<Self.rounds {
      let old = Self.text(&random), new = Self.edit(old, &random)
      let changeset = Changeset.between(old, new, insertAttributes: [0])
      let removed = changeset.operations.filter { $0.kind == .remove }.reduce(0) { $0 + $1.characters }
      let inserted = changeset.charBank.utf16.count
      // Never more than replacing everything between the common prefix and suffix of the texts.
      let a = Array(old.utf16), b = Array(new.utf16)
      var prefix = 0
      while prefix < min(a.count, b.count), a[prefix] == b[prefix] { prefix += 1 }
      var suffix = 0
      while suffix < min(a.count, b.count) - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
      #expect(removed <= a.count - prefix - suffix + 2 && inserted <= b.count - prefix - suffix + 2, "seed \(Self.seed)")
      #expect(removed - inserted == a.count - b.count)
    }
  }

  @Test func unpackingAPackedChangesetGivesItBack() throws {
    var random = SeededRandom(seed: Self.seed)
    let kinds: [ChangesetOperation.Kind] = [.keep, .remove, .insert]
    for _ in 0..<Self.rounds {
      let operations = (0..<random.int(0...6)).map { _ in
        ChangesetOperation(
          kinds[random.int(0...2)], characters: random.int(0...100_000), lines: random.int(0...3) == 0 ? random.int(1...5000) : 0,
          attributes: (0..<random.int(0...3)).map { _ in random.int(0...2000) })
      }
      let changeset = Changeset(
        oldLength: random.int(0...1_000_000), newLength: random.int(0...1_000_000), operations: operations,
        charBank: Self.text(&random))
      #expect(try Changeset(packed: changeset.packed) == changeset, "seed \(Self.seed): \(changeset.packed)")
    }
  }

  @Test func followConvergesWhicheverChangeWentFirst() throws {
    var random = SeededRandom(seed: Self.seed)
    for _ in 0..<Self.rounds {
      var pool = Self.pool()
      let base = Self.text(&random)
      let a = Changeset.between(base, Self.edit(base, &random), insertAttributes: [0])
      let b = Changeset.between(base, Self.edit(base, &random), insertAttributes: [1])
      let bAfterA = try a.follow(b, reverse: false, pool: &pool), aAfterB = try b.follow(a, reverse: true, pool: &pool)
      try bAfterA.validated()
      try aAfterB.validated()
      let viaA = try bAfterA.apply(to: a.apply(to: base)), viaB = try aAfterB.apply(to: b.apply(to: base))
      #expect(viaA == viaB, "seed \(Self.seed): base \(base.debugDescription), a \(a.packed), b \(b.packed)")
      #expect(try a.composed(with: bAfterA, pool: &pool) == b.composed(with: aAfterB, pool: &pool), "seed \(Self.seed)")
      #expect(viaA.hasSuffix("\n"))
    }
  }

  @Test func aRebasedChangeKeepsEveryInsertOfBothSides() throws {
    var random = SeededRandom(seed: Self.seed)
    for _ in 0..<Self.rounds {
      var pool = Self.pool()
      let base = Self.text(&random)
      let a = Changeset.between(base, Self.edit(base, &random), insertAttributes: [0])
      let b = Changeset.between(base, Self.edit(base, &random), insertAttributes: [1])
      var text = try AttributedText(text: base)
      try text.apply(a, pool: &pool)
      try text.apply(a.follow(b, pool: &pool), pool: &pool)
      let authors = try text.values(of: "author", pool: pool)
      #expect(authors.filter { $0 == "a.one" }.count == a.charBank.utf16.count, "seed \(Self.seed)")
      #expect(authors.filter { $0 == "a.two" }.count == b.charBank.utf16.count, "seed \(Self.seed)")
    }
  }

  @Test func composingIsApplyingOneAfterTheOther() throws {
    var random = SeededRandom(seed: Self.seed)
    for _ in 0..<Self.rounds {
      var pool = Self.pool()
      let first = Self.text(&random)
      let second = Self.edit(first, &random), third = Self.edit(second, &random)
      let a = Changeset.between(first, second, insertAttributes: [0]), b = Changeset.between(second, third, insertAttributes: [1])
      let composed = try a.composed(with: b, pool: &pool)
      try composed.validated()
      #expect(try composed.apply(to: first) == third, "seed \(Self.seed)")
    }
  }
}
