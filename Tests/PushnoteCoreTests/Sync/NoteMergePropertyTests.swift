import Foundation
import PushnoteTestSupport
import Testing

@testable import PushnoteCore

/// Property tests of the whole note merge on generated notes with repeated, renamed, reordered,
/// duplicated and deleted headings and ticked items, against `git merge-file --diff3`.
///
/// Every body line holds a unique token. Where only bodies changed, pushnote and git must agree
/// (pushnote may merge what git calls a conflict: both sides adding lines at one place, or boxes
/// changed on neighbouring items); wherever pushnote merges, no token either side kept or added may
/// be lost. The seed is printed; `PUSHNOTE_PROPERTY_SEED=<n>` replays a run.
@Suite struct NoteMergePropertyTests {
  static let seed = MergePropertyTests.seed

  /// Titles drawn with repeats, spellings of one title and a real `Notes #2`.
  static let titles = ["Notes", "Notes", "Notes #2", "notes:", "**Notes**", "Checks", "Friday", "Checks"]

  struct Section: Equatable {
    var title: String
    var setext = false
    var body: [String]
  }

  /// A note as text: each section a heading, a blank line, its body, a blank line.
  static func render(_ sections: [Section]) -> String {
    "# Push\n\n"
      + sections.map { section in
        let heading =
          section.setext ? "\(section.title)\n" + String(repeating: "-", count: max(3, section.title.count)) : "## \(section.title)"
        return ([heading, ""] + section.body + [""]).map { $0 + "\n" }.joined()
      }.joined()
  }

  struct Tokens {
    var next = 0
    let tag: String
    mutating func line(_ random: inout SeededRandom) -> String {
      next += 1
      return random.int(0...2) == 0 ? "t\(tag)\(next) note" : "- [ ] t\(tag)\(next)"
    }
  }

  static func base(_ random: inout SeededRandom) -> [Section] {
    var tokens = Tokens(tag: "b")
    return (0..<random.int(1...5)).map { _ in
      Section(
        title: titles[random.int(0...(titles.count - 1))], setext: random.int(0...5) == 0,
        body: (0..<random.int(0...5)).map { _ in tokens.line(&random) })
    }
  }

  /// One side's edits: body lines deleted, replaced, added, boxes ticked; with `headings`, also
  /// sections renamed, added with a repeated title, deleted or swapped.
  static func edit(_ sections: [Section], _ random: inout SeededRandom, tag: String, headings: Bool) -> [Section] {
    var tokens = Tokens(tag: tag)
    var result = sections.map { section in
      var copy = section
      copy.body = []
      for line in section.body {
        switch random.int(0...19) {
        case 0: continue
        case 1: copy.body.append(tokens.line(&random))
        case 2,
          3 where line.hasPrefix("- [ ] "):
          copy.body.append("- [\(random.int(0...1) == 0 ? "x" : "-")] " + line.dropFirst(6))
        case 4 where line.hasPrefix("- [ ] "):
          copy.body.append(line + " \(tag)edit")
        default: copy.body.append(line)
        }
        if random.int(0...14) == 0 { copy.body.append(tokens.line(&random)) }
      }
      return copy
    }
    guard headings else { return result }
    switch random.int(0...5) {
    case 0 where !result.isEmpty: result[random.int(0...(result.count - 1))].title = titles[random.int(0...(titles.count - 1))]
    case 1:
      let section = Section(title: titles[random.int(0...2)], body: (0..<random.int(1...3)).map { _ in tokens.line(&random) })
      result.insert(section, at: random.int(0...result.count))
    case 2 where result.count > 1: result.remove(at: random.int(0...(result.count - 1)))
    case 3 where result.count > 1:
      let index = random.int(0...(result.count - 2))
      result.swapAt(index, index + 1)
    default: break
    }
    return result
  }

  /// The tokens of a text's body lines.
  static func tokens(_ text: String) -> [String] {
    text.split(separator: "\n").flatMap { line in
      line.split(separator: " ").filter { $0.count >= 3 && $0.first == "t" && "bLP".contains($0.dropFirst().first ?? " ") }.map {
        String($0)
      }
    }
  }

  static func merge(_ base: String, _ local: String, _ pad: String) throws -> NoteMerge {
    try NoteMerge(
      base: NoteSections(bytes: Array(base.utf8)), local: NoteSections(bytes: Array(local.utf8)), pad: NoteSections(bytes: Array(pad.utf8)))
  }

