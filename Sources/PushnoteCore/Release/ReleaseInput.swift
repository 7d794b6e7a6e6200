/// Checks of everything that names a repository, a tag, a commit or a branch before git sees it.
///
/// Text from a note, a pad or the command line reaches git only after these checks, and then only
/// as one list element behind `--` or a `refs/` prefix, so it can never become an option.
public enum ReleaseInput {
  /// The repository of pushnote.yml with this exact name.
  ///
  /// - Throws: ``ReleaseError/unknownRepository(_:known:)``.
  public static func repository(named name: String, in config: NotebookConfig) throws(ReleaseError) -> NotebookConfig.RepositoryConfig {
    guard let repository = config.repositories.first(where: { $0.name == name }) else {
      throw .unknownRepository(name, known: config.repositories.map(\.name))
    }
    return repository
  }

  /// Checks that a repository name is `OWNER/NAME` (GitLab groups may nest: `group/sub/name`), each
  /// part letters, digits, `.`, `_` or `-`, never `.` or `..`, so it can name a folder.
  ///
  /// - Throws: ``ReleaseError/invalidRepositoryName(_:)``.
  static func checkPathSafe(_ name: String) throws(ReleaseError) {
    let parts = name.split(separator: "/", omittingEmptySubsequences: false)
    let safe =
      parts.count >= 2
      && parts.allSatisfy { part in
        !part.isEmpty && part != "." && part != ".." && !part.hasPrefix("-")
          && part.utf8.allSatisfy { isWordByte($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
      }
    guard safe else { throw .invalidRepositoryName(name) }
  }

  /// A push tag, checked by its own grammar and by `git check-ref-format`.
  ///
  /// - Throws: ``ReleaseError/invalidTag(_:)``.
  public static func tag(_ text: String, git: Git) async throws(ReleaseError) -> PushTag {
    guard let tag = PushTag(text), tag.name == text, try await isValidRef("refs/tags/" + text, git: git) else {
      throw .invalidTag(text)
    }
    return tag
  }

  /// A commit SHA: 4 to 40 hexadecimal digits, returned in lower case.
  ///
  /// - Throws: ``ReleaseError/invalidCommit(_:)``.
  public static func commit(_ text: String) throws(ReleaseError) -> String {
    guard (4...40).contains(text.utf8.count), text.utf8.allSatisfy({ isHexDigit($0) }) else { throw .invalidCommit(text) }
    return text.lowercased()
  }

  /// A branch name (`master`, `release/2026`): letters, digits, `.`, `_`, `-` and `/`, not starting
  /// with `-`, and valid for `git check-ref-format` as `refs/heads/NAME`.
  ///
  /// - Throws: ``ReleaseError/invalidRef(_:)``.
  public static func branch(_ text: String, git: Git) async throws(ReleaseError) -> String {
    let allowed = text.utf8.allSatisfy { byte in
      isWordByte(byte) || [UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "/")].contains(byte)
    }
    guard allowed, !text.hasPrefix("-"), !text.hasPrefix("refs/"), try await isValidRef("refs/heads/" + text, git: git) else {
      throw .invalidRef(text)
    }
    return text
  }

  /// Whether a byte is an ASCII letter or digit.
  static func isWordByte(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
  }

  /// Whether a byte is an ASCII hexadecimal digit.
  static func isHexDigit(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
      || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
  }

  /// Asks `git check-ref-format` about a full ref name (which starts with `refs/`, never with `-`).
  private static func isValidRef(_ ref: String, git: Git) async throws(ReleaseError) -> Bool {
    do {
      return try await git.call(["check-ref-format", ref]).status == 0
    } catch {
      throw .git(repository: nil, error)
    }
  }
}
