import Foundation
import PushnoteCore

/// A notebook in a fresh git repository whose pushnote.yml deploys to a given Jenkins, with the note
/// of the push of 2026-12-01: for tests of `pushnote stage`.
public struct StageNotebook: Sendable {
  /// A stage job of pushnote.yml.
  public struct Job: Sendable {
    /// The Jenkins job (`folder/job`).
    public var name: String
    /// The repository whose tag it deploys.
    public var repository: String

    /// Creates a job.
    public init(_ name: String, repository: String) {
      self.name = name
      self.repository = repository
    }
  }

  /// Three jobs, in the order they deploy.
  public static let jobs = [
    Job("bazaar-stage-api", repository: "acme-bazaar/api"),
    Job("bazaar-stage-payments", repository: "acme-bazaar/payments"),
    Job("bazaar-stage-frontend", repository: "acme-bazaar/frontend"),
  ]

  /// The note of the push of 2026-12-01, with an empty Timeline and Blockers section.
  public static let note = """
    # Bazaar push 2026-12-01

    - Release manager: ddurst
    - QA: krupa
    - Tag: 2026.12.01

    ## Compare

    - https://github.com/acme-bazaar/api/compare/2026.11.24...2026.12.01
    - https://github.com/acme-bazaar/payments/compare/2026.11.24...2026.12.01
    - https://github.com/acme-bazaar/frontend/compare/2026.11.24...2026.12.01

    ## Blockers

    ## Before the push

    - [x] Tag every repository (Friday 2026-11-27)
    - [ ] Push to stage
    - [ ] QA on stage

    ## Timeline

    - 10:58 tagged everything

    ## Private notes

    """

  /// The folder (removed when the value goes).
  public let folder: TemporaryDirectory
  /// The note's path.
  public let notePath: String

  /// The notebook, its configuration read from pushnote.yml.
  public func notebook() throws -> Notebook { try Notebook(root: folder.path) }

  /// Creates the notebook and commits it.
  public init(jenkins: String, jobs: [Job] = StageNotebook.jobs, note: String = StageNotebook.note) async throws {
    folder = try TemporaryDirectory(prefix: "pushnote-stage")
    let jobLines = jobs.map { "    - {name: \"\($0.name)\", repository: \($0.repository)}" }.joined(separator: "\n")
    // A stage job deploys a configured repository.
    let repositories = Set(jobs.map(\.repository)).sorted().map { "{name: \($0)}" }.joined(separator: ", ")
    let config = """
      product: Bazaar
      timezone: America/Los_Angeles
      pad: {prefix: bzr-}
      repositories: [\(repositories)]
      stage:
        jenkins: \(jenkins)
        jobs:
      \(jobLines)

      """
    try AtomicFile.write(config, to: folder.appending("pushnote.yml"))
    try FileManager.default.createDirectory(atPath: folder.appending("2026"), withIntermediateDirectories: true)
    notePath = folder.appending("2026/bzr-2026-12-01.md")
    try AtomicFile.write(note, to: notePath)
    let git = Git(directory: folder.path)
    try await git.run(["init", "--quiet"])
    try await git.run(["config", "user.name", "Test"])
    try await git.run(["config", "user.email", "test@example.org"])
    try await git.run(["add", "--", "."])
    try await git.run(["commit", "--quiet", "-m", "the week's note"])
  }

  /// The note's text now.
  public func text() throws -> String { String(decoding: try AtomicFile.read(notePath), as: UTF8.self) }

  /// The lines of the note's `## Timeline` section after its heading, blank lines left out.
  public func timeline() throws -> [String] { try section("Timeline") }

  /// The lines of a `## TITLE` section after its heading, blank lines left out.
  public func section(_ title: String) throws -> [String] {
    let lines = try text().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    guard let start = lines.firstIndex(of: "## \(title)") else { return [] }
    return Array(lines[(start + 1)...].prefix { !$0.hasPrefix("## ") }.filter { !$0.isEmpty })
  }

  /// The commit subjects, newest first.
  public func commitSubjects() async throws -> [String] {
    try await Git(directory: folder.path).run(["log", "--format=%s"]).split(separator: "\n").map(String.init)
  }
}
