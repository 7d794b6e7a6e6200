import Foundation

extension ProcessRunner {
  /// Runs a program like ``run(_:_:environment:workingDirectory:input:)`` on a thread of its own, so
  /// the wait does not hold one of Swift concurrency's few threads: a program that talks to an
  /// in-process fake server (Jenkins, Etherpad) needs those threads to get its answers.
  public static func runDetached(
    _ executable: String, _ arguments: [String], environment: [String: String] = [:], workingDirectory: String? = nil
  ) async throws -> Result {
    try await withCheckedThrowingContinuation { continuation in
      let thread = Thread {
        continuation.resume(
          with: Swift.Result { try run(executable, arguments, environment: environment, workingDirectory: workingDirectory) })
      }
      thread.start()
    }
  }
}
