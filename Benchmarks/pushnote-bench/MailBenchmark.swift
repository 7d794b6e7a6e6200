import ArgumentParser
import Foundation
import PushnoteCore
import PushnoteTestSupport

/// `pushnote-bench mail`: composing and rendering the announcement of a large note (model, template,
/// headers, quoted-printable) against Python's `email` package building the same message from the
/// same headers and body text, both timed in the same run on the same machine.
struct MailBenchmark: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "mail", abstract: "Time rendering the announcement; compare with Python's email package building the same message.")

  @Option(name: .long, help: "Messages rendered per run.")
  var messages = 500

  @Option(name: .long, help: "Runs of each measurement; the median is reported.")
  var runs = 5

  func run() async throws {
    let folder = try TemporaryDirectory(prefix: "pushnote-bench-mail")
    var config = NotebookConfig()
    config.mail.from = "Jürgen Groß, release manager <rm@example.org>"
    config.mail.to = ["dev-marketplace@lists.example.org"]
    config.rotation = ["ddurst", "cvan", "andym"]
    let notebook = Notebook(root: folder.path, config: config)
    let parsed = try ParsedNote(bytes: Array(MailBenchmark.note().utf8), path: notebook.notePath(for: MailBenchmark.date), config: config)
    let composer = MailComposer(notebook: notebook, templates: Templates(searchPath: [Fixtures.path("templates")]))
    let options = MailComposer.Options(kind: .announcement, now: Date(timeIntervalSince1970: 1_796_157_600))
    var last: MailMessage?
    let pushnote = try Timing.medianSeconds(runs) {
      for _ in 0..<messages {
        last = try composer.compose(note: parsed.note, document: try MarkdownDocument(source: parsed.source), options: options).message
      }
    }
    guard let message = last else { throw ValidationError("nothing rendered") }
    let rendered = message.rendered()
    let script = """
      import email.message, email.policy, json, sys, time
      spec = json.load(sys.stdin)
      def build():
          m = email.message.EmailMessage(policy=email.policy.SMTP)
          for name in ("From", "To", "Subject", "Date", "Message-ID"):
              m[name] = spec[name]
          m.set_content(spec["body"], cte="quoted-printable")
          return m.as_bytes()
      runs = []
      for _ in range(\(runs)):
          start = time.perf_counter()
          for _ in range(\(messages)):
              out = build()
          runs.append(time.perf_counter() - start)
      runs.sort()
      print(runs[len(runs) // 2], len(out))
      """
    let spec: [String: String] = [
      "From": message.from.description, "To": message.to.map(\.address).joined(separator: ", "), "Subject": message.subject,
      "Date": "Tue, 01 Dec 2026 12:40:00 -0800", "Message-ID": "<\(message.messageID)>", "body": message.body,
    ]
    let input = String(decoding: try JSONSerialization.data(withJSONObject: spec), as: UTF8.self)
    let result = try ProcessRunner.runSynchronously("python3", ["-c", script], input: input)
    let fields = result.stdout.split(separator: " ")
    guard result.status == 0, fields.count == 2, let python = Double(fields[0]) else {
      throw ValidationError("python3 failed: \(result.stderr)")
    }
    let pythonBytes = fields[1].trimmingCharacters(in: .whitespacesAndNewlines)
    print("note: \(parsed.source.bytes.count) bytes; message: \(rendered.count) bytes (Python's: \(pythonBytes) bytes)")
    print("\(messages) messages a run, median of \(runs) runs")
    print(String(format: "pushnote compose + render:   %8.3f ms a message", pushnote * 1000 / Double(messages)))
    print(String(format: "Python email build + bytes:  %8.3f ms a message", python * 1000 / Double(messages)))
    print(String(format: "pushnote / Python:           %8.2fx", pushnote / python))
  }

  static let date = PushDate(year: 2026, month: 12, day: 1) ?? PushDate(daysSinceEpoch: 20_788)

  /// A busy week: 8 repositories, 7 repeat pushes, 60 shipped items (some long, some not ASCII).
  static func note() -> String {
    let repositories = (1...8).map { "mozilla/repo\($0)" }
    let compare = repositories.map { "- https://github.com/\($0)/compare/2026.11.24...2026.12.01" }
    let picks = (1...7).map { "- [x] https://github.com/mozilla/repo1/commit/\(String(format: "%040x", $0 * 7919)) (2026.12.01-\($0))" }
    let shipped = (1...60).map { index in
      index % 3 == 0
        ? "- Größere Änderung Nummer \(index) für Nutzer in 日本 und anderswo"
        : "- Feature \(index): " + String(repeating: "words ", count: index % 25)
    }
    let lines =
      ["# Marketplace push 2026-12-01", "", "- Release manager: ddurst", "- QA: krupa", "- Ops: jason", "", "## Compare", ""]
      + compare + ["", "## Notable features", ""] + shipped + ["", "## Cherry-picks", ""] + picks
      + [
        "", "## Sign-offs", "", "- [x] QA: krupa 2026-12-01 12:10", "- [x] Ops: jason 2026-12-01 12:12",
        "- [x] RM: ddurst 2026-12-01 12:15",
      ]
      + ["", "## Timeline", "", "- 11:02 start", "- 12:15 end", ""]
    return lines.joined(separator: "\n")
  }

}
