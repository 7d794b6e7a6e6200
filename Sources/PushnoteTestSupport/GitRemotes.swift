import Foundation
import PushnoteCore

/// Bare git repositories on the local filesystem standing in for a team's remotes, for the release
/// tests and the tag benchmark.
public enum GitRemotes {
  /// The author of the commits made here.
  public static let defaultAuthor = "Ada Dev <ada@example.org>"

  /// Creates a bare repository at `path` whose `branch` has `commits` commits, written in one
  /// `git fast-import` stream; returns the head commit.
  @discardableResult
  public static func create(at path: String, branch: String = "main", commits: Int) async throws -> String {
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    let git = Git(directory: path)
    try await git.run(["init", "--quiet", "--bare", "--initial-branch=\(branch)", "--", path])
    var stream = ""
    for number in 1...max(1, commits) {
      stream += commitCommand(
        branch: branch, parent: nil, files: ["src/module.txt": "change \(number)\n"], message: "Change \(number)", author: defaultAuthor,
        time: number)
    }
    try await git.run(["fast-import", "--quiet"], input: stream)
    return try await head(of: path, branch: branch)
  }

  /// Adds one commit changing `files` (path to content) on top of `parent` (default: the branch
  /// head) and points `branch` at it; returns the new commit.
  @discardableResult
  public static func commit(
    to path: String, branch: String = "main", parent: String? = nil, files: [String: String], message: String,
    author: String = defaultAuthor
  ) async throws -> String {
    var parentCommit = parent
    if parentCommit == nil { parentCommit = try await head(of: path, branch: branch) }
    let stream = commitCommand(branch: branch, parent: parentCommit, files: files, message: message, author: author, time: 100_000)
    try await Git(directory: path).run(["fast-import", "--quiet", "--force"], input: stream)
    return try await head(of: path, branch: branch)
  }

  /// The commit a branch of the repository points at.
  public static func head(of path: String, branch: String = "main") async throws -> String {
    try await Git(directory: path).run(["rev-parse", "refs/heads/\(branch)"]).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// The remote's tags as `git ls-remote` sees them: name to the commit it points at.
  public static func tags(of path: String) async throws -> [String: String] {
    let listing = try await Git(directory: path).run(["ls-remote", "--tags", "--", path])
    var tags: [String: String] = [:]
    for line in listing.split(separator: "\n") {
      let fields = line.split(separator: "\t")
      guard fields.count == 2 else { continue }
      let name = fields[1].dropFirst("refs/tags/".count)
      if name.hasSuffix("^{}") {
        tags[String(name.dropLast(3))] = String(fields[0])
      } else if tags[String(name)] == nil {
        tags[String(name)] = String(fields[0])
      }
    }
    return tags
  }

  /// Makes the remote refuse every push with a `pre-receive` hook, as a server that is down or
  /// read-only would (file permissions do not stop root, who runs the tests).
  public static func refusePushes(_ path: String) throws {
    let hook = (path as NSString).appendingPathComponent("hooks/pre-receive")
    try "#!/bin/sh\necho 'pushes are refused here' >&2\nexit 1\n".write(toFile: hook, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hook)
  }

  /// Lets the remote take pushes again.
  public static func acceptPushes(_ path: String) throws {
    try FileManager.default.removeItem(atPath: (path as NSString).appendingPathComponent("hooks/pre-receive"))
  }

  /// One `git fast-import` commit command.
  private static func commitCommand(
    branch: String, parent: String?, files: [String: String], message: String, author: String, time: Int
  ) -> String {
    var command = "commit refs/heads/\(branch)\n"
    command += "author \(author) \(1_780_000_000 + time) +0000\ncommitter \(author) \(1_780_000_000 + time) +0000\n"
    command += "data \(message.utf8.count)\n\(message)\n"
    if let parent { command += "from \(parent)\n" }
    for (path, content) in files.sorted(by: { $0.key < $1.key }) {
      command += "M 100644 inline \(path)\ndata \(content.utf8.count)\n\(content)\n"
    }
    return command + "\n"
  }
}

/// A home in which git knows no identity, for tests of what pushnote does without one.
public struct NoGitIdentity {
  /// The home folder, whose `.gitconfig` forbids guessing a name from the machine.
  public let home: TemporaryDirectory
  /// The environment to run with: that home, no system config, and no name or address.
  public let environment: [String: String]

  /// Makes the home.
  public init() throws {
    home = try TemporaryDirectory()
    try AtomicFile.write("[user]\n\tuseConfigOnly = true\n", to: home.appending(".gitconfig"))
    environment = [
      "HOME": home.path, "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "", "GIT_AUTHOR_EMAIL": "", "GIT_COMMITTER_NAME": "",
      "GIT_COMMITTER_EMAIL": "", "EMAIL": "", "XDG_CONFIG_HOME": home.path,
    ]
  }
}
