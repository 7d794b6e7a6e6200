import Foundation

/// The one entry point of chat: renders events, queues them, and delivers what waits.
///
/// `post` never fails the command it serves: each message is first queued (once per destination
/// and event id, so a re-run queues nothing new), then everything waiting is delivered in order,
/// one session per destination. What cannot be delivered stays queued for the next command or
/// `pushnote say --flush`; the report says so. A delivered id is recorded right after its server
/// confirmed it, and never posted again.
public struct ChatNotifier: Sendable {
  /// The notebook.
  public let notebook: Notebook
  /// Where secrets come from.
  public let environment: [String: String]
  /// How long servers are given.
  public var timeouts: ChatTimeouts
  /// The pace of IRC lines.
  public var flood = FloodControl()
  /// The templates messages are rendered with.
  public var templates: Templates
  /// The queue.
  public var queue: ChatQueue { ChatQueue(root: notebook.root) }

  /// A notifier for a notebook.
  public init(notebook: Notebook, environment: [String: String] = ProcessInfo.processInfo.environment, timeouts: ChatTimeouts = .inline) {
    self.notebook = notebook
    self.environment = environment
    self.timeouts = timeouts
    self.templates = Templates(notebook: notebook, environment: environment)
  }

  /// What a post or a flush did.
  public struct Report: Sendable {
    /// Delivered now.
    public var delivered: [ChatQueue.Entry] = []
    /// Still waiting (this run's and older ones).
    public var queued: [ChatQueue.Entry] = []
    /// Things the user should know (the topic not set, a queued message and why), without secrets.
    public var warnings: [String] = []
    /// Those of the warnings that say a destination could not be reached and what stays queued:
    /// a later delivery in the same command says it again, with the count then.
    public var undelivered: [String] = []
    /// The destinations that failed, by ``ChatDestination/description``, and why.
    public var failedDestinations: [String: ChatError] = [:]
    /// The first failure, for the exit status of `pushnote say`.
    public var failure: ChatError?
  }

  /// The messages waiting in a notebook's queue, oldest first (for `pushnote status`).
  ///
  /// - Throws: ``ChatError/queue(path:message:)`` when the queue file is damaged.
  public static func queued(in notebook: Notebook) throws(ChatError) -> [ChatQueue.Entry] {
    try ChatQueue(root: notebook.root).pending()
  }

  /// Queues the events for every destination that wants them, then delivers what waits, except
  /// to the destinations in `skipping` (which failed a moment ago in this command, with that error).
  public func post(_ events: [ChatEvent], skipping: [String: ChatError] = [:]) async -> Report {
    let destinations = notebook.config.chat.destinations
    guard !destinations.isEmpty else { return Report() }
    var report = Report()
    var fresh: [ChatQueue.Entry] = []
    for event in events {
      let wanted = destinations.filter { !$0.off.contains(event.kind) && (!event.isTopic || $0.setsTopic) }
      guard !wanted.isEmpty else { continue }
      let text: String
      do {
        text = try ChatRenderer(notebook: notebook, templates: templates).render(event)
      } catch {
        report.warnings.append(redact("chat: \(error.description)"))
        continue
      }
      guard !text.isEmpty else { continue }
      fresh += wanted.map { ChatQueue.Entry(destination: $0.description, id: event.id, kind: event.kind, text: text) }
    }
    do {
      try queue.update { (store: inout ChatQueue.Store) throws(ChatError) in
        for entry in fresh where !store.knows(entry.key) { store.queued.append(entry) }
      }
    } catch {
      report.warnings.append(redact("chat: \(error.description)"))
      report.failure = error
      return report
    }
    let flushed = await flush(skipping: skipping)
    report.delivered = flushed.delivered
    report.queued = flushed.queued
    report.warnings += flushed.warnings
    report.undelivered = flushed.undelivered
    report.failedDestinations = flushed.failedDestinations
    report.failure = report.failure ?? flushed.failure
    return report
  }

  /// Delivers every waiting message, in order, one session per destination.
  ///
  /// Another pushnote delivering at the same time is left to it. A destination in `skipping` is
  /// not tried again: its messages stay queued, their attempts as they were, and its error is
  /// reported again.
  public func flush(skipping: [String: ChatError] = [:]) async -> Report {
    var report = Report()
    let lock: SyncLock
    do {
      try queue.createFolder()
      lock = try SyncLock(path: queue.deliveryLockPath, wait: 0)
    } catch {
      report.queued = (try? queue.pending()) ?? []
      return report
    }
    defer { withExtendedLifetime(lock) {} }
    let waiting: [ChatQueue.Entry]
    do {
      waiting = try queue.pending()
    } catch {
      report.failure = error
      report.warnings.append(redact("chat: \(error.description)"))
      return report
    }
    var byDestination: [String: [ChatQueue.Entry]] = [:]
    for entry in waiting { byDestination[entry.destination, default: []].append(entry) }
    for destination in notebook.config.chat.destinations {
      guard let entries = byDestination.removeValue(forKey: destination.description) else { continue }
      let skipped = skipping[destination.description]
      let delivery = if let skipped { Delivery(error: skipped) } else { await deliver(entries, to: destination) }
      report.delivered += delivery.done.map(\.entry)
      for warning in delivery.done.compactMap(\.warning) { report.warnings.append(redact("chat: \(destination): \(warning)")) }
      guard let error = delivery.error else { continue }
      let left = entries.filter { entry in !delivery.done.contains { $0.entry.key == entry.key } }
      report.failure = report.failure ?? error
      let warning = redact(
        "chat: \(error.description); \(left.count) message\(left.count == 1 ? "" : "s") queued for the next command or pushnote say --flush"
      )
      report.warnings.append(warning)
      report.undelivered.append(warning)
      report.failedDestinations[destination.description] = error
      guard skipped == nil else { continue }
      try? queue.update { (store: inout ChatQueue.Store) throws(ChatError) in
        for index in store.queued.indices where left.contains(where: { $0.key == store.queued[index].key }) {
          store.queued[index].attempts += 1
          store.queued[index].lastError = redact(error.description)
        }
      }
    }
    for (destination, entries) in byDestination {
      report.warnings.append("chat: \(entries.count) queued message(s) for \(destination), which pushnote.yml no longer names, are kept")
    }
    report.queued = (try? queue.pending()) ?? []
    return report
  }

