import Foundation

/// The kinds of event pushnote tells the channel about; `off:` in a destination names them.
public enum ChatEventKind: String, CaseIterable, Sendable, Codable {
  /// `pushnote tag --announce-in`: "tagging in 10 minutes".
  case reminder
  /// Tags made, with their compare links.
  case tag
  /// A stage job deployed or failed.
  case stage
  /// `pushnote time start` and `pushnote time end`.
  case push
  /// A cherry-pick and its repeat push.
  case cherryPick = "cherry_pick"
  /// The channel topic for the new week.
  case topic
  /// The reminder to next week's release manager.
  case handover
  /// `pushnote say TEXT`.
  case say
}

/// One thing to tell the channel: which template renders it, with what, under which id.
///
/// The id is what makes delivery exactly once: a destination that was sent (or queued) an id is
/// never sent it again, so a re-run or a retry of the command posts nothing new.
public struct ChatEvent: Sendable, Equatable {
  /// The kind, which `off:` can turn off.
  public var kind: ChatEventKind
  /// Stable for the same happening: `tag:2026.12.01:acme/api`, `push-end:2026-12-01`.
  public var id: String
  /// The template under `templates/chat/`, such as `tag.txt`.
  public var template: String
  /// Text values for the template, besides the note's.
  public var fields: [String: String]
  /// Lists for the template (`{{#links}}…{{/links}}`), each element text values.
  public var lists: [String: [[String: String]]] = [:]
  /// The note the event is about, whose fields the template also sees; nil for none.
  public var notePath: String?
  /// Whether the message sets the channel topic instead of being posted.
  public var isTopic: Bool { kind == .topic }

  /// An event.
  public init(
    kind: ChatEventKind, id: String, template: String, fields: [String: String], lists: [String: [[String: String]]] = [:],
    notePath: String? = nil
  ) {
    self.kind = kind
    self.id = id
    self.template = template
    self.fields = fields
    self.lists = lists
    self.notePath = notePath
  }
}

extension ChatEvent {
  /// "tagging 2026.12.01 in 10 minutes": before `pushnote tag --announce-in 10m` waits.
  public static func reminder(tag: String, minutes: Int, notePath: String?) -> ChatEvent {
    ChatEvent(
      kind: .reminder, id: "reminder:\(tag)", template: "reminder.txt",
      fields: ["tag": tag, "minutes": String(minutes), "in": minutes == 1 ? "1 minute" : "\(minutes) minutes"], notePath: notePath)
  }

  /// The tags `pushnote tag` created or moved, with compare links; nil when it made none (a dry
  /// run, a re-run that skipped everything).
  public static func tagged(_ report: Release.TagReport, config: NotebookConfig) -> ChatEvent? {
    guard !report.dryRun else { return nil }
    let made = report.repositories.filter { $0.action == .created || $0.action == .moved }
    guard !made.isEmpty else { return nil }
    let links = made.map { outcome -> [String: String] in
      var link = ["repository": outcome.repository, "tag": outcome.tag, "commits": outcome.changes.map { String($0.commits.count) } ?? ""]
      if let previous = outcome.previousTag, let web = config.repositories.first(where: { $0.name == outcome.repository })?.webURL {
        link["compare"] = CompareURL.make(web: web, from: previous, to: outcome.tag)
      }
      return link
    }
    let failed = report.repositories.filter { $0.action == .failed }.map(\.repository)
    var fields = ["tag": report.tag, "count": String(made.count)]
    fields["failed"] = failed.isEmpty ? nil : failed.joined(separator: ", ")
    fields["plural"] = made.count > 1 ? "true" : nil
    return ChatEvent(
      kind: .tag, id: "tag:\(report.tag):" + made.map { "\($0.repository)@\($0.commit ?? "")" }.joined(separator: ","),
      template: "tag.txt", fields: fields, lists: ["repositories": links], notePath: report.note)
  }

  /// One event per stage job that deployed or failed in this run (skipped jobs say nothing).
  public static func staged(_ report: StageReport, notePath: String) -> [ChatEvent] {
    guard !report.dryRun else { return [] }
    return report.jobs.enumerated().compactMap { staged($1, position: $0 + 1, of: report.jobs.count, notePath: notePath) }
  }

  /// A stage job that deployed or failed, as `pushnote stage` posts it when the job finishes.
  ///
  /// `position` counts from 1 among `total` jobs; nil for a job that did not run.
  public static func staged(_ job: StageReport.Job, position: Int?, of total: Int, notePath: String) -> ChatEvent? {
    guard job.status == .deployed || job.status == .failed else { return nil }
    var fields = ["job": job.name, "repository": job.repository, "tag": job.tag, "result": job.result?.rawValue ?? job.status.rawValue]
    if job.status == .failed { fields["failed"] = "true" }
    fields["duration"] = job.durationSeconds.map { StageRecord.duration($0) }
    fields["build_url"] = job.buildURL
    fields["last_line"] = job.consoleTail?.last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    fields["position"] = position.map { "\($0) of \(total)" }
    return ChatEvent(
      kind: .stage, id: "stage:\(job.name):\(job.tag):\(job.status.rawValue):\(job.buildURL ?? "")", template: "stage.txt",
      fields: fields, notePath: notePath)
  }

