import Foundation
import Mustache

/// The push-duty calendar: for each duty week the tag, the push and the announcement reminder, as
/// RFC 5545 iCalendar text in the team's time zone.
///
/// UIDs depend only on the product, the pad id and the event's kind, so a re-exported calendar
/// updates its subscribers' events (after a swap, say) instead of adding new ones.
public struct DutyCalendar: Sendable {
  /// The notebook whose schedule, names and time zone the events use.
  public let notebook: Notebook
  /// The rotation that names each week's release manager.
  public let rotation: Rotation
  /// The DTSTAMP of every event: when the calendar was made.
  public let stamp: Date
  /// How long before the tag and the push their alarm rings, in minutes.
  public static let alarmMinutes = 15
  /// How long the tag and the announcement reminder last, in minutes.
  public static let shortEventMinutes = 30

  /// The kinds of event in a duty week.
  public enum Kind: String, Sendable, CaseIterable {
    /// Tagging the repositories, on the tag day before the push.
    case tag
    /// The push itself.
    case push
    /// Mailing the announcement and handing over, when the push ends.
    case announcement
  }

  /// One event of a duty week.
  public struct Event: Sendable, Equatable {
    /// What it is.
    public var kind: Kind
    /// The push date of its week.
    public var pushDate: PushDate
    /// The stable UID.
    public var uid: String
    /// When it starts.
    public var start: Date
    /// How long it lasts, in minutes.
    public var minutes: Int
    /// The title, naming the release manager.
    public var summary: String
    /// The note's path or URL and what to run.
    public var description: String
    /// Minutes before the start an alarm rings; nil for none.
    public var alarmMinutes: Int?
  }

  /// A calendar for a notebook; `stamp` is the DTSTAMP (now by default).
  public init(notebook: Notebook, stamp: Date = Date()) {
    self.notebook = notebook
    self.rotation = Rotation(config: notebook.config)
    self.stamp = stamp
  }

  /// The turns of `weeks` push dates from `start`, only those of `person` when given.
  ///
  /// - Throws: ``DutyError/unknownPerson(_:known:)`` when `person` is in neither the rotation nor a swap.
  public func turns(from start: PushDate, weeks: Int, person: String?) throws(DutyError) -> [Rotation.Turn] {
    let turns = rotation.schedule(from: start, weeks: weeks).filter { $0.person != nil }
    guard let person else { return turns }
    let known = rotation.people + rotation.swaps.values.filter { !rotation.people.contains($0) }.sorted()
    guard known.contains(person) else { throw .unknownPerson(person, known: known) }
    return turns.filter { $0.person == person }
  }

  /// The events of one duty week; none for a skipped date.
  public func events(for turn: Rotation.Turn) -> [Event] {
    guard turn.reason != .skip else { return [] }
    let config = notebook.config
    let date = turn.date
    let person = turn.person ?? "(no release manager)"
    let pushStart = date.instant(at: config.push.time, in: config.timeZone)
    let tagDate = notebook.tagDate(for: date)
    let next = rotation.schedule(from: date.adding(days: 1), weeks: 52).first { $0.person != nil }?.person
    let location = noteLines(for: date)
    func event(_ kind: Kind, _ start: Date, _ minutes: Int, _ summary: String, _ todo: String, alarm: Int?) -> Event {
      Event(
        kind: kind, pushDate: date, uid: uid(kind, date), start: start, minutes: minutes,
        summary: "\(config.product) \(summary)", description: (location + [todo]).joined(separator: "\n"), alarmMinutes: alarm)
    }
    let handOver = next.map { " and hand over to \($0) (pushnote mail --handover)" } ?? ""
    return [
      event(
        .tag, tagDate.instant(at: config.tag.time, in: config.timeZone), Self.shortEventMinutes,
        "tag \(notebook.tag(for: date)): \(person) (release manager)", "Run: pushnote tag, then pushnote stage.",
        alarm: Self.alarmMinutes),
      event(
        .push, pushStart, config.pushDurationMinutes, "push \(date): \(person) (release manager)",
        "Run: pushnote sync --watch; sign-offs with pushnote sign.", alarm: Self.alarmMinutes),
      event(
        .announcement, pushStart.addingTimeInterval(Double(config.pushDurationMinutes) * 60), Self.shortEventMinutes,
        "push \(date): \(person) mails the announcement",
        "Run: pushnote mail --send" + handOver + ".", alarm: nil),
    ]
  }