  static func gitMerge(
    _ base: String, _ local: String, _ pad: String, folder: TemporaryDirectory
  ) async throws -> (clean: Bool, text: String) {
    func write(_ text: String, _ name: String) throws -> String {
      let path = folder.appending(name)
      try text.write(toFile: path, atomically: false, encoding: .utf8)
      return path
    }
    let result = try await ProcessRunner.run(
      "git", ["merge-file", "-p", "--diff3", try write(local, "local"), try write(base, "base"), try write(pad, "pad")])
    return (result.status == 0, result.stdout)
  }

  @Test func generatedNotesLoseNothingAndAgreeWithGit() async throws {
    var random = SeededRandom(seed: Self.seed &+ 11)
    print("NoteMergePropertyTests seed \(Self.seed) (replay with PUSHNOTE_PROPERTY_SEED=\(Self.seed))")
    let folder = try TemporaryDirectory(prefix: "pushnote-note-merge-oracle")
    var disagreements: [String] = []
    var counts = (cases: 0, gitConflicts: 0, oursMergedGitConflict: 0, headingCases: 0)
    for index in 0..<400 {
      let headings = index % 2 == 1
      let baseSections = Self.base(&random)
      let base = Self.render(baseSections)
      let local = Self.render(Self.edit(baseSections, &random, tag: "L", headings: headings))
      let pad = Self.render(Self.edit(baseSections, &random, tag: "P", headings: headings))
      let merged = try Self.merge(base, local, pad)
      let file = String(decoding: merged.localBytes, as: UTF8.self)
      let context = "seed \(Self.seed) case \(index)\n--- base\n\(base)--- local\n\(local)--- pad\n\(pad)--- merged\n\(file)"
      counts.cases += 1
      if headings { counts.headingCases += 1 }
      // No loss: tokens both sides kept, and tokens either side added, are in the file.
      let baseTokens = Set(Self.tokens(base)), localTokens = Set(Self.tokens(local)), padTokens = Set(Self.tokens(pad))
      let fileTokens = Set(Self.tokens(file))
      let kept = baseTokens.intersection(localTokens).intersection(padTokens)
      let added = localTokens.union(padTokens).subtracting(baseTokens)
      let lost = kept.union(added).subtracting(fileTokens)
      #expect(lost.isEmpty, "lost \(lost.sorted()): \(context)")
      #expect(!merged.padText.contains("<<<<<<<") && !merged.padText.contains(">>>>>>>"), "markers on the pad: \(context)")
      if !merged.hasConflicts {
        #expect(merged.padText == file, "pad and file differ after a clean merge: \(context)")
      }
      let git = try await Self.gitMerge(base, local, pad, folder: folder)
      if !git.clean { counts.gitConflicts += 1 }
      if !git.clean && !merged.hasConflicts { counts.oursMergedGitConflict += 1 }
      guard !headings else { continue }
      // Only bodies changed: where git merges, pushnote merges to the same text.
      if git.clean && (merged.hasConflicts || file != git.text) {
        disagreements.append("git merged cleanly to\n\(git.text)\(context)")
      }
      if !git.clean && !merged.hasConflicts {
        // pushnote merged what git calls a conflict: every token added appears once.
        for token in added where Self.tokens(file).filter({ $0 == token }).count != 1 {
          disagreements.append("token \(token) not once: \(context)")
        }
      }
    }
    print("NoteMergePropertyTests: \(counts)")
    #expect(disagreements.isEmpty, "\(disagreements.count) disagreements, first: \(disagreements.first ?? "")")
    #expect(counts.gitConflicts > 20 && counts.oursMergedGitConflict > 5, "the generator is too tame: \(counts)")
  }

  @Test func identitiesHoldOnNotesWithRepeatedHeadings() throws {
    var random = SeededRandom(seed: Self.seed &+ 12)
    for index in 0..<300 {
      let baseSections = Self.base(&random)
      let base = Self.render(baseSections)
      let edited = Self.render(Self.edit(baseSections, &random, tag: "L", headings: true))
      let context = "seed \(Self.seed) case \(index)\n\(base)---\n\(edited)"
      for (local, pad, expected) in [(base, base, base), (edited, base, edited), (base, edited, edited), (edited, edited, edited)] {
        let merged = try Self.merge(base, local, pad)
        #expect(!merged.hasConflicts, "\(context)")
        #expect(String(decoding: merged.localBytes, as: UTF8.self) == expected, "\(context)")
        #expect(merged.padText == expected, "\(context)")
      }
    }
  }
}