  /// "push started" or "push finished in 1h 05m" for `pushnote time start|end`; nil for other
  /// timeline entries.
  public static func timeline(_ event: String, note: Note, notePath: String, zone: TimeZone) -> ChatEvent? {
    let mark = event.trimmingCharacters(in: .whitespaces).lowercased()
    guard mark == "start" || mark == "end", let date = note.date else { return nil }
    var fields = ["event": mark]
    let entry = note.timeline.last { $0.mark.rawValue == mark }
    if let at = entry?.at, let instant = ISO8601DateFormatter().date(from: at) {
      let format = DateFormatter()
      format.dateFormat = "HH:mm zzz"
      format.timeZone = zone
      format.locale = Locale(identifier: "en_US_POSIX")
      fields["at"] = format.string(from: instant)
    }
    if mark == "end" {
      fields["finished"] = "true"
      fields["duration"] = note.durationSeconds.map(PushDuration.text(seconds:))
    } else {
      fields["started"] = "true"
    }
    let push = note.pushes > 1 ? "-\(note.pushes)" : ""
    return ChatEvent(
      kind: .push, id: "push-\(mark):\(date.iso)\(push):\(entry?.at ?? "")", template: "push.txt", fields: fields, notePath: notePath)
  }

  /// A repeat push: the commits picked onto the tag; nil for a dry run.
  public static func cherryPicked(_ report: Release.CherryPickReport, config: NotebookConfig) -> ChatEvent? {
    let outcome = report.outcome
    guard !report.dryRun, outcome.pushed else { return nil }
    var fields = ["repository": outcome.repository, "tag": outcome.tag, "base_tag": outcome.baseTag, "count": String(outcome.picked.count)]
    if let web = config.repositories.first(where: { $0.name == outcome.repository })?.webURL {
      fields["compare"] = CompareURL.make(web: web, from: outcome.baseTag, to: outcome.tag)
    }
    let commits = outcome.picked.map { ["sha": String($0.sha.prefix(12)), "subject": $0.subject, "author": $0.author] }
    return ChatEvent(
      kind: .cherryPick, id: "cherry-pick:\(outcome.repository):\(outcome.tag)", template: "cherry-pick.txt", fields: fields,
      lists: ["commits": commits], notePath: report.note)
  }

  /// The topic for a new week's note and the hand-over to its release manager (by nick); none
  /// when the note is not for a coming week.
  public static func newWeek(notePath: String, date: PushDate, notebook: Notebook, now: Date = Date()) -> [ChatEvent] {
    guard date >= PushDate(now, in: notebook.config.timeZone) else { return [] }
    let fields = weekFields(notePath: notePath, date: date, notebook: notebook)
    let topic = ChatEvent(kind: .topic, id: "topic:\(date.iso)", template: "topic.txt", fields: fields, notePath: notePath)
    return [topic] + [handover(date: date, notebook: notebook)].compactMap { $0 }
  }

  /// The hand-over after `pushnote mail --handover --send`, for the push after `note`'s.
  ///
  /// Nil when the rotation names nobody for it. Its id is the one `new` gives, so it is posted once.
  public static func handover(after note: Note, notebook: Notebook) -> ChatEvent? {
    guard let date = note.date else { return nil }
    return handover(date: notebook.pushDate(onOrAfter: date.adding(days: 1)), notebook: notebook)
  }

  private static func handover(date: PushDate, notebook: Notebook) -> ChatEvent? {
    guard let nick = Rotation(config: notebook.config).releaseManager(for: date) else { return nil }
    var fields = weekFields(notePath: notebook.notePath(for: date), date: date, notebook: notebook)
    fields["nick"] = nick
    return ChatEvent(kind: .handover, id: "handover:\(date.iso)", template: "handover.txt", fields: fields)
  }

  /// The values of a week's topic and hand-over: its date, pad and note file.
  private static func weekFields(notePath: String, date: PushDate, notebook: Notebook) -> [String: String] {
    var fields = ["date": date.iso, "pad_id": notebook.padID(for: date), "note_file": notebook.relativePath(notePath)]
    if let url = notebook.config.pad.url {
      fields["pad_url"] = url.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/p/" + notebook.padID(for: date)
    }
    return fields
  }

  /// `pushnote say TEXT`: posted as written; `id` names it for retries (a fresh one when nil).
  public static func say(_ text: String, id: String? = nil) -> ChatEvent {
    ChatEvent(kind: .say, id: "say:" + (id ?? UUID().uuidString.lowercased()), template: "say.txt", fields: ["text": text])
  }
}

extension ChatEvent {
  /// Seconds of a delay written `10m`, `90s`, `1h` or a bare number of minutes.
  ///
  /// - Throws: ``ChatError/invalidDelay(_:)``.
  public static func delaySeconds(_ text: String) throws(ChatError) -> Int {
    let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
    let units: [(String, Int)] = [("min", 60), ("h", 3600), ("m", 60), ("s", 1)]
    let unit = units.first { trimmed.hasSuffix($0.0) } ?? ("", 60)
    guard let number = Int(trimmed.dropLast(unit.0.count)), number >= 0, number <= 24 * 60 else { throw .invalidDelay(text) }
    return number * unit.1
  }

  /// The reminder before tagging the note at `notePath`: its tag, or the one its date gives.
  public static func reminder(notePath: String, seconds: Int, notebook: Notebook) -> ChatEvent? {
    let note = try? ParsedNote.read(path: notePath, config: notebook.config).note
    guard let tag = note?.tag ?? (note?.date ?? Notebook.date(fromPath: notePath)).map({ notebook.tag(for: $0).name }) else { return nil }
    return reminder(tag: tag, minutes: (seconds + 59) / 60, notePath: notePath)
  }
}
