import Foundation
import Synchronization

/// How pushes went across every note of a notebook: per week, in total, and by quarter.
public struct DutyStats: Sendable, Equatable, Codable {
  /// The weeks, by date.
  public var weeks: [WeekStats]
  /// Figures over all weeks.
  public var totals: Totals
  /// Figures by calendar quarter, in order: the trend.
  public var quarters: [Quarter]
  /// What could not be read, note by note.
  public var warnings: [StatsWarning]

  /// Figures over all weeks.
  public struct Totals: Sendable, Equatable, Codable {
    /// Weeks with a note.
    public var weeks: Int
    /// Weeks whose note gives a duration.
    public var weeksWithDuration: Int
    /// The median push duration, in seconds.
    public var medianDurationSeconds: Int?
    /// Pushes, repeat pushes included.
    public var pushes: Int
    /// Weeks that needed a repeat push.
    public var weeksWithRepeatPush: Int
    /// `weeksWithRepeatPush / weeks`, 0 to 1.
    public var repeatPushShare: Double
    /// Cherry-picks.
    public var cherryPicks: Int
    /// Checklist items done.
    public var checklistDone: Int
    /// Checklist items that apply.
    public var checklistTotal: Int
    /// The median time from the push's start to the last sign-off, in seconds.
    public var medianSecondsToLastSignoff: Int?

    enum CodingKeys: String, CodingKey {
      case weeks
      case weeksWithDuration = "weeks_with_duration"
      case medianDurationSeconds = "median_duration_seconds"
      case pushes
      case weeksWithRepeatPush = "weeks_with_repeat_push"
      case repeatPushShare = "repeat_push_share"
      case cherryPicks = "cherry_picks"
      case checklistDone = "checklist_done"
      case checklistTotal = "checklist_total"
      case medianSecondsToLastSignoff = "median_seconds_to_last_signoff"
    }
  }

  /// One calendar quarter's figures.
  public struct Quarter: Sendable, Equatable, Codable {
    /// `2017-Q2`.
    public var quarter: String
    /// Weeks with a note.
    public var weeks: Int
    /// The median push duration, in seconds.
    public var medianDurationSeconds: Int?
    /// The share of weeks with a repeat push, 0 to 1.
    public var repeatPushShare: Double

    enum CodingKeys: String, CodingKey {
      case quarter, weeks
      case medianDurationSeconds = "median_duration_seconds"
      case repeatPushShare = "repeat_push_share"
    }
  }

  /// Figures over the given weeks (sorted by date here).
  public init(weeks: [WeekStats], warnings: [StatsWarning]) {
    self.weeks = weeks.sorted { ($0.date, $0.file) < ($1.date, $1.file) }
    self.warnings = warnings
    let all = self.weeks
    let repeated = all.filter(\.repeated).count
    totals = Totals(
      weeks: all.count, weeksWithDuration: all.count { $0.durationSeconds != nil },
      medianDurationSeconds: DutyStats.median(all.compactMap(\.durationSeconds)), pushes: all.reduce(0) { $0 + $1.pushes },
      weeksWithRepeatPush: repeated, repeatPushShare: all.isEmpty ? 0 : Double(repeated) / Double(all.count),
      cherryPicks: all.reduce(0) { $0 + $1.cherryPicks }, checklistDone: all.reduce(0) { $0 + $1.checklistDone },
      checklistTotal: all.reduce(0) { $0 + $1.checklistTotal },
      medianSecondsToLastSignoff: DutyStats.median(all.compactMap(\.secondsToLastSignoff)))
    var byQuarter: [(name: String, weeks: [WeekStats])] = []
    for week in all {
      let name = DutyStats.quarter(of: week.date)
      if byQuarter.last?.name == name { byQuarter[byQuarter.count - 1].weeks.append(week) } else { byQuarter.append((name, [week])) }
    }
    quarters = byQuarter.map { name, weeks in
      Quarter(
        quarter: name, weeks: weeks.count, medianDurationSeconds: DutyStats.median(weeks.compactMap(\.durationSeconds)),
        repeatPushShare: Double(weeks.count(where: \.repeated)) / Double(weeks.count))
    }
  }

  /// Reads every note of a notebook (from `since` on, when given) with the note parser into figures.
  public static func collect(notebook: Notebook, since: PushDate? = nil) -> DutyStats {
    collect(notebook: notebook, since: since) { path in try ParsedNote.read(path: path, config: notebook.config).note }
  }

  /// Reads every note of a notebook (from `since` on, when given) into figures.
  ///
  /// Notes are read in parallel, one per core. A note that cannot be read, or has no date in its path
  /// or its text, becomes a warning and is left out; nothing here fails.
  ///
  /// - Parameters:
  ///   - notebook: the notebook; its `noteFiles()` are read.
  ///   - since: the first push date to include.
  ///   - read: parses one note file.
  public static func collect(notebook: Notebook, since: PushDate?, read: @Sendable (String) throws -> Note) -> DutyStats {
    let files = notebook.noteFiles().filter { file in
      guard let since, let date = file.date else { return true }
      return date >= since
    }
    let outcomes = Mutex<[Int: (week: WeekStats?, warnings: [StatsWarning])]>([:])
    DispatchQueue.concurrentPerform(iterations: files.count) { index in
      let outcome = week(of: files[index], since: since, read: read)
      outcomes.withLock { $0[index] = outcome }
    }
    let ordered = outcomes.withLock { all in files.indices.compactMap { all[$0] } }
    return DutyStats(weeks: ordered.compactMap { $0.week }, warnings: ordered.flatMap { $0.warnings })
  }

  /// One note's week (nil when left out) and warnings.
  private static func week(
    of file: Notebook.NoteFile, since: PushDate?, read: (String) throws -> Note
  ) -> (week: WeekStats?, warnings: [StatsWarning]) {
    let relative = file.relativePath
    let note: Note
    do {
      note = try read(file.path)
    } catch {
      return (nil, [StatsWarning(file: relative, line: 1, column: 1, message: "not read: \(error)")])
    }
    guard let date = file.date ?? note.date else {
      return (nil, [StatsWarning(file: relative, line: 1, column: 1, message: "no push date in the path or the note; left out")])
    }
    if let since, date < since { return (nil, []) }
    let (week, warnings) = WeekStats.read(note, date: date, file: relative)
    return (week, warnings)
  }

  /// A duration for people, to the minute: `45 min`, `2 h 05 min`.
  public static func formatDuration(_ seconds: Int) -> String {
    let minutes = (seconds + 30) / 60
    guard minutes >= 60 else { return "\(minutes) min" }
    let rest = minutes % 60
    return "\(minutes / 60) h " + (rest < 10 ? "0" : "") + "\(rest) min"
  }

  /// `2017-Q2`.
  public static func quarter(of date: PushDate) -> String { "\(date.year)-Q\((date.month - 1) / 3 + 1)" }

  /// The median, the mean of the middle two for an even count; nil for none.
  public static func median(_ values: [Int]) -> Int? {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
  }
}
