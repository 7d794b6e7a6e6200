import Foundation
import PushnoteTestSupport
import Testing

/// The reports print exactly what the version before the buffered output and the JSON writer printed.
///
/// The outputs of `show`, `show --json`, `lint`, `stats` and `rotation` on the sample corpus were recorded
/// with that version in `Tests/Fixtures/recorded`. The human `show` was recorded again once, when
/// issue 13 asked it to change (the path, the open items, times in the notebook's zone, aligned
/// compare links); `show --json` and `lint` are as first recorded.
// Serialized: thirty notes times three runs at once would starve the fake servers of the other suites
// on a two-core machine.
@Suite(.serialized) struct RecordedOutputTests {
  private let pushnote = Fixtures.builtExecutable("pushnote")

  /// The notebooks of the sample corpus, as paths under the project.
  static let notebooks = ["Tests/Fixtures/notes", "Tests/Fixtures/amo", "notebook"]

  /// Every note of a notebook, relative to it, sorted.
  static func notes(in notebook: String) -> [String] {
    let root = Fixtures.path(notebook)
    let all = FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []
    return all.filter { $0.hasSuffix(".md") && !$0.hasSuffix("README.md") }.sorted()
  }

  /// Every (notebook, note) pair of the corpus.
  static let corpus: [(String, String)] = notebooks.flatMap { notebook in notes(in: notebook).map { (notebook, $0) } }

  private func recorded(_ relative: String) throws -> String {
    try String(contentsOfFile: Fixtures.path("Tests/Fixtures/recorded/" + relative), encoding: .utf8)
  }

  @Test func theCorpusIsThere() {
    #expect(Self.corpus.count >= 29)
  }

  @Test(arguments: corpus) func showShowJSONAndLintPrintWhatWasRecorded(notebook: String, note: String) async throws {
    let root = Fixtures.path(notebook)
    let statuses = try recorded("\(notebook)/\(note).status").split(separator: "\n").map { $0.split(separator: " ")[1] }
    for (index, (arguments, file)) in [(["show"], "show.txt"), (["show", "--json"], "json"), (["lint"], "lint.txt")].enumerated() {
      let result = try await ProcessRunner.run(pushnote, arguments + ["--notebook", ".", note], workingDirectory: root)
      #expect(result.stdout + result.stderr == (try recorded("\(notebook)/\(note).\(file)")), "\(arguments) \(note)")
      #expect(String(result.status) == statuses[index], "\(arguments) \(note)")
    }
  }

  @Test func statsRotationAndLintJSONPrintWhatWasRecorded() async throws {
    let cases: [(String, [String], String)] = [
      ("notebook", ["stats", "--json"], "notebook.stats.json"),
      ("notebook", ["stats"], "notebook.stats.txt"),
      ("Tests/Fixtures/amo", ["stats", "--json"], "amo.stats.json"),
      ("Tests/Fixtures/amo", ["stats"], "amo.stats.txt"),
      ("notebook", ["rotation", "--json", "--from", "2026-11-01", "--weeks", "10"], "notebook.rotation.json"),
      ("Tests/Fixtures/duty", ["rotation", "--json", "--from", "2026-11-01", "--weeks", "10"], "duty.rotation.json"),
      ("notebook", ["lint", "--json"] + Self.notes(in: "notebook"), "notebook.lint.json"),
    ]
    for (notebook, arguments, file) in cases {
      let result = try await ProcessRunner.run(pushnote, arguments + ["--notebook", "."], workingDirectory: Fixtures.path(notebook))
      #expect(result.stdout == (try recorded("commands/" + file)), "\(notebook) \(arguments)")
    }
    let amo = try await ProcessRunner.run(pushnote, ["stats", "--notebook", "."], workingDirectory: Fixtures.path("Tests/Fixtures/amo"))
    #expect(amo.stderr == (try recorded("commands/amo.stats.stderr.txt")))
  }
}
