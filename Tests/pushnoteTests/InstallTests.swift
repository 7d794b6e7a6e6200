import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

/// pushnote as a user gets it: installed by scripts/install.sh into a prefix, run from `PATH` in a
/// fresh `HOME` and folder, without the source tree's templates.
@Suite(.serialized) struct InstallTests {
  /// A prefix with pushnote installed by the install script, and a clean environment around it.
  final class Installed: Sendable {
    let root: TemporaryDirectory
    var prefix: String { root.appending("prefix") }
    var home: String { root.appending("home") }
    var work: String { root.appending("work") }

    /// What the installed commands run with: pushnote first on PATH, a new HOME, a git identity
    /// given as git reads it from the environment, and no template folder.
    var environment: [String: String] {
      [
        "PATH": "\(prefix)/bin:/usr/local/bin:/usr/bin:/bin", "HOME": home, "PUSHNOTE_TEMPLATES": "", "PUSHNOTE_NOTEBOOK": "",
        "GIT_AUTHOR_NAME": "Robin Release", "GIT_AUTHOR_EMAIL": "robin@example.org", "GIT_COMMITTER_NAME": "Robin Release",
        "GIT_COMMITTER_EMAIL": "robin@example.org", "GIT_CONFIG_NOSYSTEM": "1", "XDG_CONFIG_HOME": home + "/.config",
      ]
    }

