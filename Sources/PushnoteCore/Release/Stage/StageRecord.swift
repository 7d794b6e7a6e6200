/// One job's result as the note's timeline records it, and how `--resume` reads it back.
///
/// The event text is `stage JOB TAG RESULT in DURATION`, for example
/// `stage bazaar-stage-api 2026.12.01 SUCCESS in 2m 05s`. It reads back unambiguously from the right:
/// the duration after the last `in`, the result before it, then the tag; everything between `stage`
/// and the tag is the job's name, so names with spaces or folders (`web/deploy api`) survive.
public struct StageRecord: Sendable, Hashable {
  /// The event text of the first timeline entry of a run.
  public static let startedEvent = "stage deploy started"
  /// The event text of the last entry of a run in which every job succeeded.
  public static let finishedEvent = "stage deploy finished"
  /// The event text after a job failed and the run stopped.
  public static let stoppedEvent = "stage deploy stopped"
  /// The event text when Jenkins went away or refused in the middle of a run.
  public static let interruptedEvent = "stage deploy interrupted"

  /// The Jenkins job, as pushnote.yml names it.
  public var job: String
  /// The tag it deployed (`2026.12.01`, `2026.12.01-1`).
  public var tag: String
  /// How it ended.
  public var result: StageJobResult
  /// How long the build took, in whole seconds.
  public var durationSeconds: Int

  /// Creates a record.
  public init(job: String, tag: String, result: StageJobResult, durationSeconds: Int) {
    self.job = job
    self.tag = tag
    self.result = result
    self.durationSeconds = durationSeconds
  }

  /// The timeline event text: `stage JOB TAG RESULT in DURATION`.
  public var event: String { "stage \(job) \(tag) \(result.rawValue) in \(Self.duration(durationSeconds))" }

  /// Reads a timeline event written by ``event``; nil for any other text.
  public init?(event: String) {
    let words = event.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
    guard words.count >= 6, words[0] == "stage", let inIndex = words.lastIndex(of: "in"), inIndex >= 4,
      let seconds = Self.seconds(words[(inIndex + 1)...].joined(separator: " ")),
      let result = StageJobResult(rawValue: words[inIndex - 1]), PushTag(words[inIndex - 2]) != nil
    else { return nil }
    let job = words[1..<inIndex - 2].joined(separator: " ")
    guard !job.isEmpty else { return nil }
    self.init(job: job, tag: words[inIndex - 2], result: result, durationSeconds: seconds)
  }

  /// `42s`, `2m 05s`, `1h 02m 05s`.
  public static func duration(_ seconds: Int) -> String {
    let seconds = max(0, seconds)
    let (hours, minutes, rest) = (seconds / 3600, seconds % 3600 / 60, seconds % 60)
    if hours > 0 { return "\(hours)h \(twoDigits(minutes))m \(twoDigits(rest))s" }
    if minutes > 0 { return "\(minutes)m \(twoDigits(rest))s" }
    return "\(rest)s"
  }

  /// Reads what ``duration(_:)`` writes; nil for anything else.
  public static func seconds(_ text: String) -> Int? {
    let parts = text.split(separator: " ", omittingEmptySubsequences: false)
    let units: [Character] = ["h", "m", "s"]
    guard let last = parts.last, last.last == "s", parts.count <= 3 else { return nil }
    var total = 0
    for (part, unit) in zip(parts, units.suffix(parts.count)) {
      guard part.last == unit, let value = Int(part.dropLast()), value >= 0, part.dropLast().allSatisfy(\.isASCII) else { return nil }
      total = total * 60 + value
    }
    return total
  }

  private static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
