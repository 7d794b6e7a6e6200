import Foundation
import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// git, run through its command line in one working directory.
///
/// Arguments are passed as a list, never through a shell; callers put `--` before paths and refs
/// that came from a note or a pad. git never prompts (`GIT_TERMINAL_PROMPT=0`), speaks English, and
/// never sees pushnote's secrets (``ChildProcess/environment(_:from:)``).
public struct Git: Sendable {
  /// The directory git runs in.
  public let directory: String

  /// The result of one git call.
  public struct Output: Sendable {
    /// The exit status.
    public var status: Int32
    /// Standard output.
    public var stdout: String
    /// Standard error.
    public var stderr: String
  }

  /// A runner for `directory`.
  public init(directory: String) { self.directory = directory }

  /// Runs git and returns its standard output.
  ///
  /// - Throws: ``GitError/failed(arguments:status:stderr:)`` when git exits non-zero.
  @discardableResult
  public func run(_ arguments: [String], input: String? = nil, environment: [String: String] = [:]) async throws(GitError) -> String {
    let output = try await call(arguments, input: input, environment: environment)
    guard output.status == 0 else { throw .failed(arguments: arguments, status: output.status, stderr: output.stderr) }
    return output.stdout
  }

  /// Runs git and returns its status and output whatever the status.
  public func call(_ arguments: [String], input: String? = nil, environment: [String: String] = [:]) async throws(GitError) -> Output {
    ChildProcess.ignoreBrokenPipes()
    let variables = ChildProcess.environment(["GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "LANGUAGE": "C"].merging(environment) { $1 })
    var child: [Environment.Key: String] = [:]
    for (key, value) in variables { child[Environment.Key(stringLiteral: key)] = value }
    let git: Executable = ChildProcess.executable(named: "git", searchPath: variables["PATH"]).map { .path(FilePath($0)) } ?? .name("git")
    do {
      let result = try await Subprocess.run(
        git, arguments: Arguments(arguments), environment: .custom(child),
        workingDirectory: FilePath(directory), input: .string(input ?? ""),
        output: .string(limit: 256 << 20), error: .string(limit: 16 << 20))
      let status: Int32
      switch result.terminationStatus {
      case .exited(let code): status = code
      case .signaled(let signal): status = 128 + signal
      }
      return Output(status: status, stdout: result.standardOutput, stderr: result.standardError)
    } catch {
      throw .notAvailable(message: "\(error)")
    }
  }

  /// Who commits: the name and address git itself would use.
  public struct Identity: Sendable, Equatable {
    /// The author's name.
    public var name: String
    /// The author's mail address.
    public var email: String
  }

  /// The identity commits get, read as git itself reads it.
  ///
  /// `git var GIT_AUTHOR_IDENT` honours `GIT_AUTHOR_NAME` and `GIT_AUTHOR_EMAIL` as well as
  /// `user.name` and `user.email`. `directory` must exist.
  ///
  /// - Throws: ``GitError/noIdentity`` when git knows no name or no address; ``GitError/notAvailable(message:)``.
  public func identity() async throws(GitError) -> Identity {
    let output = try await call(["var", "GIT_AUTHOR_IDENT"])
    // "Name <address> 1764612000 -0800"
    let line = output.stdout.split(separator: "\n").first.map(String.init) ?? ""
    guard output.status == 0, let open = line.firstIndex(of: "<"), let close = line[open...].firstIndex(of: ">") else { throw .noIdentity }
    let name = line[..<open].trimmingCharacters(in: .whitespaces)
    let email = String(line[line.index(after: open)..<close])
    guard !name.isEmpty, !email.isEmpty else { throw .noIdentity }
    return Identity(name: name, email: email)
  }

  /// Whether `directory` is inside a git work tree.
  public func isRepository() async -> Bool {
    (try? await call(["rev-parse", "--is-inside-work-tree"]))?.stdout.hasPrefix("true") ?? false
  }

  /// Commits the given paths (relative to `directory`) with a message.
  ///
  /// Does nothing when they have no changes. Returns whether a commit was made.
  @discardableResult
  public func commit(paths: [String], message: String) async throws(GitError) -> Bool {
    try await run(["add", "--"] + paths)
    let staged = try await call(["diff", "--cached", "--quiet", "--"] + paths)
    guard staged.status == 1 else { return false }
    try await run(["commit", "--quiet", "--no-verify", "-m", message, "--"] + paths)
    return true
  }
}
