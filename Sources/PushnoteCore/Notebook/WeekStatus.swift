import Foundation

/// This week at a glance, as `pushnote status` shows it: where the note is, how far it got, and
/// the one command to run next.
public struct WeekStatus: Sendable, JSONObject {
  /// The push date of this week.
  public var date: PushDate
  /// The note, relative to the notebook; nil before `pushnote new`.
  public var file: String?
  /// The checklist items done and counted, over the whole note.
  public var done = 0
  /// All checklist items that count (not `na`).
  public var total = 0
  /// The texts of the open checklist items, in note order.
  public var openItems: [String] = []
  /// The week's tag: the newest end of its compare links (`2026.12.01-1` after a repeat push), else the note's tag.
  public var tag: String?
  /// How many pushes the week had.
  public var pushes = 0
  /// The sign-off roles (`qa`, `ops`, `rm`) that are ticked.
  public var signedOff: [String] = []
  /// Whether the timeline has a start.
  public var started = false
  /// Whether the timeline has an end.
  public var ended = false
  /// The announcement's `Mail sent:` record in the note's header, nil while not sent.
  public var mailSent: String?
  /// The hand-over's record, nil while not sent.
  public var handoverSent: String?
  /// The command to run next; nil when the week is done.
  public var nextStep: String?
  /// Where the note and its pad stand; nil until ``readPadAndChat(notebook:environment:)``.
  public var pad: PadStatus?
  /// The chat messages waiting for their server, oldest first.
  public var chatQueue: [WaitingMessage] = []
  /// Why the chat queue could not be read (a damaged file); nil when it was.
  public var chatQueueError: String?
  /// The note's path.
  var notePath: String?

  /// A chat message in the queue, as the status shows it.
  public struct WaitingMessage: Sendable, JSONObject, Equatable {
    /// The event (`tag`, `push`, …).
    public var event: ChatEventKind
    /// Where it goes (``ChatDestination/description``, never a secret).
    public var destination: String
    /// The message's first line.
    public var text: String
    /// When it was queued, ISO 8601.
    public var queuedAt: String
    /// How many deliveries failed.
    public var attempts: Int
    /// Why the last one failed.
    public var lastError: String?

    /// The view of a queue entry.
    public init(_ entry: ChatQueue.Entry) {
      event = entry.kind
      destination = entry.destination
      text = String(entry.text.prefix { $0 != "\n" })
      queuedAt = ISO8601DateFormatter().string(from: entry.queuedAt)
      attempts = entry.attempts
      lastError = entry.lastError
    }

    /// Every key, unknown values as `null`.
    public func writeFields(to fields: inout JSONFields) {
      fields.field("attempts", attempts)
      fields.field("destination", destination)
      fields.field("event", event.rawValue)
      fields.field("last_error", lastError)
      fields.field("queued_at", queuedAt)
      fields.field("text", text)
    }
  }

  /// Every key, unknown values as `null`.
  public func writeFields(to fields: inout JSONFields) {
    fields.field("chat_queue", chatQueue)
    fields.field("chat_queue_error", chatQueueError)
    fields.field("date", date.iso)
    fields.field("done", done)
    fields.field("ended", ended)
    fields.field("file", file)
    fields.field("handover_sent", handoverSent)
    fields.field("mail_sent", mailSent)
    fields.field("next_step", nextStep)
    fields.field("open_items", openItems)
    fields.field("pad", pad)
    fields.field("pushes", pushes)
    fields.field("signed_off", signedOff)
    fields.field("started", started)
    fields.field("tag", tag)
    fields.field("total", total)
  }

  /// Adds the pad's state (at most one request to the pad, bounded; see ``PadStatus``) and the
  /// chat queue.
  public mutating func readPadAndChat(notebook: Notebook, environment: [String: String]) async {
    do {
      chatQueue = try ChatNotifier.queued(in: notebook).map(WaitingMessage.init)
    } catch {
      chatQueueError = error.description
    }
    let connection: PadConnection?
    do {
      connection = try PadConnection(notebook: notebook, environment: environment)
    } catch {
      pad = PadStatus(state: .failed, message: error.description)
      return
    }
    guard let notePath else {
      pad = PadStatus(state: connection == nil ? .notConfigured : .notSynced, padID: notebook.padID(for: date))
      return
    }
    pad = await PadStatus.read(notebook: notebook, notePath: notePath, connection: connection, environment: environment)
  }

  /// The status of the week `now` falls in.
  ///
  /// - Throws: what reading the note throws (``NotebookError``, ``MarkdownError``).
  public static func read(notebook: Notebook, now: Date = Date()) throws -> WeekStatus {
    let date = notebook.comingPushDate(now: now)
    var status = WeekStatus(date: date)
    guard let path = try? notebook.resolveNote(nil, now: now) else {
      status.nextStep = "pushnote new"
      return status
    }
    let note = try ParsedNote.read(path: path, config: notebook.config).note
    status.file = notebook.relativePath(path)
    status.notePath = path
    for section in note.sections {
      status.done += section.progress.done
      status.total += section.progress.total
      status.openItems += section.items.filter { $0.state == .open }.map(\.text)
    }
    status.tag = note.compare.map(\.to).max() ?? note.tag
    status.pushes = note.pushes
    status.signedOff = ["qa", "ops", "rm"].filter { role in note.signoffs.contains { $0.role == role && $0.done } }
    status.started = note.timeline.contains { $0.mark == .start }
    status.ended = note.timeline.contains { $0.mark == .end }
    status.mailSent = MailRecord.recorded(.announcement, in: note)?.value
    status.handoverSent = MailRecord.recorded(.handover, in: note)?.value
    status.nextStep = nextStep(status, note: note, notebook: notebook)
    return status
  }

  /// The one command that moves the week on.
  static func nextStep(_ status: WeekStatus, note: Note, notebook: Notebook) -> String? {
    if note.compare.isEmpty && !notebook.config.repositories.isEmpty { return "pushnote tag" }
    if !status.started { return "pushnote time start" }
    // The gate names its missing steps with their commands: "... (pushnote sign qa)".
    if let missing = MailGate.missing(in: note).first, let open = missing.range(of: "(pushnote ", options: .backwards) {
      return String(missing[missing.index(after: open.lowerBound)...].dropLast())
    }
    if status.mailSent == nil { return "pushnote mail --send" }
    if status.handoverSent == nil { return "pushnote mail --handover --send" }
    return nil
  }
}
