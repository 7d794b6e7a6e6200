import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

/// The command line as docs/cli.md gives it, one test per inconsistency issue 13 found: each of
/// these failed on the version before.
@Suite(.serialized) struct CommandLineContractTests {
  private let pushnote = Fixtures.builtExecutable("pushnote")
  private let notes = Fixtures.fixture("notes")

  /// Every command's name, `pushnote` for the root.
  static let commands = [
    "pushnote", "init", "new", "status", "show", "list", "edit", "lint", "check", "uncheck", "sign", "time", "rotation", "calendar",
    "stats", "sync", "mail", "tag",
    "cherry-pick", "stage", "say",
  ]

  private func run(
    _ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]
  ) async throws -> ProcessRunner.Result {
    try await ProcessRunner.run(pushnote, arguments, environment: environment, workingDirectory: directory ?? notes)
  }

  private func help(_ command: String, columns: Int) async throws -> String {
    let arguments = command == "pushnote" ? ["--help"] : [command, "--help"]
    let result = try await run(arguments, environment: ["COLUMNS": String(columns)])
    #expect(result.status == 0, "\(result.stderr)")
    return result.stdout
  }

  /// A notebook made by `init` with the built-in templates, in git, with an identity.
  private func notebook(_ yaml: String? = nil) async throws -> TemporaryDirectory {
    let folder = try TemporaryDirectory()
    let made = try await run(["init", folder.path], environment: ["PUSHNOTE_TEMPLATES": ""])
    #expect(made.status == 0, "\(made.stderr)")
    if let yaml { try AtomicFile.write(yaml, to: folder.appending("pushnote.yml")) }
    return folder
  }

  private func object(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
  }

  // MARK: Help

  @Test(arguments: commands) func helpIsWhatTheSnapshotSays(command: String) async throws {
    let snapshot = try String(contentsOfFile: Fixtures.fixture("help/\(command).txt"), encoding: .utf8)
    #expect(try await help(command, columns: 100) == snapshot, "regenerate Tests/Fixtures/help/\(command).txt when the change is meant")
  }

  @Test(arguments: commands) func helpIsReflowedByTheParserOnly(command: String) async throws {
    // With room enough, ArgumentParser puts each paragraph on one line: a line of the overview that
    // does not end a sentence was broken in the source ("sendmail by⏎default").
    let overview = try await help(command, columns: 100_000).components(separatedBy: "\nUSAGE:")[0]
    for line in overview.split(separator: "\n") {
      #expect(line.hasSuffix(".") || line.hasSuffix(":") || line.hasSuffix(")"), "\(command): \(line)")
    }
  }

  @Test(arguments: commands) func valueNamesExplainThemselves(command: String) async throws {
    let text = try await help(command, columns: 100)
    let usage = text.components(separatedBy: "USAGE:").dropFirst().first?.components(separatedBy: "\n\n").first ?? ""
    for placeholder in usage.split(separator: "<").dropFirst().map({ $0.prefix(while: { $0 != ">" }) }) where placeholder != "subcommand" {
      #expect(placeholder == placeholder.uppercased(), "\(command): <\(placeholder)>")
    }
    #expect(!text.contains("(default: .)"), "init said its default twice")
  }

  @Test func cherryPickHelpAndTheJSONDocumentSayTheSameOfSHAs() async throws {
    let text = try await help("cherry-pick", columns: 100_000)
    #expect(text.contains("4 to 40 hex digits (a commit link in a note needs 7)"))
    #expect(try String(contentsOfFile: Fixtures.path("docs/json.md"), encoding: .utf8).contains("(7 to 40 hexadecimal digits"))
  }

  // MARK: The notebook, the note, the version

  @Test func theNotebookGoesBeforeOrAfterTheCommand() async throws {
    let elsewhere = try TemporaryDirectory()
    let after = try await run(["show", "--notebook", notes, "--json", "2026-12-01"], in: elsewhere.path)
    #expect(after.status == 0, "\(after.stderr)")
    for arguments in [
      ["--notebook", notes, "show", "--json", "2026-12-01"], ["-C", notes, "show", "--json", "2026-12-01"],
      ["--notebook=\(notes)", "show", "--json", "2026-12-01"], ["show", "-C", notes, "--json", "2026-12-01"],
    ] {
      let result = try await run(arguments, in: elsewhere.path)
      #expect(result.status == 0 && result.stdout == after.stdout, "\(arguments): \(result.stderr)")
    }
    let fromEnvironment = try await run(["show", "--json", "2026-12-01"], in: elsewhere.path, environment: ["PUSHNOTE_NOTEBOOK": notes])
    #expect(fromEnvironment.stdout == after.stdout)
  }

  @Test func everyCommandThatTakesANoteTakesNoteToo() async throws {
    let positional = try await run(["show", "--json", "2026-12-01"])
    let option = try await run(["show", "--json", "--note", "2026-12-01"])
    #expect(option.status == 0 && option.stdout == positional.stdout, "\(option.stderr)")
    let lint = try await run(["lint", "--note", "2026-12-08"])
    #expect(lint.status == 65 && lint.stdout.hasPrefix("mkt-2026-12-08.md:1:20: error:"))
    let twice = try await run(["show", "2026-12-01", "--note", "2026-12-08"])
    #expect(twice.status == 64 && twice.stderr.hasPrefix("error: give the note once"))
    for command in ["sync", "mail", "tag", "stage"] {
      #expect(try await help(command, columns: 100).contains("--note <NOTE>"), "\(command)")
    }
  }

  @Test func versionIsPrinted() async throws {
    let result = try await run(["--version"])
    #expect(result.status == 0 && result.stdout.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil)
  }

  // MARK: JSON

  @Test func theEditingCommandsPrintJSON() async throws {
    let folder = try await notebook()
    let created = try object(try await run(["new", "--date", "2026-12-01", "--json", "-C", folder.path]).stdout)
    #expect(created["file"] as? String == "2026/mkt-2026-12-01.md" && created["date"] as? String == "2026-12-01")
    #expect(created["committed"] as? Bool == true)
    for arguments in [
      ["check", "Push to stage"], ["uncheck", "Push to stage"], ["sign", "qa", "--as", "krupa", "--at", "12:10"],
      ["time", "start", "--at", "11:02"],
    ] {
      let result = try await run(arguments + ["--note", "2026-12-01", "--json", "-C", folder.path])
      #expect(result.status == 0, "\(arguments): \(result.stderr)")
      let report = try object(result.stdout)
      #expect(report["file"] as? String == "2026/mkt-2026-12-01.md", "\(arguments)")
      #expect(report["changed"] as? Bool == true && report["committed"] as? Bool == true, "\(arguments)")
    }
    let elsewhere = try TemporaryDirectory()
    let initialised = try object(try await run(["init", elsewhere.appending("book"), "--json"]).stdout)
    #expect(
      initialised["files"] as? [String] == [
        "pushnote.yml", "templates/push.md", "templates/mail.txt", "templates/handover.txt", ".gitignore",
      ])
  }

  @Test func jsonHasNoEscapedSlashes() async throws {
    let result = try await run(["show", "--json", "2026-12-01"])
    #expect(result.stdout.contains("https://github.com/") && !result.stdout.contains(#"\/"#))
  }

  // MARK: Errors

  @Test func parserErrorsAndPushnoteErrorsLookAlike() async throws {
    let missing = try await run(["check"])
    #expect(missing.status == 64 && missing.stderr.hasPrefix("error: Missing expected argument"), "\(missing.stderr)")
    let unknownNote = try await run(["show", "1999-01-01"])
    #expect(unknownNote.status == 64 && unknownNote.stderr == "error: no note for '1999-01-01'\n")
    let folder = try await notebook("push: {weekday: tuesday}\nproduct: Bazaar\nbogus: 1\n")
    let config = try await run(["show", "-C", folder.path])
    #expect(config.status == 78)
    #expect(config.stderr == "\(folder.path)/pushnote.yml:3:1: error: unknown key 'bogus' in pushnote.yml" + Self.knownKeys + "\n")
  }

  /// The tail of the unknown-key message.
  static let knownKeys =
    " (known: calendar, chat, git, mail, pad, people, product, push, repositories, rotation, skips, stage, swaps, tag, timezone)"

  @Test func aDuplicateKeyPointsAtItsOwnLine() async throws {
    let folder = try await notebook("product: Bazaar\ntimezone: UTC\npad:\n  prefix: a-\n  prefix: b-\n")
    let result = try await run(["show", "-C", folder.path])
    #expect(result.status == 78)
    #expect(result.stderr.hasPrefix("\(folder.path)/pushnote.yml:5:3: error: duplicate key 'prefix'"), "\(result.stderr)")
  }

  @Test func aMistypedCommandGetsASuggestion() async throws {
    let result = try await run(["shwo"])
    #expect(result.status == 64)
    #expect(result.stderr.hasPrefix("error: unknown command 'shwo'\ndid you mean 'show'?\n"), "\(result.stderr)")
    let far = try await run(["deploy"])
    #expect(far.status == 64 && !far.stderr.contains("did you mean"))
  }

  // MARK: Configuration

  @Test(arguments: [
    ("rotation: \"rm, cvan\"\n", 1, 11, "rotation must be a list"),
    (
      "repositories: [{name: acme/api}]\nstage:\n  jenkins: https://ci.example.org/\n  jobs:\n    - {name: deploy, repository: acme/apl}\n",
      5, 34,
      "stage job repository 'acme/apl' is not in repositories (acme/api)"
    ),
    ("people: {krupa: {role: tester}}\n", 1, 24, "unknown role 'tester'"),
    ("pad: {prefix: \"../../x-\"}\n", 1, 15, "pad.prefix '../../x-' may hold only"),
  ]) func configurationHolesAreErrorsAtTheirPlace(yaml: String, line: Int, column: Int, message: String) async throws {
    let folder = try await notebook(yaml)
    let result = try await run(["new", "--date", "2026-12-01", "-C", folder.path])
    #expect(result.status == 78)
    #expect(result.stderr.hasPrefix("\(folder.path)/pushnote.yml:\(line):\(column): error: \(message)"), "\(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: folder.appending("2026")))
  }

  // MARK: Identity

  @Test func aMissingIdentityIsReportedBeforeAnythingChanges() async throws {
    let folder = try await notebook()
    let identityless = try NoGitIdentity()
    let nobody = identityless.environment
    let before = try await Git(directory: folder.path).run(["rev-parse", "HEAD"])
    let result = try await run(["new", "--date", "2026-12-01", "-C", folder.path], environment: nobody)
    #expect(result.status == 78, "\(result.stderr)")
    #expect(result.stderr.contains("git config --global user.name") && result.stderr.contains("git config --global user.email"))
    #expect(!FileManager.default.fileExists(atPath: folder.appending("2026")))
    #expect(try await Git(directory: folder.path).run(["rev-parse", "HEAD"]) == before)
    let fresh = try TemporaryDirectory()
    let made = try await run(["init", fresh.appending("book")], environment: nobody)
    #expect(made.status == 78 && !FileManager.default.fileExists(atPath: fresh.appending("book")))
  }

  // MARK: Templates and colour

  @Test func initHonoursPushnoteTemplates() async throws {
    let templates = try TemporaryDirectory()
    for (name, text) in Templates.builtIn {
      let path = templates.appending(name)
      try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      try AtomicFile.write(text, to: path)
    }
    try AtomicFile.write("# Ours {{date}}\n", to: templates.appending("push.md"))
    let folder = try TemporaryDirectory()
    let result = try await run(["init", folder.appending("book")], environment: ["PUSHNOTE_TEMPLATES": templates.path])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try String(contentsOfFile: folder.appending("book/templates/push.md"), encoding: .utf8) == "# Ours {{date}}\n")
  }

  @Test func colourCanBeForcedAndIsOffForDumbTerminals() async throws {
    let plain = try await run(["show", "2026-12-01"], environment: ["NO_COLOR": ""])
    #expect(!plain.stdout.contains("\u{1B}["))
    let always = try await run(["show", "2026-12-01", "--color", "always"], environment: ["NO_COLOR": "1"])
    #expect(always.stdout.contains("\u{1B}[1mMarketplace push 2026-12-01\u{1B}[0m"))
    let before = try await run(["--color=always", "show", "2026-12-01"])
    #expect(before.stdout == always.stdout)
    let forced = try await run(["show", "2026-12-01"], environment: ["NO_COLOR": "", "CLICOLOR_FORCE": "1"])
    #expect(forced.stdout == always.stdout)
    let never = try await run(["show", "2026-12-01", "--color", "never"], environment: ["NO_COLOR": "", "CLICOLOR_FORCE": "1"])
    #expect(never.stdout == plain.stdout)
    // On a terminal (script(1) gives one): colour, except with TERM=dumb.
    let command = "'\(pushnote)' show --notebook '\(notes)' 2026-12-01"
    let terminal = try await ProcessRunner.run("script", ["-qec", command, "/dev/null"], environment: ["NO_COLOR": "", "TERM": "xterm"])
    #expect(terminal.stdout.contains("\u{1B}[1mMarketplace"), "\(terminal.stdout.prefix(200))")
    let dumb = try await ProcessRunner.run("script", ["-qec", command, "/dev/null"], environment: ["NO_COLOR": "", "TERM": "dumb"])
    #expect(dumb.stdout.contains("Marketplace") && !dumb.stdout.contains("\u{1B}["), "\(dumb.stdout.prefix(200))")
  }
}

