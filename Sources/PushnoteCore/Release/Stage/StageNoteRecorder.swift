import Foundation

/// Writes what a stage deploy did into the note, one commit per step: timeline lines, the failed job
/// and its console tail under Blockers, and the "Push to stage" item ticked.
///
/// Every write goes through ``NoteEditing/edit(path:notebook:commit:makeChange:)``: the note is
/// re-read just before, only the new bytes are spliced in, the file is replaced atomically.
actor StageNoteRecorder {
  /// Section titles that hold a note's problems, in order of preference; the first is created when none exists.
  static let problemSections = ["Blockers", "Problems", "Issues"]

  private let notebook: Notebook
  private let path: String
  private let commit: Bool
  private let now: @Sendable () -> Date
  /// How many commits the writes made.
  private(set) var commits = 0
  /// Whether a write ticked the stage checklist item.
  private(set) var ticked = false

  init(notebook: Notebook, path: String, commit: Bool, now: @escaping @Sendable () -> Date) {
    self.notebook = notebook
    self.path = path
    self.commit = commit
    self.now = now
  }

  /// Appends timeline events (and problem lines), closes the open failures of `closing` (a job that
  /// has just deployed), ticks the stage item when asked; commits with `message`.
  func record(
    timeline events: [String], problem: [String] = [], closing job: String? = nil, tickStageItem: Bool = false, message: String
  ) async throws {
    let zone = notebook.config.timeZone
    let time = now()
    var tick: ByteEdit?
    let outcome = try await NoteEditing.edit(path: path, notebook: notebook, commit: commit) { editor in
      let lines = events.map { NoteEditor.timelineEntry($0, at: time, noteDate: editor.parsed.note.date, zone: zone) }
      var edits = [editor.appendLines(lines, toSection: "Timeline")].compactMap { $0 }
      let problemSection = Self.problemSections.first { editor.section(titled: $0) != nil } ?? Self.problemSections[0]
      edits += [editor.appendLines(problem, toSection: problemSection)].compactMap { $0 }
      if let job { edits += editor.closeStageFailures(of: job, in: Self.problemSections) }
      if tickStageItem, let item = editor.stageChecklistItem() {
        tick = try? editor.setState(.done, of: item)
      }
      return NoteEditing.Change(edits: edits + [tick].compactMap { $0 }, message: message)
    }
    commits += outcome.committed ? 1 : 0
    ticked = ticked || (tick != nil && outcome.changed)
  }

  /// Records that the run was interrupted, as well as it can: the error that interrupted it matters
  /// more than a failure to write this line, so such a failure is left unreported.
  func recordInterruption(at job: String) async {
    do {
      try await record(timeline: [StageRecord.interruptedEvent], message: "stage: deploy interrupted at \(job)")
    } catch {
      return
    }
  }

  /// How the problem line of a failed job starts, before the job's name.
  static let failurePrefix = "Stage deploy failed: "

  /// The problem lines of a failed job: what failed, where, and the console's last lines in a code block.
  static func problemLines(_ record: StageRecord, buildURL: String?, console: [String]) -> [String] {
    let place = buildURL.map { ", \($0)" } ?? (record.result == .cancelled ? ", cancelled in the queue" : "")
    var lines = ["- [ ] \(failurePrefix)\(record.job) \(record.tag) \(record.result.rawValue)\(place)"]
    guard !console.isEmpty else { return lines }
    let fence = ConsoleText.fence(for: console)
    lines.append("  " + fence)
    lines += console.map { $0.isEmpty ? "" : "  " + $0 }
    lines.append("  " + fence)
    return lines
  }
}

extension NoteEditor {
  /// The splice that adds lines at the end of a section's content; nil for no lines.
  ///
  /// The first line goes where ``appendLine(_:toSection:)`` puts one; the others follow it as they
  /// are (indentation kept).
  func appendLines(_ lines: [String], toSection title: String) -> ByteEdit? {
    guard let first = lines.first else { return nil }
    var edit = appendLine(first, toSection: title)
    guard lines.count > 1 else { return edit }
    let ending = Array(parsed.source.preferredLineEnding.utf8)
    let rest = lines.dropFirst().map { Array(($0).utf8) }
    if edit.replacement.count >= ending.count, Array(edit.replacement.suffix(ending.count)) == ending {
      edit.replacement += rest.flatMap { $0 + ending }
    } else {
      edit.replacement += rest.flatMap { ending + $0 }
    }
    return edit
  }

  /// The splices that tick the open problem lines a failed deploy of `job` wrote (`- [ ] Stage
  /// deploy failed: JOB …`, or without a box as earlier versions wrote them) in the problem
  /// sections, so the announcement does not list a fixed stage failure as a blocker.
  func closeStageFailures(of job: String, in sections: [String]) -> [ByteEdit] {
    let source = parsed.source
    let failure = StageNoteRecorder.failurePrefix + job + " "
    var edits: [ByteEdit] = []
    for title in sections {
      guard let section = section(titled: title) else { continue }
      let extent = extent(of: section)
      let first = source.location(ofOffset: extent.lowerBound).line
      let last = source.location(ofOffset: max(extent.lowerBound, extent.upperBound - 1)).line
      for line in first...last {
        let range = source.lineRange(line)
        let text = source.string(range)
        if text.hasPrefix("- [ ] " + failure) {
          edits.append(ByteEdit(range: range.lowerBound + 3..<range.lowerBound + 4, text: "x"))
        } else if text.hasPrefix("- " + failure) {
          edits.append(ByteEdit(range: range.lowerBound + 2..<range.lowerBound + 2, text: "[x] "))
        }
      }
    }
    return edits
  }

  /// The checklist item for pushing to stage: "Push to stage", else the one item that names stage and
  /// pushing, deploying or updating (not QA on stage); nil when there is none or more than one.
  func stageChecklistItem() -> Note.ChecklistItem? {
    if let item = try? item(matching: "Push to stage") { return item }
    let verbs: Set<Substring> = ["push", "pushed", "deploy", "deployed", "update", "updated"]
    let candidates = parsed.note.sections.flatMap(\.items).filter { item in
      let words = item.text.lowercased().split { !$0.isLetter }
      return words.contains("stage") && !words.contains("qa") && words.contains { verbs.contains($0) }
    }
    return candidates.count == 1 ? candidates.first : nil
  }
}