    init() async throws {
      root = try TemporaryDirectory(prefix: "pushnote-install")
      for folder in [home, work] { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
      let result = try await ProcessRunner.run(
        "/bin/bash", [Fixtures.path("scripts/install.sh"), prefix], environment: ["PUSHNOTE_INSTALL_BINARY": Self.binaryToInstall()])
      #expect(result.status == 0, "\(result.stderr)")
    }

    /// The release build when it is newer than the debug build the suite runs, else the debug build:
    /// either way the one the install script is handed, so the script's own steps all run.
    static func binaryToInstall() -> String {
      let debug = Fixtures.builtExecutable("pushnote")
      let release = Fixtures.path(".build/release/pushnote")
      func modified(_ path: String) -> Date? { (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date }
      if let releaseDate = modified(release), let debugDate = modified(debug), releaseDate > debugDate { return release }
      return debug
    }

    /// Runs a command found on PATH (`pushnote`, `man`, `bash`) in a folder.
    func run(_ command: String, _ arguments: [String], in folder: String? = nil) async throws -> ProcessRunner.Result {
      try await ProcessRunner.run(command, arguments, environment: environment, workingDirectory: folder ?? work)
    }
  }

  @Test func installsTheBinaryTheManPageAndTheCompletions() async throws {
    let installed = try await Installed()
    for file in [
      "bin/pushnote", "share/man/man1/pushnote.1", "share/bash-completion/completions/pushnote", "share/zsh/site-functions/_pushnote",
      "share/fish/vendor_completions.d/pushnote.fish",
    ] {
      #expect(FileManager.default.fileExists(atPath: (installed.prefix as NSString).appendingPathComponent(file)), "\(file)")
    }
    let which = try await installed.run("bash", ["-c", "command -v pushnote"])
    #expect(which.stdout == installed.prefix + "/bin/pushnote\n")

    let version = try await installed.run("pushnote", ["--version"])
    #expect(version.status == 0)
    let number = version.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(number.split(separator: ".").count == 3 && number.allSatisfy { $0.isNumber || $0 == "." }, "\(number)")

    let man = try await installed.run("man", ["-l", installed.prefix + "/share/man/man1/pushnote.1"])
    #expect(man.status == 0, "\(man.stderr)")
    #expect(man.stdout.contains("NAME") && man.stdout.contains("SYNOPSIS") && man.stdout.contains("EXIT STATUS"))
    #expect(man.stdout.contains("pushnote \(number)"), "the man page names the version --version prints")
    #expect(!man.stderr.contains("warning"), "\(man.stderr)")
    let commandsSection = man.stdout.components(separatedBy: "COMMANDS").dropFirst().first ?? ""
    for command in CommandLineContractTests.commands.dropFirst() {
      #expect(commandsSection.contains("       \(command)") || commandsSection.contains(", \(command)"), "the man page lists \(command)")
    }

    let script = installed.prefix + "/share/bash-completion/completions/pushnote"
    let complete = try await installed.run(
      "bash",
      [
        "-c",
        """
        source '\(script)' && complete -p pushnote && COMP_WORDS=(pushnote ch) && COMP_CWORD=1 && COMP_LINE='pushnote ch' \
        && COMP_POINT=11 && _pushnote && printf '%s\\n' "${COMPREPLY[@]}"
        """,
      ])
    #expect(complete.status == 0, "\(complete.stderr)")
    let offered = complete.stdout.split(separator: "\n").map(String.init)
    #expect(offered.first?.hasSuffix("-F _pushnote pushnote") == true, "\(complete.stdout)")
    #expect(offered.contains("check") && offered.contains("cherry-pick"), "\(complete.stdout)")

    // Completions from the notebook itself: note dates, repositories, stage jobs, roles.
    func completions(_ words: [String]) async throws -> [String] {
      let line = words.joined(separator: " ")
      let array = words.map { "'\($0)'" }.joined(separator: " ")
      let result = try await installed.run(
        "bash",
        [
          "-c",
          """
          source '\(script)' && COMP_WORDS=(\(array)) && COMP_CWORD=\(words.count - 1) && COMP_LINE='\(line)' \
          && COMP_POINT=\(line.utf8.count) && _pushnote pushnote "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}" \
          && printf '%s\\n' "${COMPREPLY[@]}"
          """,
        ], in: Fixtures.path("notebook"))
      #expect(result.status == 0, "\(result.stderr)")
      return result.stdout.split(separator: "\n").map(String.init)
    }
    #expect(try await completions(["pushnote", "show", "2026-11"]) == ["2026-11-24", "2026-11-17", "2026-11-10"])
    #expect(try await completions(["pushnote", "check", "--note", "2026-12"]) == ["2026-12-01"])
    #expect(try await completions(["pushnote", "cherry-pick", "acme-bazaar/p"]) == ["acme-bazaar/payments"])
    #expect(try await completions(["pushnote", "sign", "o"]) == ["ops"])
    let jobs = try await completions(["pushnote", "stage", "--only", "bazaar-stage-a"])
    #expect(!jobs.isEmpty && jobs.allSatisfy { $0.hasPrefix("bazaar-stage-a") }, "\(jobs)")
  }

  @Test func aWeekOnPushDutyFromPathWithTheBuiltInTemplates() async throws {
    let installed = try await Installed()
    let initialised = try await installed.run("pushnote", ["init", "pushes"])
    #expect(initialised.status == 0, "\(initialised.stderr)")
    let notebook = installed.work + "/pushes"
    // The notebook's own copies: the note and the mails (the chat messages stay built in).
    for (name, text) in Templates.builtIn where name != "pushnote.yml" && !name.hasPrefix("chat/") {
      #expect(try String(contentsOfFile: notebook + "/templates/" + name, encoding: .utf8) == text)
    }
    #expect(try String(contentsOfFile: notebook + "/pushnote.yml", encoding: .utf8) == Templates.builtIn["pushnote.yml"])
    // What a new user fills in first: who rotates, and the list the announcement goes to.
    let config = try String(contentsOfFile: notebook + "/pushnote.yml", encoding: .utf8)
    #expect(config.contains("mail:\n  to: []\n"))
    try AtomicFile.write(
      config.replacingOccurrences(of: "mail:\n  to: []\n", with: "mail:\n  to: [dev@example.org]\n") + "rotation: [alice, bob]\n",
      to: notebook + "/pushnote.yml")

    func pushnote(_ arguments: String...) async throws -> ProcessRunner.Result {
      let result = try await installed.run("pushnote", arguments, in: notebook)
      #expect(result.status == 0, "pushnote \(arguments.joined(separator: " ")): \(result.stderr)")
      return result
    }
    let created = try await pushnote("new", "--date", "2026-12-01")
    #expect(created.stdout == "2026/mkt-2026-12-01.md (committed)\n")
    let path = notebook + "/2026/mkt-2026-12-01.md"
    #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("# Marketplace push 2026-12-01\n"))
    _ = try await pushnote("check", "Push to stage", "--note", "2026-12-01")
    _ = try await pushnote("time", "start", "--at", "11:02", "--note", "2026-12-01")
    _ = try await pushnote("sign", "qa", "--as", "krupa", "--at", "12:10", "--note", "2026-12-01")
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(
      text.contains("- [x] Push to stage\n") && text.contains("- 11:02 start\n") && text.contains("- [x] QA: krupa 2026-12-01 12:10\n"))
    let shown = try await pushnote("show", "2026-12-01")
    #expect(shown.stdout.hasPrefix("Marketplace push 2026-12-01\n"))
    let lint = try await installed.run("pushnote", ["lint", "2026-12-01"], in: notebook)
    #expect(lint.status == 0, "\(lint.stdout)")
    let announcement = try await pushnote("mail", "--force", "2026-12-01")
    #expect(announcement.stdout.contains("From: Robin Release <robin@example.org>"), "the identity git gives, from GIT_AUTHOR_NAME")
    #expect(announcement.stdout.contains("To: dev@example.org"), "\(announcement.stdout.prefix(600))")
    let rotation = try await pushnote("rotation", "--from", "2026-12-01", "--weeks", "2")
    #expect(rotation.stdout.split(separator: "\n").count == 2)
    _ = try await pushnote("calendar", "-o", "duty.ics", "--from", "2026-12-01")
    #expect(try String(contentsOfFile: notebook + "/duty.ics", encoding: .utf8).hasPrefix("BEGIN:VCALENDAR"))
    _ = try await pushnote("stats", "--svg", "stats.svg")
    #expect(try String(contentsOfFile: notebook + "/stats.svg", encoding: .utf8).contains("<svg"))
    let log = try await Git(directory: notebook).run(["log", "--format=%an %s"])
    #expect(log.split(separator: "\n").count == 5 && log.hasSuffix("Robin Release pushnote init\n"), "\(log)")
  }

  @Test func worksThroughASymlinkFromAnyFolder() async throws {
    let installed = try await Installed()
    let links = installed.root.appending("links")
    try FileManager.default.createDirectory(atPath: links, withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(atPath: links + "/pn", withDestinationPath: installed.prefix + "/bin/pushnote")
    let elsewhere = installed.root.appending("elsewhere/deeper")
    try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
    let made = try await installed.run(links + "/pn", ["init", "book"], in: elsewhere)
    #expect(made.status == 0, "\(made.stderr)")
    let created = try await installed.run(links + "/pn", ["-C", "book", "new", "--date", "2026-12-01"], in: elsewhere)
    #expect(created.status == 0, "\(created.stderr)")
    #expect(FileManager.default.fileExists(atPath: elsewhere + "/book/2026/mkt-2026-12-01.md"))
  }
}