/// Every command's `--json` has the keys docs/json.md gives it (the commands that need a server are
/// checked where their own tests run them against the fake servers).
@Suite(.serialized) struct JSONDocumentationTests {
  private let pushnote = Fixtures.builtExecutable("pushnote")

  private func run(_ arguments: [String], in directory: String) async throws -> String {
    let result = try await ProcessRunner.run(pushnote, arguments, environment: ["PUSHNOTE_TEMPLATES": ""], workingDirectory: directory)
    #expect(result.status == 0 || result.status == 65, "\(arguments): \(result.stderr)")
    return result.stdout
  }

  @Test func everyExampleIsValidJSONAndNamesItsCommand() {
    let headings = JSONShapes.documented.keys.sorted()
    #expect(headings.count >= 13, "\(headings)")
    for heading in headings {
      #expect(heading.hasPrefix("pushnote ") && heading.hasSuffix(" --json"), "\(heading)")
      #expect(!(JSONShapes.documented[heading]?.paths.contains { $0.hasPrefix("<") } ?? true), "\(heading)")
    }
  }

  @Test func theCommandsWithoutAServerPrintTheDocumentedShapes() async throws {
    let notes = Fixtures.fixture("notes")
    JSONShapes.check(try await run(["show", "--json", "2026-12-01"], in: notes), documentedAs: "pushnote show --json")
    JSONShapes.check(try await run(["lint", "--json", "2026-12-08", "2026-12-01"], in: notes), documentedAs: "pushnote lint --json")
    let sample = Fixtures.path("notebook")
    JSONShapes.check(try await run(["stats", "--json"], in: sample), documentedAs: "pushnote stats --json")
    JSONShapes.check(try await run(["rotation", "--json", "--weeks", "3"], in: sample), documentedAs: "pushnote rotation --json")

    let folder = try TemporaryDirectory()
    JSONShapes.check(try await run(["init", "book", "--json"], in: folder.path), documentedAs: "pushnote init --json")
    let book = folder.appending("book")
    JSONShapes.check(try await run(["new", "--date", "2026-12-01", "--json"], in: book), documentedAs: "pushnote new --json")
    JSONShapes.check(try await run(["status", "--json"], in: book), documentedAs: "pushnote status --json")
    JSONShapes.check(try await run(["list", "--json"], in: sample), documentedAs: "pushnote list --json")
    for arguments in [["check", "Push to stage"], ["uncheck", "Push to stage"], ["sign", "qa", "--as", "krupa"], ["time", "start"]] {
      JSONShapes.check(try await run(arguments + ["--note", "2026-12-01", "--json"], in: book), documentedAs: "pushnote check --json")
    }
  }
}

