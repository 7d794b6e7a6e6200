import Foundation

#if canImport(Glibc)
import Glibc
#endif

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
  /// The program is started with `posix_spawn` (Foundation's `Process.run()` crashes now and then
  /// when many tests launch programs at once). Its input and output go through temporary
  /// files, so large output cannot deadlock. A program still running after `timeout` seconds is
  /// killed (SIGKILL) and its result says so in `stderr`, so that a hung program fails its test
  /// instead of hanging the run.
  public static func runSynchronously(
    _ executable: String, _ arguments: [String], environment: [String: String] = [:], workingDirectory: String? = nil,
    input: String? = nil, timeout: Double = 120
  ) throws -> Result {
    let folder = try TemporaryDirectory(prefix: "pushnote-run")
    let inPath = folder.appending("stdin")
    let outPath = folder.appending("stdout")
    let errPath = folder.appending("stderr")
    try Data((input ?? "").utf8).write(to: URL(fileURLWithPath: inPath))
    let pid = try spawn(
      executable, arguments, environment: environment, workingDirectory: workingDirectory,
      files: (stdin: inPath, stdout: outPath, stderr: errPath))
    var status: Int32 = 0
    var timedOut = false
    let deadline = Date().addingTimeInterval(timeout)
    var pause: useconds_t = 500
    while true {
      let reaped = waitpid(pid, &status, WNOHANG)
      if reaped == pid || (reaped < 0 && errno != EINTR) { break }
      if Date() > deadline {
        timedOut = true
        kill(pid, SIGKILL)
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        break
      }
      usleep(pause)
      pause = min(pause * 2, 20_000)
    }
    return Result(
      status: exitStatus(status), stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
      stderr: ((try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
        + (timedOut ? "\n[ProcessRunner: killed after \(timeout) s: \(executable) \(arguments.joined(separator: " "))]\n" : ""))
  }

  /// What one measured run of a program cost, as the benchmarks report it.
  public struct Measurement: Sendable {
    /// The exit status (128 + N when killed by signal N).
    public var status: Int32
    /// Wall-clock seconds from the spawn to the reaping of the child.
    public var seconds: Double
    /// The child's peak resident set size in bytes (`ru_maxrss` of `wait4`).
    public var peakResidentBytes: Int
  }

  /// Runs a program with its output thrown away (`/dev/null`, as `>/dev/null` in a shell) and
  /// measures it: a blocking `wait4`, so that the time has no polling in it.
  public static func measure(
    _ executable: String, _ arguments: [String], environment: [String: String] = [:], workingDirectory: String? = nil
  ) throws -> Measurement {
    let start = ContinuousClock.now
    let pid = try spawn(
      executable, arguments, environment: environment, workingDirectory: workingDirectory,
      files: (stdin: "/dev/null", stdout: "/dev/null", stderr: "/dev/null"))
    var status: Int32 = 0
    var usage = rusage()
    while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
    let elapsed = ContinuousClock.now - start
    return Measurement(
      status: exitStatus(status), seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
      peakResidentBytes: Int(usage.ru_maxrss) * 1024)
  }

  /// Starts a program with `posix_spawn` and returns its process id.
  ///
  /// The child gets the default signal mask and dispositions, so servers it starts see SIGTERM and
  /// SIGPIPE as usual, and its three standard streams opened on `files`.
  private static func spawn(
    _ executable: String, _ arguments: [String], environment: [String: String], workingDirectory: String?,
    files: (stdin: String, stdout: String, stderr: String)
  ) throws -> pid_t {
    // `env` finds a bare name on PATH, and `env -C` changes folder (glibc's spawn has no chdir action).
    let path = executable.hasPrefix("/") && workingDirectory == nil ? executable : "/usr/bin/env"
    let argv =
      path == executable ? [executable] + arguments : [path] + (workingDirectory.map { ["-C", $0] } ?? []) + [executable] + arguments
    var merged = ProcessInfo.processInfo.environment
    merged["NO_COLOR"] = "1"
    for (key, value) in environment { merged[key] = value }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, files.stdin, O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, files.stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, files.stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var none = sigset_t()
    var all = sigset_t()
    sigemptyset(&none)
    sigfillset(&all)
    posix_spawnattr_setsigmask(&attributes, &none)
    posix_spawnattr_setsigdefault(&attributes, &all)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    let cArguments = argv.map { strdup($0) } + [nil]
    let cEnvironment = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { (cArguments + cEnvironment).forEach { free($0) } }
    var pid = pid_t()
    let spawned = posix_spawn(&pid, path, &actions, &attributes, cArguments, cEnvironment)
    guard spawned == 0 else {
      let reason = POSIXError(POSIXErrorCode(rawValue: spawned) ?? .ENOENT)
      throw CocoaError(.executableLoad, userInfo: [NSFilePathErrorKey: path, NSUnderlyingErrorKey: reason])
    }
    return pid
  }

  /// A `wait` status as a shell reports it: the exit code, or 128 + the signal that killed it.
  private static func exitStatus(_ status: Int32) -> Int32 {
    status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
  }
}
