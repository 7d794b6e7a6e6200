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

  /// Makes a write to a pipe whose reader has gone fail with `EPIPE` instead of a `SIGPIPE`.
  ///
  /// A sendmail that exits without reading the message would otherwise kill the process.
  /// Process-wide and idempotent; sockets use `MSG_NOSIGNAL` already.
  public static func ignoreBrokenPipes() { _ = brokenPipesIgnored }

  private static let brokenPipesIgnored: Void = { _ = signal(SIGPIPE, SIG_IGN) }()
}
