import Foundation

/// The per-week figures as CSV (RFC 4180: CRLF, fields quoted when they need it), one row a week.
public enum StatsTable {
  /// The header row's names, as in `pushnote stats --json`.
  public static let columns = [
    "date", "file", "release_manager", "duration_seconds", "pushes", "cherry_picks", "checklist_done", "checklist_total",
    "seconds_to_last_signoff",
  ]

  /// The CSV text.
  public static func csv(_ stats: DutyStats) -> String {
    var rows = [columns]
    for week in stats.weeks {
      rows.append([
        week.date.iso, week.file, week.releaseManager ?? "", week.durationSeconds.map(String.init) ?? "", String(week.pushes),
        String(week.cherryPicks), String(week.checklistDone), String(week.checklistTotal),
        week.secondsToLastSignoff.map(String.init) ?? "",
      ])
    }
    return rows.map { $0.map(field).joined(separator: ",") + "\r\n" }.joined()
  }

  /// A field quoted when it holds a comma, a quote or a line break; a leading `=`, `+`, `-` or `@`
  /// gets a `'` so spreadsheets do not run it as a formula.
  private static func field(_ text: String) -> String {
    let safe = text.first.map { "=+-@".contains($0) } == true ? "'" + text : text
    guard safe.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return safe }
    return "\"" + safe.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}