/// A Markdown file works without a notebook, and is judged only against its own.
@Suite(.serialized) struct FilesOutsideANotebookTests {
  private let pushnote = Fixtures.builtExecutable("pushnote")

  @Test func showAndLintReadAFileThatBelongsToNoNotebookWithTheDefaults() async throws {
    let folder = try TemporaryDirectory()
    let file = folder.appending("loose.md")
    try AtomicFile.write(try AtomicFile.read(Fixtures.fixture("amo/2019/01/07.md")), to: file)
    let show = try await ProcessRunner.run(pushnote, ["show", "--json", "loose.md"], workingDirectory: folder.path)
    #expect(show.status == 0, "\(show.stderr)")
    #expect(show.stdout.contains(#""file" : "loose.md""#))
    let lint = try await ProcessRunner.run(pushnote, ["lint", file], workingDirectory: folder.path)
    #expect(lint.status == 0 || lint.status == 65, "\(lint.stderr)")
    #expect(!lint.stderr.contains("no notebook"))
  }

  @Test func aForeignFileIsNotJudgedAgainstTheNotebookItIsLintedFrom() async throws {
    let inside = Fixtures.path("notebook")
    let foreign = Fixtures.fixture("amo/2019/01/07.md")
    let lint = try await ProcessRunner.run(pushnote, ["lint", foreign], workingDirectory: inside)
    #expect(!lint.stdout.contains("acme-bazaar"), "\(lint.stdout)")
    let alone = try await ProcessRunner.run(pushnote, ["lint", foreign], workingDirectory: Fixtures.fixture("amo"))
    // The same findings as linted from its own folder (only the path it is shown by differs).
    func findings(_ text: String) -> [String] { text.split(separator: "\n").map { String($0.drop(while: { $0 != ":" })) } }
    #expect(findings(lint.stdout) == findings(alone.stdout) && lint.status == alone.status, "\(lint.stdout)")
    // A note of the notebook is still judged against it.
    let own = try await ProcessRunner.run(pushnote, ["lint", "2026/bzr-2026-12-01.md"], workingDirectory: inside)
    #expect(own.status == 0, "\(own.stdout)")
  }
}

