import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

/// How the commands leave note files: modes as the umask says, no temporaries of killed writes.
@Suite struct NoteFileCommandTests {
  private let pushnote = Fixtures.builtExecutable("pushnote")

  /// Runs pushnote under `umask` in a notebook made by `pushnote init`.
  private func run(_ arguments: [String], in folder: TemporaryDirectory, umask: String = "022") async throws -> ProcessRunner.Result {
    try await ProcessRunner.run(
      "/bin/sh", ["-c", "umask \(umask) && exec \"$0\" \"$@\"", pushnote] + arguments + ["--notebook", folder.path],
      environment: ["PUSHNOTE_TEMPLATES": Fixtures.path("templates")])
  }

  private func notebook() async throws -> TemporaryDirectory {
    let folder = try TemporaryDirectory()
    let result = try await ProcessRunner.run(
      pushnote, ["init", folder.path], environment: ["PUSHNOTE_TEMPLATES": Fixtures.path("templates")])
    #expect(result.status == 0, "\(result.stderr)")
    try await Git(directory: folder.path).run(["config", "user.name", "Test"])
    try await Git(directory: folder.path).run(["config", "user.email", "test@example.org"])
    return folder
  }

  private func mode(_ path: String) throws -> Int {
    try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int ?? -1
  }

  @Test func newNotesHonourTheUmaskAndEditsKeepTheMode() async throws {
    let folder = try await notebook()
    let created = try await run(["new", "--date", "2026-12-01"], in: folder, umask: "077")
    #expect(created.status == 0, "\(created.stderr)")
    let path = folder.appending("2026/mkt-2026-12-01.md")
    #expect(try mode(path) == 0o600)
    #expect(try await run(["new", "--date", "2026-12-08"], in: folder).status == 0)
    let other = folder.appending("2026/mkt-2026-12-08.md")
    #expect(try mode(other) == 0o644)
    // An existing note keeps its mode, whatever the umask of the command that edits it.
    let checked = try await run(["check", "Push to stage", "--note", "2026-12-08"], in: folder, umask: "077")
    #expect(checked.status == 0, "\(checked.stderr)")
    #expect(try mode(other) == 0o644)
  }

  @Test func aKilledEditsTemporaryFileIsRemovedByTheNextEdit() async throws {
    let folder = try await notebook()
    #expect(try await run(["new", "--date", "2026-12-01"], in: folder).status == 0)
    let path = folder.appending("2026/mkt-2026-12-01.md")
    // What `check` killed between writing and renaming leaves: a full copy of the note.
    let left = folder.appending("2026/.mkt-2026-12-01.md.pushnote-999999-42.tmp")
    #expect(FileManager.default.createFile(atPath: left, contents: FileManager.default.contents(atPath: path)))
    let checked = try await run(["check", "Push to stage", "--note", "2026-12-01"], in: folder)
    #expect(checked.status == 0, "\(checked.stderr)")
    #expect(!FileManager.default.fileExists(atPath: left))
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.appending("2026")) == ["mkt-2026-12-01.md"])
  }
}
