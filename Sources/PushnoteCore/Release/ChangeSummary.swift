import Foundation

/// What goes out in one repository: the commits between the previous tag and the new one, and the
/// migration files among the files they change.
public struct ChangeSummary: Sendable, Equatable, Codable {
  /// One commit.
  public struct Commit: Sendable, Equatable, Codable {
    /// The full SHA.
    public var sha: String
    /// The author's name.
    public var author: String
    /// The subject line.
    public var subject: String
  }

  /// The commits, newest first.
  public var commits: [Commit]
  /// Paths of added or changed files matching the repository's migration globs, sorted.
  public var migrations: [String]

  /// The distinct authors, in order of their first commit listed.
  public var authors: [String] {
    var seen = Set<String>()
    return commits.map(\.author).filter { seen.insert($0).inserted }
  }

  enum CodingKeys: String, CodingKey { case commits, migrations }

  /// Creates a summary.
  public init(commits: [Commit], migrations: [String]) {
    self.commits = commits
    self.migrations = migrations
  }

  /// Reads the summary of `from..to` from a clone; both are full commit SHAs.
  ///
  /// Migration globs use git's own glob pathspec magic: `*` stays within a folder and `**/`
  /// matches any number of folders, `migrations/*.sql` is anchored at the repository's root.
  static func read(from: String, to: String, in clone: WorkingClone) async throws(ReleaseError) -> ChangeSummary {
    let commits = try await log(["\(from)..\(to)"], in: clone)
    var migrations: [String] = []
    if !clone.repository.migrations.isEmpty {
      let pathspecs = clone.repository.migrations.map { ":(glob)" + $0 }
      let names = try await clone.run(["diff", "--name-only", "--no-renames", "--diff-filter=d", from, to, "--"] + pathspecs)
      migrations = names.split(separator: "\n").map(String.init).sorted()
    }
    return ChangeSummary(commits: commits, migrations: migrations)
  }

  /// The commits `git log` lists for the given revisions (full SHAs and ranges of them), newest first.
  static func log(_ revisions: [String], in clone: WorkingClone) async throws(ReleaseError) -> [Commit] {
    let separator = "\u{1F}"
    let output = try await clone.run(["log", "--format=%H\(separator)%an\(separator)%s"] + revisions + ["--"])
    return output.split(separator: "\n").compactMap { line -> Commit? in
      let fields = line.split(separator: Character(separator), maxSplits: 2, omittingEmptySubsequences: false)
      guard fields.count == 3 else { return nil }
      return Commit(sha: String(fields[0]), author: plain(fields[1]), subject: plain(fields[2]))
    }
  }

  /// Text from git made safe for one line of a note: control characters become spaces.
  static func plain(_ text: Substring) -> String {
    String(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : Character($0) })
      .trimmingCharacters(in: .whitespaces)
  }
}
