import Foundation

/// What goes out in one repository: the commits between the previous tag and the new one, and the
/// migration files among the files they change.
public struct ChangeSummary: Sendable, Equatable, JSONObject {
  /// One commit.
  public struct Commit: Sendable, Equatable, JSONObject {
    /// The full SHA.
    public var sha: String
    /// The author's name.
    public var author: String
    /// The subject line.
    public var subject: String

    public func writeFields(to fields: inout JSONFields) {
      fields.field("author", author)
      fields.field("sha", sha)
      fields.field("subject", subject)
    }
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

  /// Writes the count and the authors too, for readers of `--json`.
  public func writeFields(to fields: inout JSONFields) {
    fields.field("authors", authors)
    fields.field("commits", commits)
    fields.field("count", commits.count)
    fields.field("migrations", migrations)
  }

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
      let names = try await clone.run(
        ["diff", "--name-only", "--no-renames", "--diff-filter=d", "--end-of-options", from, to, "--"] + pathspecs)
      migrations = names.split(separator: "\n").map(String.init).sorted()
    }
    return ChangeSummary(commits: commits, migrations: migrations)
  }

  /// The commits `git log` lists for the given revisions (full SHAs and ranges of them), newest
  /// first, at most `limit` of them.
  static func log(_ revisions: [String], limit: Int? = nil, in clone: WorkingClone) async throws(ReleaseError) -> [Commit] {
    let separator = "\u{1F}"
    let options = ["--format=%H\(separator)%an\(separator)%s"] + (limit.map { ["--max-count=\($0)"] } ?? [])
    let output = try await clone.run(["log"] + options + ["--end-of-options"] + revisions + ["--"])
    return output.split(separator: "\n").compactMap { line -> Commit? in
      let fields = line.split(separator: Character(separator), maxSplits: 2, omittingEmptySubsequences: false)
      guard fields.count == 3 else { return nil }
      return Commit(
        sha: String(fields[0]), author: NoteEditor.singleLine(String(fields[1])), subject: NoteEditor.singleLine(String(fields[2])))
    }
  }
}
