import Foundation
import PushnoteTestSupport
import Testing

@testable import PushnoteCore

/// Property tests of the merge.
///
/// Random bases and edit scripts, with `git merge-file --diff3` as the oracle. The seed is
/// printed; `PUSHNOTE_PROPERTY_SEED=<n>` replays a run.
@Suite struct MergePropertyTests {
  static let seed: UInt64 = {
    if let text = ProcessInfo.processInfo.environment["PUSHNOTE_PROPERTY_SEED"], let value = UInt64(text) { return value }
    return UInt64.random(in: 1...UInt64(UInt32.max))
  }()

  /// Lines of a random base: unique tokens.
  static func base(_ random: inout SeededRandom, prefix: String) -> [String] {
    (0..<random.int(0...10)).map { "\(prefix)\($0)" }
  }

  /// A random edit of `lines`: keep, delete, replace, insert; new lines are unique tokens.
  static func edit(_ lines: [String], _ random: inout SeededRandom, tag: String) -> [String] {
    var result: [String] = []
    var fresh = 0
    func token() -> String {
      fresh += 1
      return "\(tag)\(fresh)"
    }
    for line in lines {
      if random.int(0...9) == 0 { (0..<random.int(1...2)).forEach { _ in result.append(token()) } }
      switch random.int(0...9) {
      case 0: break
      case 1: result.append(token())
      default: result.append(line)
      }
    }
    if random.int(0...4) == 0 { result.append(token()) }
    return result
  }

  /// The merged lines, conflict blocks written out with markers.
  static func render(_ base: [String], _ local: [String], _ pad: [String]) -> (lines: [String], conflict: Bool, union: Bool) {
    var table: [String: Int] = [:]
    func codes(_ lines: [String]) -> [Int] {
      lines.map { line in
        if let code = table[line] { return code }
        table[line] = table.count
        return table.count - 1
      }
    }
    let chunks = LineMerge.merge(base: codes(base), local: codes(local), pad: codes(pad))
    var lines: [String] = []
    var conflict = false, union = false
    for chunk in chunks {
      switch chunk {
      case .unchanged(let range, _, _): lines += base[range]
      case .local(let range): lines += local[range]
      case .pad(let range): lines += pad[range]
      case .union(let picks):
        union = true
        for pick in picks {
          switch pick {
          case .local(let index): lines.append(local[index])
          case .pad(let index): lines.append(pad[index])
          }
        }
      case .conflict(let l, let b, let p):
        conflict = true
        lines += ["<<<<<<<"] + local[l] + ["|||||||"] + base[b] + ["======="] + pad[p] + [">>>>>>>"]
      }
    }
    return (lines, conflict, union)
  }

  @Test func identitiesHold() {
    var random = SeededRandom(seed: Self.seed)
    print("MergePropertyTests seed \(Self.seed) (replay with PUSHNOTE_PROPERTY_SEED=\(Self.seed))")
    for _ in 0..<1000 {
      let base = Self.base(&random, prefix: "b")
      let edited = Self.edit(base, &random, tag: "a")
      #expect(Self.render(base, base, base).lines == base, "seed \(Self.seed)")
      #expect(Self.render(base, edited, base).lines == edited, "seed \(Self.seed)")
      #expect(Self.render(base, base, edited).lines == edited, "seed \(Self.seed)")
      #expect(Self.render(base, edited, edited).lines == edited, "seed \(Self.seed)")
    }
  }

  @Test func noLossNoDuplicateNoInventionAndGitAgrees() async throws {
    var random = SeededRandom(seed: Self.seed &+ 1)
    let folder = try TemporaryDirectory(prefix: "pushnote-merge-oracle")
    var disagreements: [String] = []
    var unionCases = 0
    for index in 0..<1000 {
      let base = Self.base(&random, prefix: "b")
      let local = Self.edit(base, &random, tag: "L")
      let pad = Self.edit(base, &random, tag: "P")
      let merged = Self.render(base, local, pad)
      let context = "seed \(Self.seed) case \(index): base \(base) local \(local) pad \(pad) → \(merged.lines)"
      let markers: Set<String> = ["<<<<<<<", "|||||||", "=======", ">>>>>>>"]
      let known = Set(base + local + pad).union(markers)
      #expect(merged.lines.allSatisfy(known.contains), "invention: \(context)")
      for token in Set(local + pad) where !base.contains(token) {
        #expect(merged.lines.filter { $0 == token }.count == 1, "loss or duplicate of \(token): \(context)")
      }
      for line in base where local.contains(line) && pad.contains(line) {
        #expect(merged.lines.contains(line), "a line both kept is gone: \(context)")
      }
      // Each run of the oracle costs a process; every fourth case keeps the suite fast on 2 cores.
      guard index % 4 == 0 else { continue }
      let gitConflict = try await Self.gitMergeHasConflict(base: base, local: local, pad: pad, folder: folder)
      if merged.union { unionCases += 1 }
      let agrees = merged.conflict == gitConflict || (merged.union && gitConflict && !merged.conflict)
      if !agrees { disagreements.append("git says \(gitConflict ? "conflict" : "clean"): \(context)") }
    }
    #expect(disagreements.isEmpty, "\(disagreements.prefix(3))")
    #expect(unionCases > 0, "the generator never exercised the insert-insert rule (seed \(Self.seed))")
  }