  /// The calendar of the given turns as iCalendar text (CRLF, folded).
  public func ics(for turns: [Rotation.Turn]) -> String {
    ics(events: turns.flatMap(events(for:)))
  }

  /// The calendar of one duty week, to attach to the hand-over mail as `text/calendar`.
  ///
  /// - Throws: ``DutyError/notPushDay(_:pushWeekday:)``, ``DutyError/noRotation(configPath:)``.
  public static func icsForWeek(_ date: PushDate, notebook: Notebook, stamp: Date = Date()) throws(DutyError) -> String {
    let calendar = DutyCalendar(notebook: notebook, stamp: stamp)
    return calendar.ics(for: [try calendar.rotation.turn(for: date)])
  }

  /// Events as a VCALENDAR with the VTIMEZONE they need.
  public func ics(events: [Event]) -> String {
    let config = notebook.config
    let zone = config.timeZone
    var lines = [
      "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//pushnote//push duty//EN", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
      "X-WR-CALNAME:" + ICalendarText.escape("\(config.product) push duty"), "X-WR-TIMEZONE:" + zone.identifier,
    ]
    if let first = events.map(\.start).min(), let last = events.map({ $0.start.addingTimeInterval(Double($0.minutes) * 60) }).max() {
      lines += VTimeZone(zone: zone, covering: first...last).lines
    }
    let stampText = ICalendarText.utcDateTime(stamp)
    for event in events {
      let local = ICalendarText.localDateTime(event.start, offsetSeconds: zone.secondsFromGMT(for: event.start))
      lines += [
        "BEGIN:VEVENT", "UID:" + event.uid, "DTSTAMP:" + stampText, "DTSTART;TZID=\(zone.identifier):" + local,
        "DURATION:" + ICalendarText.duration(minutes: event.minutes), "SUMMARY:" + ICalendarText.escape(event.summary),
        "DESCRIPTION:" + ICalendarText.escape(event.description), "TRANSP:OPAQUE",
      ]
      if let alarm = event.alarmMinutes {
        lines += [
          "BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:" + ICalendarText.duration(minutes: -alarm),
          "DESCRIPTION:" + ICalendarText.escape(event.summary), "END:VALARM",
        ]
      }
      lines.append("END:VEVENT")
    }
    lines.append("END:VCALENDAR")
    return ICalendarText.join(lines)
  }

  private func uid(_ kind: Kind, _ date: PushDate) -> String {
    let product = notebook.config.product.lowercased().unicodeScalars.map {
      CharacterSet.alphanumerics.contains($0) && $0.isASCII ? String($0) : "-"
    }
    return "\(notebook.padID(for: date))-\(kind.rawValue)@\(product.joined()).pushnote"
  }

  /// Where the week's note is: its URL when `mail.note_url` gives one, else its path in the notebook;
  /// and the pad's address when the notebook has a pad server.
  private func noteLines(for date: PushDate) -> [String] {
    let config = notebook.config
    let path = notebook.relativePath(notebook.notePath(for: date))
    var lines = ["Note: " + (renderNoteURL(path: path, date: date) ?? path)]
    if let server = config.pad.url?.trimmingCharacters(in: CharacterSet(charactersIn: "/")) {
      lines.append("Pad: \(server)/p/\(notebook.padID(for: date))")
    }
    return lines
  }

  private func renderNoteURL(path: String, date: PushDate) -> String? {
    guard let pattern = notebook.config.mail.noteURL,
      let template = try? MustacheTemplate(string: "{{% CONTENT_TYPE: TEXT}}" + pattern)
    else { return nil }
    return template.render(["path": path, "date": date.iso, "pad": notebook.padID(for: date)])
  }
}
