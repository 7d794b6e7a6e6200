/// How a stage job ended: Jenkins' build results, and `CANCELLED` for a queue item cancelled before it ran.
public enum StageJobResult: String, Sendable, Codable, CaseIterable {
  /// The build succeeded: the tag is on stage.
  case success = "SUCCESS"
  /// The build ran but its checks failed.
  case unstable = "UNSTABLE"
  /// The build failed.
  case failure = "FAILURE"
  /// Someone stopped the build.
  case aborted = "ABORTED"
  /// Jenkins did not build (an earlier stage of a pipeline failed).
  case notBuilt = "NOT_BUILT"
  /// The queue item was cancelled before a build started.
  case cancelled = "CANCELLED"

  /// Whether the deploy went through; only then does the run go on to the next job.
  public var succeeded: Bool { self == .success }
}
