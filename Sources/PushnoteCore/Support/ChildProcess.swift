import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What every program pushnote starts (git, sendmail) gets from it: only the environment it needs,
/// and a parent that survives the child closing its input early.
public enum ChildProcess {
  /// The prefix of pushnote's own variables: secrets (`PUSHNOTE_PAD_APIKEY`, `PUSHNOTE_JENKINS_TOKEN`,
  /// `PUSHNOTE_SMTP_PASSWORD`, …) and settings no child reads.
  public static let ownPrefix = "PUSHNOTE_"

  /// The environment of a child: `environment` (the process's own by default) without pushnote's
  /// variables, with `overrides` set.
  public static func environment(
    _ overrides: [String: String] = [:], from environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> [String: String] {
    var result = environment.filter { !$0.key.hasPrefix(ownPrefix) }
    for (key, value) in overrides { result[key] = value }
    return result
  }

  /// The file a program's name runs on `searchPath`, a `PATH` value.
  ///
  /// That is the first directory holding an executable file of that name, as a shell finds it; a
  /// name with a `/` is its own answer. Nil when no directory has it, `PATH` is unset or empty, or a relative directory comes first (the
  /// child resolves that from its own working directory): then the name goes to Subprocess as it is.
  ///
  /// Resolved here because Subprocess, given a bare name, spawns a child for each directory in turn
  /// until one execs: a fork of this process for every directory before the program's own.
  public static func executable(named name: String, searchPath: String?) -> String? {
    if name.contains("/") { return name }
    for directory in (searchPath ?? "").split(separator: ":", omittingEmptySubsequences: false) {
      guard directory.hasPrefix("/") else { return nil }
      let candidate = String(directory.hasSuffix("/") ? directory + name : directory + "/" + name)
      var status = stat()
      if stat(candidate, &status) == 0, status.st_mode & S_IFMT == S_IFREG, access(candidate, X_OK) == 0 { return candidate }
    }
    return nil
  }

  /// Makes a write to a pipe whose reader has gone fail with `EPIPE` instead of a `SIGPIPE`.
  ///
  /// A sendmail that exits without reading the message would otherwise kill the process.
  /// Process-wide and idempotent; sockets use `MSG_NOSIGNAL` already.
  public static func ignoreBrokenPipes() { _ = brokenPipesIgnored }

  private static let brokenPipesIgnored: Void = { _ = signal(SIGPIPE, SIG_IGN) }()
}