  static func gitMergeHasConflict(base: [String], local: [String], pad: [String], folder: TemporaryDirectory) async throws -> Bool {
    func write(_ lines: [String], _ name: String) throws -> String {
      let path = folder.appending(name)
      try lines.map { $0 + "\n" }.joined().write(toFile: path, atomically: false, encoding: .utf8)
      return path
    }
    let result = try await ProcessRunner.run(
      "git", ["merge-file", "-p", "--diff3", try write(local, "local"), try write(base, "base"), try write(pad, "pad")])
    return result.status != 0
  }

  @Test func disjointSectionEditsNeverConflict() throws {
    var random = SeededRandom(seed: Self.seed &+ 2)
    for _ in 0..<300 {
      let sectionCount = random.int(1...5)
      let bodies = (0..<sectionCount).map { index in Self.base(&random, prefix: "s\(index)-") }
      let localEdits = Set((0..<sectionCount).filter { _ in random.int(0...1) == 0 })
      var local = bodies, pad = bodies
      for index in 0..<sectionCount {
        if localEdits.contains(index) {
          local[index] = Self.edit(bodies[index], &random, tag: "L\(index)-")
        } else {
          pad[index] = Self.edit(bodies[index], &random, tag: "P\(index)-")
        }
      }
      func document(_ sections: [[String]]) -> String {
        sections.enumerated().map { index, body in (["## Section \(index)"] + body).map { $0 + "\n" }.joined() }.joined()
      }
      let merge = NoteMerge(
        base: try NoteSections(bytes: Array(document(bodies).utf8)), local: try NoteSections(bytes: Array(document(local).utf8)),
        pad: try NoteSections(bytes: Array(document(pad).utf8)))
      let expected = (0..<sectionCount).map { localEdits.contains($0) ? local[$0] : pad[$0] }
      #expect(!merge.hasConflicts, "seed \(Self.seed)")
      #expect(String(decoding: merge.localBytes, as: UTF8.self) == document(expected), "seed \(Self.seed)")
      #expect(merge.padText == document(expected), "seed \(Self.seed)")
    }
  }

  @Test func sectioningRoundTripsByteForByte() throws {
    var random = SeededRandom(seed: Self.seed &+ 3)
    let pieces = [
      "# Title", "## Monday", "### Sub", "text", "- [ ] item", "- [x] done", "```", "# not a heading in code", "```",
      "Setext", "======", "Other", "---", "#tag", "", "\t- tabbed", "<<<<<<< local", "=======", ">>>>>>> pad", "caf\u{E9} \u{A0}",
    ]
    let endings = ["\n", "\r\n", "\r"]
    for _ in 0..<500 {
      var text = random.int(0...5) == 0 ? "\u{FEFF}" : ""
      for _ in 0..<random.int(0...14) {
        text += pieces[random.int(0...(pieces.count - 1))] + endings[random.int(0...9) < 8 ? 0 : random.int(1...2)]
      }
      if random.int(0...3) == 0 { text += "no final newline" }
      let bytes = Array(text.utf8)
      let sections = try NoteSections(bytes: bytes)
      var joined = Array(sections.text.byteOrderMark)
      for section in sections.sections {
        for line in section.lines { joined += sections.text.content(line) + sections.text.ending(line) }
      }
      #expect(joined == bytes, "seed \(Self.seed): \(text.debugDescription)")
      #expect(sections.text.bytes == bytes, "seed \(Self.seed)")
      let covered = sections.sections.map(\.lines.count).reduce(0, +)
      #expect(covered == sections.text.lines.count, "seed \(Self.seed)")
    }
  }
}

extension MergePropertyTests {
  /// The line scanner finds exactly the headings cmark finds, or leaves the text to cmark.
  @Test func headingScannerAgreesWithCommonMark() throws {
    var random = SeededRandom(seed: Self.seed &+ 4)
    let pieces = [
      "# Title", "## Monday ##", "### C# notes", "#", "# #", "#tag", "####### seven", "#\ttab", "# *em*", "# a &amp; b",
      "- [ ] item", "- # in a list", "  # indented", "text", "", "1. one", "* star", "+ plus", "- ```", "  - nested",
      "    code", "caf\u{E9} \u{A0}", "## Friday", "-- dashes", "*not* a break",
    ]
    var scanned = 0
    for _ in 0..<500 {
      let text = (0..<random.int(0...12)).map { _ in pieces[random.int(0...(pieces.count - 1))] + "\n" }.joined()
      let fast = try NoteSections(bytes: Array(text.utf8))
      let parsed = try NoteSections(bytes: Array(text.utf8), alwaysParse: true)
      if NoteSections.scan(SyncText(bytes: Array(text.utf8))).headings != nil { scanned += 1 }
      #expect(fast.sections == parsed.sections, "seed \(Self.seed): \(text.debugDescription)")
    }
    #expect(scanned > 100)
  }
}
