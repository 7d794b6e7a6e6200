import Foundation

/// Where the project's files and built products are, for tests and benchmarks.
public enum Fixtures {
  /// The project's root folder (the one holding Package.swift).
  public static let projectRoot: String = {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
  }()

  /// A path under the project's root.
  public static func path(_ relative: String) -> String { (projectRoot as NSString).appendingPathComponent(relative) }

  /// The test fixtures folder, `Tests/Fixtures`.
  public static func fixture(_ relative: String) -> String { path("Tests/Fixtures/" + relative) }

  /// A file's content as UTF-8 text.
  public static func text(_ relative: String) throws -> String {
    try String(contentsOfFile: fixture(relative), encoding: .utf8)
  }

  /// The Markdown notes under the fixture folders, by `folder/path`, in order: the sample corpus
  /// of real notes (`amo`) and the template-made ones (`notes`) unless told otherwise.
  public static func notes(in folders: [String] = ["amo", "notes"]) -> [(name: String, bytes: [UInt8])] {
    var notes: [(name: String, bytes: [UInt8])] = []
    for folder in folders {
      let root = fixture(folder)
      let files = (FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".md") }.sorted()
      for file in files {
        guard let data = FileManager.default.contents(atPath: (root as NSString).appendingPathComponent(file)) else { continue }
        notes.append((folder + "/" + file, Array(data)))
      }
    }
    return notes
  }

  /// A product built beside the running test binary (`pushnote`, `pushnote-bench`).
  public static func builtExecutable(_ name: String) -> String {
    let here = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    var directory = here
    for _ in 0..<4 {
      let candidate = directory.appendingPathComponent(name).path
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
      directory = directory.deletingLastPathComponent()
    }
    return path(".build/debug/\(name)")
  }
}
