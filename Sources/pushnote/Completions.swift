import ArgumentParser
import Foundation
import PushnoteCore

/// What the shell completions offer from the notebook itself: note dates, repositories, stage jobs.
///
/// ArgumentParser calls these in the binary while the user presses Tab, with the
/// words typed so far, so the notebook is the one `-C DIR` among them names (else the usual one).
enum Completions {
  /// The sign-off roles.
  static let roles = CompletionKind.list(["qa", "ops", "rm"])
  /// The dates of the notebook's notes, newest first.
  static let notes = CompletionKind.custom { words, _, prefix in
    guard let notebook = notebook(from: words) else { return [] }
    return notebook.noteFiles().compactMap { $0.date?.iso }.reversed().filter { $0.hasPrefix(prefix) }
  }
  /// The repositories of pushnote.yml.
  static let repositories = CompletionKind.custom { words, _, prefix in
    notebook(from: words)?.config.repositories.map(\.name).filter { $0.hasPrefix(prefix) } ?? []
  }
  /// The stage jobs and their repositories, as `stage --only` takes them.
  static let stageProjects = CompletionKind.custom { words, _, prefix in
    let jobs = notebook(from: words)?.config.stage?.jobs ?? []
    return (jobs.map(\.name) + jobs.map(\.repository)).filter { $0.hasPrefix(prefix) }
  }

  /// The notebook the words typed name with `-C DIR` or `--notebook DIR`, else the one found as usual.
  static func notebook(from words: [String]) -> Notebook? {
    var explicit: String?
    for (index, word) in words.enumerated() {
      if word == "-C" || word == "--notebook", index + 1 < words.count { explicit = words[index + 1] }
      if word.hasPrefix("--notebook=") { explicit = String(word.dropFirst("--notebook=".count)) }
    }
    let root = try? Notebook.locate(
      explicit: explicit, environment: ProcessInfo.processInfo.environment, workingDirectory: FileManager.default.currentDirectoryPath)
    return root.flatMap { try? Notebook(root: $0) }
  }
}
