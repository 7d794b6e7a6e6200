import Foundation

/// Which message to write.
public enum MailKind: String, Sendable, CaseIterable {
  /// The post-push announcement to the list (`templates/mail.txt`).
  case announcement
  /// The reminder to next week's release manager (`templates/handover.txt`).
  case handover

  /// The template's file name.
  public var templateName: String { self == .announcement ? "mail.txt" : "handover.txt" }

  /// The header field the note records a sent message in.
  public var sentField: String { self == .announcement ? "Mail sent" : "Hand-over sent" }

  /// That field's key in ``Note/HeaderField/key``.
  public var headerKey: String { self == .announcement ? "mail" : "handover" }

  /// The checklist item a send ticks (the template's "After the push" items), matched as
  /// ``NoteEditor/item(matching:)`` does.
  public var checklistItem: String { self == .announcement ? "Send the announcement mail" : "Hand over" }
}

/// Writes the announcement or the hand-over for a note: the model, the templates, the gate and
/// the headers.
public struct MailComposer: Sendable {
  /// The notebook the note belongs to.
  public var notebook: Notebook
  /// Where `mail.txt` and `handover.txt` are found: the notebook's `templates/` first.
  public var templates: Templates

  /// The default subject pattern of the announcement.
  public static let defaultSubject = "{{product}} push {{date}}: {{summary}}"
  /// The subject pattern of the hand-over.
  public static let handoverSubject = "{{product}} push {{next.date}}: over to you, {{next.release_manager_name}}"

  /// A composer for `notebook`, with the notebook's templates and then the defaults (``Templates``).
  public init(notebook: Notebook, templates: Templates? = nil) {
    self.notebook = notebook
    self.templates = templates ?? Templates(notebook: notebook)
  }

  /// What to write and how.
  public struct Options: Sendable {
    /// Announcement or hand-over.
    public var kind: MailKind
    /// Render the announcement although the gate is not met, with a warning line on top.
    public var force: Bool
    /// The message's date.
    public var now: Date
    /// The sender when `mail.from` is not set (git's user).
    public var fallbackFrom: MailAddress?
    /// An iCalendar event for the hand-over; attached as `text/calendar` when given.
    public var calendarEvent: String?
    /// Attach next week's duty calendar (``DutyCalendar/icsForWeek(_:notebook:stamp:)``) to the
    /// hand-over when no `calendarEvent` is given.
    public var attachDutyCalendar: Bool

    /// Options for a kind of message.
    public init(
      kind: MailKind, force: Bool = false, now: Date = Date(), fallbackFrom: MailAddress? = nil, calendarEvent: String? = nil,
      attachDutyCalendar: Bool = false
    ) {
      self.kind = kind
      self.force = force
      self.now = now
      self.fallbackFrom = fallbackFrom
      self.calendarEvent = calendarEvent
      self.attachDutyCalendar = attachDutyCalendar
    }
  }

  /// A written message and what it was made from.
  public struct Composed: Sendable {
    /// The message.
    public var message: MailMessage
    /// The values the template saw.
    public var model: MailModel
    /// What the gate found missing (rendered anyway with `--force`); empty when it was met.
    public var gateMissing: [String]
  }

  /// Writes the message for `note`.
  ///
  /// - Parameters:
  ///   - note: the parsed note.
  ///   - document: its Markdown, for the items of its sections; nil to use the note's checklists.
  ///   - options: the kind of message, `--force`, the date.
  /// - Throws: ``MailError/gateNotMet(missing:)`` (the announcement, without `force`), address,
  ///   recipient and template errors.
  public func compose(note: Note, document: MarkdownDocument?, options: Options) throws(MailError) -> Composed {
    let config = notebook.config
    let date = note.date ?? note.file.flatMap(Notebook.date(fromPath:)) ?? notebook.comingPushDate(now: options.now)
    let missing = options.kind == .announcement ? MailGate.missing(in: note) : []
    if !missing.isEmpty, !options.force { throw .gateNotMet(missing: missing) }
    let model = try MailModel(note: note, document: document, notebook: notebook, date: date)
    let context = model.templateContext

    let from: MailAddress
    if let configured = config.mail.from {
      from = try MailAddress(parsing: configured, field: "mail.from")
    } else if let fallback = options.fallbackFrom {
      from = fallback
    } else {
      throw .invalidAddress(field: "mail.from", value: "", reason: "set mail.from in pushnote.yml or git's user.name and user.email")
    }
    let replyTo = try config.mail.replyTo.map { (text) throws(MailError) in try MailAddress(parsing: text, field: "mail.reply_to") }
    let to: [MailAddress]
    var cc: [MailAddress] = []
    let subjectPattern: String
    switch options.kind {
    case .announcement:
      to = try config.mail.to.map { (text) throws(MailError) in try MailAddress(parsing: text, field: "mail.to") }
      cc = try config.mail.cc.map { (text) throws(MailError) in try MailAddress(parsing: text, field: "mail.cc") }
      // An empty mail.to still renders (a preview); sending it is refused (MailDelivery).
      subjectPattern = config.mail.subject ?? MailComposer.defaultSubject
    case .handover:
      guard let handle = model.next.releaseManager else { throw .noRotation }
      guard let email = model.next.email else { throw .noRecipients("people.\(handle).email is not set in pushnote.yml") }
      to = [try MailAddress(name: model.next.releaseManagerName, address: email, field: "people.\(handle).email")]
      subjectPattern = MailComposer.handoverSubject
    }

    let subject = try MailTemplate(text: subjectPattern, path: "pushnote.yml (mail.subject)").render(context)
    var body = try MailTemplate.load(options.kind.templateName, from: templates).render(context)
    if !missing.isEmpty {
      body = "WARNING: rendered with --force before the gate was met: " + missing.joined(separator: "; ") + "\n\n" + body
    }
    var attachment: MailMessage.Attachment?
    if options.kind == .handover, let event = try calendarEvent(for: model.next.date, options: options) {
      attachment = MailMessage.Attachment(
        contentType: "text/calendar; method=PUBLISH", fileName: "push-duty-\(model.next.date.iso).ics", text: event)
    }
    let message = MailMessage(
      from: from, to: to, cc: cc, replyTo: replyTo, subject: subject, date: options.now, timeZone: config.timeZone,
      messageID: MailComposer.messageID(kind: options.kind, pad: notebook.padID(for: date), model: model, from: from), body: body,
      attachment: attachment)
    return Composed(message: message, model: model, gateMissing: missing)
  }

  /// The hand-over's iCalendar event: the one given, else next week's duty calendar when asked for.
  private func calendarEvent(for date: PushDate, options: Options) throws(MailError) -> String? {
    if let event = options.calendarEvent { return event }
    guard options.attachDutyCalendar else { return nil }
    do {
      return try DutyCalendar.icsForWeek(date, notebook: notebook, stamp: options.now)
    } catch {
      throw .calendar(error.description)
    }
  }

  /// A Message-ID that depends only on the kind, the date's pad id, the product and the sender's
  /// domain, so every render of the same week's message carries the same one.
  static func messageID(kind: MailKind, pad: String, model: MailModel, from: MailAddress) -> String {
    func atoms(_ text: String) -> String {
      String(
        text.lowercased().unicodeScalars.map {
          $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-") ? Character($0) : "-"
        })
    }
    return "\(kind.rawValue).\(atoms(pad).prefix(40)).\(atoms(model.product).prefix(24)).pushnote@\(from.domain)"
  }
}
