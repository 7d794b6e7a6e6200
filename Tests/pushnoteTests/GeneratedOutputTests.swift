import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

/// `show`, `show --json` and `lint` print for generated notes, small and big, exactly what the
/// version before the speed work of issue 16 printed.
///
/// The outputs were recorded with that version in `Tests/Fixtures/recorded/generated`: for each note
/// and command, `outputs.txt` holds the exit status and the SHA-256 of standard output followed by
/// standard error; small notes also have the whole text beside it. The notes' own digests are there
/// too, so that a change of the generator shows as that and not as changed output.
@Suite(.serialized) struct GeneratedOutputTests {
  private let pushnote = Fixtures.builtExecutable("pushnote")

  /// The generated notes, by name: weeks in the template's shape, a pad-era week, and notes of short lines.
  static let notes: [(String, @Sendable () -> [UInt8])] = [
    ("week-3", { Array(GeneratedNotes.week(3).utf8) }),
    ("week-5", { Array(GeneratedNotes.week(5).utf8) }),
    ("short-4k", { GeneratedNotes.shortLines(bytes: 4_000, seed: 7) }),
    ("weeks-1m", { GeneratedNotes.weeks(bytes: 1_000_000).flatMap { $0 } }),
    ("short-1m", { GeneratedNotes.shortLines(bytes: 1_000_000, seed: 16) }),
  ]

  /// The commands compared, by the label `outputs.txt` gives them.
  static let commands: [(String, [String])] = [("show", ["show"]), ("json", ["show", "--json"]), ("lint", ["lint"])]

  /// The commands compared on small notes only: coloured output has the same text.
  static let coloured: [(String, [String])] = [
    ("show-color", ["show", "--color", "always"]), ("lint-color", ["lint", "--color", "always"]),
  ]

  /// One line of `outputs.txt`: `NOTE LABEL STATUS SHA256`; the label `note` gives the note's own digest.
  struct Recorded: Hashable {
    var status: String
    var digest: String
  }

  private static func recorded() throws -> [String: Recorded] {
    let text = try Fixtures.text("recorded/generated/outputs.txt")
    var result: [String: Recorded] = [:]
    for line in text.split(separator: "\n") {
      let fields = line.split(separator: " ").map(String.init)
      guard fields.count == 4 else { continue }
      result[fields[0] + " " + fields[1]] = Recorded(status: fields[2], digest: fields[3])
    }
    return result
  }

  @Test(arguments: notes.map(\.0)) func showShowJSONAndLintPrintWhatWasRecorded(name: String) async throws {
    let recorded = try Self.recorded()
    let bytes = try #require(Self.notes.first { $0.0 == name }).1()
    #expect(SHA256.hex(bytes) == recorded[name + " note"]?.digest, "the generator of \(name) changed")

    let notebook = try TemporaryDirectory(prefix: "pushnote-generated")
    try FileManager.default.copyItem(atPath: Fixtures.fixture("notes/pushnote.yml"), toPath: notebook.appending("pushnote.yml"))
    try FileManager.default.createDirectory(atPath: notebook.appending("2026"), withIntermediateDirectories: true)
    let note = "2026/mkt-2026-12-01.md"
    try Data(bytes).write(to: URL(fileURLWithPath: notebook.appending(note)))

    for (label, arguments) in Self.commands + (bytes.count < 100_000 ? Self.coloured : []) {
      let result = try await ProcessRunner.run(pushnote, arguments + ["--notebook", ".", note], workingDirectory: notebook.path)
      let output = result.stdout + result.stderr
      let expected = try #require(recorded[name + " " + label], "nothing recorded for \(name) \(label)")
      let text = Fixtures.fixture("recorded/generated/\(name).\(label).txt")
      if FileManager.default.fileExists(atPath: text) {
        #expect(output == (try String(contentsOfFile: text, encoding: .utf8)), "\(name) \(label)")
      }
      #expect(SHA256.hex(Array(output.utf8)) == expected.digest, "\(name) \(label)")
      #expect(String(result.status) == expected.status, "\(name) \(label)")
    }
  }
}
