import Foundation

/// One push week's figures, read from its note.
public struct WeekStats: Sendable, Equatable, Codable {
  /// The push date.
  public var date: PushDate
  /// The note's path, relative to the notebook.
  public var file: String
  /// Who was release manager, when the note says.
  public var releaseManager: String?
  /// From the first start to the last end of the push, in seconds; nil when the note does not say.
  public var durationSeconds: Int?
  /// 1 plus the repeat pushes (`-N` tags).
  public var pushes: Int
  /// Commit links taken as cherry-picks.
  public var cherryPicks: Int
  /// Checklist items done.
  public var checklistDone: Int
  /// Checklist items that apply.
  public var checklistTotal: Int
  /// From the push's start to the last sign-off, in seconds; nil when either is missing.
  public var secondsToLastSignoff: Int?

  enum CodingKeys: String, CodingKey {
    case date, file
    case releaseManager = "release_manager"
    case durationSeconds = "duration_seconds"
    case pushes
    case cherryPicks = "cherry_picks"
    case checklistDone = "checklist_done"
    case checklistTotal = "checklist_total"
    case secondsToLastSignoff = "seconds_to_last_signoff"
  }

  /// Whether the week needed a repeat push.
  public var repeated: Bool { pushes > 1 }

  /// The week's figures from its note, with warnings for what the note does not let them read.
  ///
  /// - Parameters:
  ///   - note: the parsed note.
  ///   - date: the push date (from the path or the note).
  ///   - file: the note's path relative to the notebook, for the figures and the warnings.
  public static func read(_ note: Note, date: PushDate, file: String) -> (week: WeekStats, warnings: [StatsWarning]) {
    var warnings = note.problems.map { StatsWarning(file: file, line: $0.line, column: $0.column, message: $0.message) }
    let items = note.sections.map(\.progress)
    let start = note.timeline.first { $0.event == "start" }
    let startInstant = start?.at.flatMap(InstantText.parse)
    let lastSignoff = note.signoffs.compactMap { $0.at.flatMap(InstantText.parse) }.max()
    var secondsToLastSignoff: Int?
    if let startInstant, let lastSignoff {
      let seconds = Int(lastSignoff.timeIntervalSince(startInstant))
      if seconds >= 0 {
        secondsToLastSignoff = seconds
      } else if let start {
        warnings.append(StatsWarning(file: file, line: start.line, column: 1, message: "the last sign-off is before the push started"))
      }
    }
    for entry in note.timeline where entry.at == nil {
      warnings.append(StatsWarning(file: file, line: entry.line, column: 1, message: "no time read in timeline entry '\(entry.event)'"))
    }
    if note.durationSeconds == nil {
      warnings.append(StatsWarning(file: file, line: 1, column: 1, message: "no push duration: no start and end time read"))
    }
    let week = WeekStats(
      date: date, file: file, releaseManager: note.people.releaseManager, durationSeconds: note.durationSeconds,
      pushes: max(1, note.pushes), cherryPicks: note.cherryPicks.count, checklistDone: items.reduce(0) { $0 + $1.done },
      checklistTotal: items.reduce(0) { $0 + $1.total }, secondsToLastSignoff: secondsToLastSignoff)
    return (week, warnings)
  }
}
