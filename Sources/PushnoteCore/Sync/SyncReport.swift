/// What one sync did, for people (one line) and scripts (`--json`).
public struct SyncReport: Sendable, Codable, Equatable {
  /// How the sync ended.
  public enum Outcome: String, Sendable, Codable {
    /// Nothing to do: file and pad agree with the base.
    case unchanged
    /// Changes went one way or both; file and pad agree.
    case synced
    /// Conflict blocks are in the file; exit 1.
    case conflicts
    /// A dry run: nothing was written.
    case dryRun = "dry-run"
  }

  /// The pad id.
  public var padID: String
  /// The note file, relative to the notebook.
  public var note: String
  /// How it ended.
  public var outcome: Outcome
  /// Sections whose pad changes came into the file.
  public var fromPad: [String] = []
  /// Sections whose local changes went to the pad.
  public var toPad: [String] = []
  /// Sections where this sync wrote conflict blocks.
  public var conflicts: [String] = []
  /// 1-based lines of unresolved conflict blocks in the file.
  public var conflictLines: [Int] = []
  /// Whether this sync found the conflict blocks the last one left resolved (and committed the resolution).
  public var resolvedConflicts = false
  /// Whether the pad was written.
  public var pushed = false
  /// Whether a git commit was made.
  public var committed = false
  /// How many HTTP requests the sync made.
  public var requests = 0
  /// For a dry run: the file's lines that would go (`-`) and come (`+`).
  public var fileDiff: [String]?
  /// For a dry run: the pad's lines that would go (`-`) and come (`+`).
  public var padDiff: [String]?

  /// A report of nothing yet.
  public init(padID: String, note: String, outcome: Outcome) {
    self.padID = padID
    self.note = note
    self.outcome = outcome
  }

  /// The commit message: `sync mkt-2026-12-01: 3 sections from the pad, 1 to the pad, 1 conflict`.
  public var commitMessage: String {
    var parts: [String] = []
    func count(_ number: Int, _ noun: String, _ plural: String) -> String { "\(number) \(number == 1 ? noun : plural)" }
    if !fromPad.isEmpty { parts.append(count(fromPad.count, "section", "sections") + " from the pad") }
    if !toPad.isEmpty { parts.append(count(toPad.count, "section", "sections") + " to the pad") }
    if !conflicts.isEmpty { parts.append(count(conflicts.count, "conflict", "conflicts")) }
    if resolvedConflicts { parts.append("conflicts resolved") }
    return "sync \(padID): " + (parts.isEmpty ? "base recorded" : parts.joined(separator: ", "))
  }

  /// One line for people.
  public var summary: String {
    switch outcome {
    case .unchanged: return "\(padID): in sync"
    case .dryRun: return "\(padID): dry run, \(fileDiff?.count ?? 0) file line(s) and \(padDiff?.count ?? 0) pad line(s) would change"
    case .synced, .conflicts:
      var text = String(commitMessage.dropFirst("sync ".count))
      if !conflictLines.isEmpty {
        text += "; resolve the conflict block(s) at \(note):" + conflictLines.map(String.init).joined(separator: ", \(note):")
      }
      return text
    }
  }
}