  /// What one destination took: the entries delivered (each with a warning or nil), and the
  /// failure that stopped it.
  struct Delivery: Sendable {
    var done: [(entry: ChatQueue.Entry, warning: String?)] = []
    var error: ChatError?
  }

  /// Delivers entries to one destination in order, recording each as delivered as soon as its
  /// server confirmed it.
  private func deliver(_ entries: [ChatQueue.Entry], to destination: ChatDestination) async -> Delivery {
    switch destination.service {
    case .irc(let address):
      // Blocking socket work runs on a thread of its own, never on the cooperative pool.
      return await withCheckedContinuation { continuation in
        Thread.detachNewThread {
          continuation.resume(returning: deliverIRC(entries, to: address))
        }
      }
    case .matrix, .slack:
      var delivery = Delivery()
      do throws(ChatError) {
        try await deliverHTTP(entries, to: destination) { (entry) throws(ChatError) in
          try record(entry)
          delivery.done.append((entry, nil))
        }
      } catch {
        delivery.error = error
      }
      return delivery
    }
  }

  private func deliverIRC(_ entries: [ChatQueue.Entry], to address: IRCAddress) -> Delivery {
    var delivery = Delivery()
    let password = environment[ChatConfig.Secret.ircPassword].flatMap { $0.isEmpty ? nil : $0 }
    do throws(ChatError) {
      let client = try IRCClient(address: address, password: password, timeouts: timeouts, flood: flood)
      defer { client.quit() }
      for entry in entries {
        var warning: String?
        if entry.kind == .topic { warning = try client.setTopic(entry.text) } else { try client.post(entry.text) }
        try record(entry)
        delivery.done.append((entry, warning))
      }
    } catch {
      delivery.error = error
    }
    return delivery
  }

  private func deliverHTTP(
    _ entries: [ChatQueue.Entry], to destination: ChatDestination, delivered: (ChatQueue.Entry) throws(ChatError) -> Void
  ) async throws(ChatError) {
    switch destination.service {
    case .irc: return
    case .matrix(let homeserver, let room):
      guard let token = environment[ChatConfig.Secret.matrixToken], !token.isEmpty else {
        throw .missingSecret(destination: destination.description, variable: ChatConfig.Secret.matrixToken)
      }
      let client = MatrixClient(homeserver: homeserver, room: room, token: token, transport: HTTPTransport(timeout: timeouts.read))
      let roomID = try await client.roomID()
      for entry in entries {
        if entry.kind == .topic {
          try await client.setTopic(entry.text, roomID: roomID)
        } else {
          try await client.send(entry.text, transaction: "pushnote-" + SyncStore.checksum(entry.key), roomID: roomID)
        }
        try delivered(entry)
      }
    case .slack:
      guard let text = environment[ChatConfig.Secret.slackWebhook], !text.isEmpty else {
        throw .missingSecret(destination: destination.description, variable: ChatConfig.Secret.slackWebhook)
      }
      guard let url = URL(string: text), let host = url.host,
        url.scheme == "https" || (url.scheme == "http" && ServerURL.isLoopback(host))
      else {
        throw .refused(destination: destination.description, reason: "\(ChatConfig.Secret.slackWebhook) is not an https:// URL")
      }
      let webhook = SlackWebhook(url: url, transport: HTTPTransport(timeout: timeouts.read))
      for entry in entries where entry.kind != .topic {
        try await webhook.post(entry.text)
        try delivered(entry)
      }
    }
  }

  /// Moves an entry from the queue to the delivered ids.
  private func record(_ entry: ChatQueue.Entry) throws(ChatError) {
    try queue.update { (store: inout ChatQueue.Store) throws(ChatError) in
      store.queued.removeAll { $0.key == entry.key }
      store.sent[entry.key] = Date()
    }
  }

  /// Text with every secret of the environment replaced by `***`.
  public func redact(_ text: String) -> String {
    var result = text
    for name in ChatConfig.Secret.all {
      if let secret = environment[name], secret.count >= 4 { result = result.replacingOccurrences(of: secret, with: "***") }
    }
    return result
  }
}
