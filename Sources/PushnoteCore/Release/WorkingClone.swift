import Foundation

/// The local clone of one repository that pushnote tags and cherry-picks in.
///
/// Either the clone pushnote.yml names (`clone:`) or one pushnote manages, a bare repository under
/// `<notebook>/.pushnote/clones/OWNER/NAME` that git ignores. The remote's branches and tags are
/// fetched into pushnote's own namespace (`refs/pushnote/heads/*`, `refs/pushnote/tags/*`), so they
/// always show the remote as it is and never mix with the clone's own branches and tags.
public struct WorkingClone: Sendable {
  /// The repository of pushnote.yml.
  public let repository: NotebookConfig.RepositoryConfig
  /// The clone's folder.
  public let path: String
  /// git in the clone.
  let git: Git
  /// Where to fetch from and push to: the `git` URL, else the clone's `origin`.
  let remote: String
  /// Extra environment for commands that write objects (the committer and tagger).
  let environment: [String: String]

  /// Where the remote's branches are fetched to.
  static let headsNamespace = "refs/pushnote/heads/"
  /// Where the remote's tags are fetched to.
  static let tagsNamespace = "refs/pushnote/tags/"
  /// The folder of managed clones under the notebook.
  static let managedFolder = ".pushnote/clones"

  /// Opens the repository's clone, creating a managed one when pushnote.yml names none.
  ///
  /// A managed clone's folder is named by the repository (`OWNER/NAME`), so the name is checked
  /// to be two plain path components first.
  ///
  /// - Parameters:
  ///   - repository: the repository from pushnote.yml.
  ///   - notebook: the notebook the managed clones live in.
  ///   - environment: the committer identity for tags and cherry-picks.
  /// - Throws: ``ReleaseError/noRemote(repository:)``, ``ReleaseError/invalidRepositoryName(_:)``,
  ///   ``ReleaseError/git(repository:_:)``,
  ///   ``ReleaseError/notebook(_:)``.
  public static func open(
    _ repository: NotebookConfig.RepositoryConfig, notebook: Notebook, environment: [String: String] = [:]
  ) async throws(ReleaseError) -> WorkingClone {
    if let configured = repository.clone {
      let path = configured.hasPrefix("/") ? configured : (notebook.root as NSString).appendingPathComponent(configured)
      return WorkingClone(
        repository: repository, path: path, git: Git(directory: path), remote: repository.git ?? "origin", environment: environment)
    }
    guard let remote = repository.git else { throw .noRemote(repository: repository.name) }
    try ReleaseInput.checkPathSafe(repository.name)
    let folder = (notebook.root as NSString).appendingPathComponent(managedFolder)
    let path = (folder as NSString).appendingPathComponent(repository.name)
    if !FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent("HEAD")) {
      try ignoreManagedClones(in: folder)
      do {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
      } catch {
        throw .notebook(.fileSystem(path: path, message: "cannot create the clone's folder: \(error.localizedDescription)"))
      }
      do {
        try await Git(directory: path).run(["init", "--quiet", "--bare", "--", path])
      } catch {
        throw .git(repository: repository.name, error)
      }
    }
    return WorkingClone(repository: repository, path: path, git: Git(directory: path), remote: remote, environment: environment)
  }

  /// The push tags the repository's clone had at its last fetch, without fetching (offline); nil
  /// when pushnote has not fetched it yet, so nothing is known.
  public static func fetchedPushTags(of repository: NotebookConfig.RepositoryConfig, notebook: Notebook) async -> [PushTag]? {
    let path: String
    if let configured = repository.clone {
      path = configured.hasPrefix("/") ? configured : (notebook.root as NSString).appendingPathComponent(configured)
    } else {
      guard (try? ReleaseInput.checkPathSafe(repository.name)) != nil else { return nil }
      path = ((notebook.root as NSString).appendingPathComponent(managedFolder) as NSString).appendingPathComponent(repository.name)
    }
    let git = Git(directory: path)
    // A clone that never fetched has no remote heads in pushnote's namespace.
    guard let heads = try? await git.run(["for-each-ref", "--count=1", "--format=%(refname)", headsNamespace]), !heads.isEmpty,
      let refs = try? await git.run(["for-each-ref", "--format=%(refname)", tagsNamespace])
    else { return nil }
    return refs.split(separator: "\n").compactMap { PushTag($0.dropFirst(tagsNamespace.count)) }
  }

  /// Makes git ignore the managed clones' folder, whatever the notebook's own `.gitignore` says.
  private static func ignoreManagedClones(in folder: String) throws(ReleaseError) {
    let ignore = (folder as NSString).appendingPathComponent(".gitignore")
    guard !FileManager.default.fileExists(atPath: ignore) else { return }
    do {
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    } catch {
      throw .notebook(.fileSystem(path: folder, message: "cannot create the clones folder: \(error.localizedDescription)"))
    }
    do {
      try AtomicFile.write("# Working clones pushnote manages; never tracked.\n*\n", to: ignore)
    } catch {
      throw .notebook(error)
    }
  }

  /// Runs git in the clone, naming the repository in a failure.
  @discardableResult
  func run(_ arguments: [String]) async throws(ReleaseError) -> String {
    do {
      return try await git.run(arguments, environment: environment)
    } catch {
      throw .git(repository: repository.name, error)
    }
  }

  /// Runs git in the clone and returns its status and output whatever the status.
  func call(_ arguments: [String]) async throws(ReleaseError) -> Git.Output {
    do {
      return try await git.call(arguments, environment: environment)
    } catch {
      throw .git(repository: repository.name, error)
    }
  }

  /// The same clone, with git running in one of its worktrees.
  func inWorktree(_ worktree: String) -> WorkingClone {
    WorkingClone(repository: repository, path: worktree, git: Git(directory: worktree), remote: remote, environment: environment)
  }

  /// Fetches the remote's branches and tags into pushnote's namespace, dropping those the remote lost.
  public func fetch() async throws(ReleaseError) {
    try await run([
      "fetch", "--quiet", "--no-tags", "--prune", "--", remote,
      "+refs/heads/*:\(WorkingClone.headsNamespace)*", "+refs/tags/*:\(WorkingClone.tagsNamespace)*",
    ])
  }

  /// The commit a full ref or SHA names, or nil when there is no such commit.
  func commit(of revision: String) async throws(ReleaseError) -> String? {
    let output = try await call(["rev-parse", "--verify", "--quiet", "--end-of-options", revision + "^{commit}"])
    let sha = output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    return output.status == 0 && !sha.isEmpty ? sha : nil
  }

  /// The head commit of the remote's branch as last fetched.
  func branchHead(_ branch: String) async throws(ReleaseError) -> String? {
    try await commit(of: WorkingClone.headsNamespace + branch)
  }

  /// The commit a commit SHA (full or abbreviated) names, fetching it by SHA when no branch holds it.
  ///
  /// - Throws: ``ReleaseError/unknownCommit(repository:commit:)``.
  func resolveCommit(_ sha: String) async throws(ReleaseError) -> String {
    if let found = try await commit(of: sha) { return found }
    if sha.count == 40 {
      _ = try await call(["fetch", "--quiet", "--no-tags", "--", remote, sha])
      if let found = try await commit(of: sha) { return found }
    }
    throw .unknownCommit(repository: repository.name, commit: sha)
  }

  /// The remote's push tags as last fetched.
  func remoteTags() async throws(ReleaseError) -> [PushTag] {
    let refs = try await run(["for-each-ref", "--format=%(refname)", WorkingClone.tagsNamespace])
    return refs.split(separator: "\n").compactMap { PushTag($0.dropFirst(WorkingClone.tagsNamespace.count)) }
  }

  /// The commit a tag of the remote points at (as last fetched), or nil when the remote has no such tag.
  func remoteTagCommit(_ tag: PushTag) async throws(ReleaseError) -> String? {
    try await commit(of: WorkingClone.tagsNamespace + tag.name)
  }

  /// Creates (or replaces) the clone's annotated tag at a commit.
  func createTag(_ tag: PushTag, at commit: String, message: String) async throws(ReleaseError) {
    try await run(["tag", "--force", "--annotate", "--message", message, "--", tag.name, commit])
  }

  /// Pushes one tag, and nothing else, to the remote; `replace` allows moving a tag the remote has.
  func pushTag(_ tag: PushTag, replace: Bool) async throws(ReleaseError) {
    let ref = "refs/tags/\(tag.name)"
    try await run(["push", "--quiet", "--no-verify"] + (replace ? ["--force"] : []) + ["--", remote, "\(ref):\(ref)"])
    try await run(["update-ref", WorkingClone.tagsNamespace + tag.name, ref])
  }
}
