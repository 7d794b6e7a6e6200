import Foundation

/// Runs a program to the end and collects what it printed: for end-to-end tests of the real binary
/// and for reference tools in benchmarks.
public enum ProcessRunner {
  /// What a finished program left.
  public struct Result: Sendable {
    /// The exit status (128 + N when killed by signal N).
    public var status: Int32
    /// Standard output.
    public var stdout: String
    /// Standard error.
    public var stderr: String
  }

  /// Runs `executable` with `arguments`, optional standard input and extra environment variables,
  /// waiting on a thread of its own.
  ///
  /// The wait never holds one of Swift concurrency's few threads (two on a two-core machine), which
  /// in-process fake servers and the other tests running in parallel need.
  public static func run(
    _ executable: String, _ arguments: [String], environment: [String: String] = [:], workingDirectory: String? = nil,
    input: String? = nil, timeout: Double = 120
  ) async throws -> Result {
    try await withCheckedThrowingContinuation { continuation in
      Thread {
        continuation.resume(
          with: Swift.Result {
            try runSynchronously(
              executable, arguments, environment: environment, workingDirectory: workingDirectory, input: input, timeout: timeout)
          })
      }.start()
    }
  }

  /// Runs a program and blocks the calling thread until it ends: for synchronous code only.
  ///
  /// The program's output goes through temporary files, so large output cannot deadlock. A program
  /// still running after `timeout` seconds is killed (SIGKILL) and its result says so in `stderr`,
  /// so that a hung program fails its test instead of hanging the run.
  public static func runSynchronously(
    _ executable: String, _ arguments: [String], environment: [String: String] = [:], workingDirectory: String? = nil,
    input: String? = nil, timeout: Double = 120
  ) throws -> Result {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : "/usr/bin/env")
    process.arguments = executable.hasPrefix("/") ? arguments : [executable] + arguments
    var merged = ProcessInfo.processInfo.environment
    merged["NO_COLOR"] = "1"
    for (key, value) in environment { merged[key] = value }
    process.environment = merged
    if let workingDirectory { process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory) }
    let folder = try TemporaryDirectory(prefix: "pushnote-run")
    let outPath = folder.appending("stdout")
    let errPath = folder.appending("stderr")
    FileManager.default.createFile(atPath: outPath, contents: nil)
    FileManager.default.createFile(atPath: errPath, contents: nil)
    let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
    let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
    process.standardOutput = out
    process.standardError = err
    let stdin = Pipe()
    process.standardInput = stdin
    let finished = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in finished.signal() }
    try process.run()
    if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
    try? stdin.fileHandleForWriting.close()
    var timedOut = false
    if finished.wait(timeout: .now() + timeout) == .timedOut {
      timedOut = true
      kill(process.processIdentifier, SIGKILL)
      finished.wait()
    }
    try out.close()
    try err.close()
    let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    return Result(
      status: status, stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
      stderr: ((try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
        + (timedOut ? "\n[ProcessRunner: killed after \(timeout) s: \(executable) \(arguments.joined(separator: " "))]\n" : ""))
  }
}