/// `status`, `list` and `edit`: the everyday views.
@Suite(.serialized) struct EverydayViewTests {
  private let pushnote = Fixtures.builtExecutable("pushnote")

  private func run(_ arguments: [String], in directory: String, environment: [String: String] = [:]) async throws -> ProcessRunner.Result {
    try await ProcessRunner.run(pushnote, arguments, environment: environment, workingDirectory: directory)
  }

  @Test func statusNamesTheNextStepAsTheWeekGoesOn() async throws {
    let folder = try TemporaryDirectory()
    #expect(try await run(["init", "book"], in: folder.path).status == 0)
    let book = folder.appending("book")
    func next() async throws -> String? {
      let result = try await run(["status", "--json"], in: book)
      #expect(result.status == 0, "\(result.stderr)")
      let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
      return object["next_step"] as? String
    }
    #expect(try await next() == "pushnote new")
    #expect(try await run(["new"], in: book).status == 0)
    #expect(try await next() == "pushnote time start")
    #expect(try await run(["time", "start"], in: book).status == 0)
    #expect(try await next() == "pushnote time end")
    #expect(try await run(["time", "end"], in: book).status == 0)
    #expect(try await next() == "pushnote sign qa")
    for role in ["qa", "ops", "rm"] { #expect(try await run(["sign", role, "--as", "robin"], in: book).status == 0) }
    #expect(try await next() == "pushnote mail --send")
    let human = try await run(["status"], in: book)
    #expect(human.stdout.contains("signed off: qa, ops, rm · push ended · mail not sent\n"), "\(human.stdout)")
    #expect(human.stdout.hasSuffix("Next: pushnote mail --send\n"))
  }

  @Test func listShowsEveryNoteWithItsProgress() async throws {
    let result = try await run(["list"], in: Fixtures.path("notebook"))
    #expect(result.status == 0)
    let lines = result.stdout.split(separator: "\n").map(String.init)
    #expect(lines.first == "DATE        NOTE                    DONE   PUSHES  DURATION")
    #expect(lines.contains("2026-11-17  2026/bzr-2026-11-17.md  16/17  2       2 h 38 min"))
    #expect(lines.count == 5)
  }

  @Test func editRunsTheEditorThenLints() async throws {
    let folder = try TemporaryDirectory()
    let note = folder.appending("note.md")
    try AtomicFile.write("# Push 2026-12-01\n\n- [ ] QA on stage\n", to: note)
    let clean = try await run(["edit", "note.md"], in: folder.path, environment: ["VISUAL": "sed -i s/QA/Ops/", "EDITOR": "false"])
    #expect(clean.status == 0, "\(clean.stderr)")
    #expect(try String(contentsOfFile: note, encoding: .utf8) == "# Push 2026-12-01\n\n- [ ] Ops on stage\n")
    let broken = try await run(["edit", "note.md"], in: folder.path, environment: ["VISUAL": "", "EDITOR": "sed -i s/Ops/YYYY.MM.DD/"])
    #expect(broken.status == 65 && broken.stdout.contains("error: template placeholder 'YYYY.MM.DD'"), "\(broken.stdout)")
    let failing = try await run(["edit", "note.md"], in: folder.path, environment: ["VISUAL": "false"])
    #expect(failing.status == 65 && failing.stderr.contains("the editor exited with status 1"))
  }
}

/// `mail` shows a person the decoded text on a terminal and gives a program the .eml.
@Suite(.serialized) struct MailPreviewTests {
  @Test func aTerminalGetsTheDecodedTextAPipeTheMessage() async throws {
    let pushnote = Fixtures.builtExecutable("pushnote")
    let notebook = Fixtures.path("notebook")
    let piped = try await ProcessRunner.run(pushnote, ["mail", "2026-11-24"], workingDirectory: notebook)
    #expect(piped.status == 0, "\(piped.stderr)")
    #expect(piped.stdout.contains("MIME-Version: 1.0") && piped.stdout.contains("Content-Transfer-Encoding"))
    let command = "cd '\(notebook)' && '\(pushnote)' mail 2026-11-24"
    let terminal = try await ProcessRunner.run("script", ["-qec", command, "/dev/null"], environment: ["TERM": "dumb"])
    #expect(terminal.stdout.hasPrefix("From: Bazaar release manager <release@bazaar.example>"), "\(terminal.stdout.prefix(300))")
    #expect(terminal.stdout.contains("Subject: Bazaar push 2026-11-24: done in 1h 28m, 1 push"))
    #expect(terminal.stdout.contains("The push took 1h 28m, from 11:01 PST to 12:29 PST."))
    #expect(!terminal.stdout.contains("Content-Transfer-Encoding") && !terminal.stdout.contains("=\r\n"))
  }
}
