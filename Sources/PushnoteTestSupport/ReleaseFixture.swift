import Foundation
import PushnoteCore

/// A notebook (a git repository with pushnote.yml) and bare repositories as its remotes, for the
/// tests of tagging and cherry-picks.
public struct ReleaseFixture: Sendable {
  /// Holds everything; removed when the fixture goes.
  public let directory: TemporaryDirectory
  /// The notebook's folder.
  public let root: String
  /// Repository name to its remote's path.
  public let remotes: [String: String]
  /// The committer identity the tests tag with.
  public static let identity = ["GIT_COMMITTER_NAME": "Rita Release", "GIT_COMMITTER_EMAIL": "rita@example.org"]

  /// A notebook with the given repositories, each remote with `commits` commits on `main`.
  ///
  /// With `localClones`, each repository also has a working clone of its own named by `clone:`.
  public init(repositories: [String] = ["acme/api", "acme/web"], commits: Int = 3, localClones: Bool = false) async throws {
    directory = try TemporaryDirectory(prefix: "pushnote-release")
    root = directory.appending("notebook")
    try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    var remotes: [String: String] = [:]
    var yaml = "product: Acme\ntimezone: UTC\nrepositories:\n"
    for name in repositories {
      let path = directory.appending("remotes/\(name).git")
      try await GitRemotes.create(at: path, commits: commits)
      remotes[name] = path
      yaml += "  - name: \(name)\n    git: \(path)\n    branch: main\n"
      if localClones {
        let clone = directory.appending("clones/\(name)")
        try await Git(directory: directory.path).run(["clone", "--quiet", "--", path, clone])
        yaml += "    clone: \(clone)\n"
      }
      yaml += "    migrations: [\"migrations/*.sql\", \"**/migrations/*.py\"]\n"
    }
    self.remotes = remotes
    try yaml.write(toFile: (root as NSString).appendingPathComponent("pushnote.yml"), atomically: true, encoding: .utf8)
    let git = Git(directory: root)
    try await git.run(["init", "--quiet", "--initial-branch=main"])
    try await git.run(["config", "user.name", "Rita Release"])
    try await git.run(["config", "user.email", "rita@example.org"])
    try await git.run(["add", "."])
    try await git.run(["commit", "--quiet", "-m", "Notebook"])
  }

  /// The notebook, as pushnote opens it.
  public func notebook() throws -> Notebook { try Notebook(root: root) }

  /// A tagger for the notebook with the test identity.
  public func tagger(_ tag: String) throws -> Tagger {
    guard let pushTag = PushTag(tag) else { throw ReleaseError.invalidTag(tag) }
    var tagger = Tagger(notebook: try notebook(), tag: pushTag)
    tagger.identity = ReleaseFixture.identity
    return tagger
  }

  /// Writes a note (a path relative to the notebook) and commits it; returns its absolute path.
  @discardableResult
  public func addNote(_ relativePath: String, _ text: String) async throws -> String {
    let path = (root as NSString).appendingPathComponent(relativePath)
    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    try await Git(directory: root).commit(paths: [relativePath], message: "Note \(relativePath)")
    return path
  }

  /// The path of a remote.
  public func remote(_ name: String) throws -> String {
    guard let path = remotes[name] else { throw ReleaseError.unknownRepository(name, known: remotes.keys.sorted()) }
    return path
  }

  /// Every ref of every remote, to prove a command left them alone.
  public func remoteRefs() async throws -> [String: String] {
    var refs: [String: String] = [:]
    for (name, path) in remotes {
      refs[name] = try await Git(directory: path).run(["for-each-ref", "--format=%(objectname) %(refname)"])
    }
    return refs
  }
}
