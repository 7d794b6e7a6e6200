import ArgumentParser
import Foundation
import PushnoteCore

extension Pushnote {
  /// `pushnote say TEXT [--flush] [--id ID]`.
  struct Say: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "say",
      abstract: "Post to the team's channel (and send what was queued offline).",
      discussion: """
        Posts TEXT to every destination of chat: in pushnote.yml (IRC, Matrix, Slack), then sends what earlier \
        commands queued while the server was down. --flush only sends the queue. Secrets come from \
        PUSHNOTE_IRC_PASSWORD, PUSHNOTE_MATRIX_TOKEN and PUSHNOTE_SLACK_WEBHOOK. Exit 75 when something stays \
        queued, 77 when a server rejects the credentials, 78 without destinations. See docs/chat.md.
        """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The message (its words are joined with blanks).", valueName: "TEXT"))
    var text: [String] = []

    @Flag(help: "Send what is queued (with TEXT: after posting it).")
    var flush = false

    @Option(help: ArgumentHelp("An id for the message: posting the same id again posts nothing (for scripts that retry).", valueName: "ID"))
    var id: String?

    func validate() throws {
      if text.isEmpty, !flush { throw ValidationError("give TEXT to post, or --flush to send the queue") }
    }

    func run() async throws {
      try await reportingErrors {
        let notebook = try global.openNotebook()
        guard !notebook.config.chat.destinations.isEmpty else {
          throw ChatError.noDestination(
            path: notebook.relativePath((notebook.root as NSString).appendingPathComponent(Notebook.configFileName)))
        }
        let notifier = ChatNotifier(notebook: notebook, timeouts: .patient)
        let events = text.isEmpty ? [] : [ChatEvent.say(text.joined(separator: " "), id: id)]
        let report = events.isEmpty ? await notifier.flush() : await notifier.post(events)
        ChatHook.show(report)
        for entry in report.delivered {
          Terminal.standardOutput.write("posted to \(entry.destination): \(entry.text.prefix { $0 != "\n" })\n")
        }
        if report.delivered.isEmpty, report.queued.isEmpty, report.failure == nil {
          Terminal.standardOutput.write("nothing to send\n")
        }
        if let failure = report.failure, case .credentials = failure { throw failure }
        if !report.queued.isEmpty {
          throw ChatError.queued(
            count: report.queued.count, reason: report.failure.map { notifier.redact($0.description) } ?? "another pushnote is sending")
        }
        if let failure = report.failure { throw failure }
      }
    }
  }
}
