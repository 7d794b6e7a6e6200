import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

@Suite struct NewNoteTests {
  /// A copy of the embedded notebook in a fresh git repository.
  private func sampleNotebook() async throws -> (TemporaryDirectory, Notebook) {
    let folder = try TemporaryDirectory()
    let source = Fixtures.path("notebook")
    for name in try FileManager.default.contentsOfDirectory(atPath: source) where name != "templates" {
      try FileManager.default.copyItem(atPath: (source as NSString).appendingPathComponent(name), toPath: folder.appending(name))
    }
    let git = Git(directory: folder.path)
    try await git.run(["init", "--quiet"])
    try await git.run(["config", "user.name", "Test"])
    try await git.run(["config", "user.email", "test@example.org"])
    try await git.run(["add", "-A"])
    try await git.run(["commit", "--quiet", "-m", "sample"])
    let notebook = try Notebook(root: folder.path)
    return (folder, notebook)
  }

  private var templates: Templates { Templates(searchPath: [Fixtures.path("templates")]) }

  @Test func rendersTheWeekFromTheTemplateRotationAndPreviousTags() async throws {
    let (folder, notebook) = try await sampleNotebook()
    defer { withExtendedLifetime(folder) {} }
    #expect(notebook.noteFiles().count == 4)
    let text = try NewNote.render(in: notebook, date: try #require(PushDate("2026-12-08")), templates: templates)
    let parsed = try ParsedNote(bytes: Array(text.utf8), path: "new.md", config: notebook.config)
    #expect(parsed.note.title == "Bazaar push 2026-12-08")
    #expect(parsed.note.date?.iso == "2026-12-08")
    #expect(parsed.note.tag == "2026.12.08")
    #expect(
      parsed.note.people.releaseManager == Rotation(config: notebook.config).releaseManager(for: try #require(PushDate("2026-12-08"))))
    #expect(parsed.note.people.qa == "krupa" && parsed.note.people.ops == "jason")
    #expect(parsed.note.compare.count == 8)
    #expect(parsed.note.compare.allSatisfy { $0.from == "2026.12.01" && $0.to == "2026.12.08" })
    #expect(text.contains("- Previous: [2026-12-01](bzr-2026-12-01.md)\n"))
    #expect(text.contains("- Pad: https://pad.bazaar.example/p/bzr-2026-12-08\n"))
    #expect(!text.contains("{{") && !text.contains("&amp;"))
  }

  @Test func aRepeatPushTagOfThePreviousWeekIsTheNextFrom() async throws {
    let (folder, notebook) = try await sampleNotebook()
    defer { withExtendedLifetime(folder) {} }
    // Render 2026-11-24 again as if it were new: the 11-17 note ended api at 2026.11.17-1.
    let text = try NewNote.render(in: notebook, date: try #require(PushDate("2026-11-24")), templates: templates)
    #expect(text.contains("https://github.com/acme-bazaar/api/compare/2026.11.17-1...2026.11.24"))
    #expect(text.contains("https://github.com/acme-bazaar/docs/compare/2026.11.17...2026.11.24"))
  }

  @Test func createsCommitsAndNeverOverwrites() async throws {
    let (folder, notebook) = try await sampleNotebook()
    let date = try #require(PushDate("2026-12-08"))
    let outcome = try await NewNote.create(in: notebook, date: date, force: false, commit: true)
    #expect(outcome.path == folder.appending("2026/bzr-2026-12-08.md") && outcome.committed)
    let log = try await Git(directory: folder.path).run(["log", "-2", "--format=%s", "--name-only"])
    #expect(
      log == "Create next week's note: done (2026-12-08)\n\n2026/bzr-2026-12-01.md\n"
        + "new note for the push of 2026-12-08\n\n2026/bzr-2026-12-08.md\n")
    #expect(outcome.tickedPrevious == folder.appending("2026/bzr-2026-12-01.md"))
    let previous = try String(contentsOfFile: folder.appending("2026/bzr-2026-12-01.md"), encoding: .utf8)
    #expect(previous.contains("- [x] Create next week's note"))
    #expect(try await Git(directory: folder.path).run(["status", "--porcelain"]).isEmpty)
    let before = try AtomicFile.read(outcome.path)
    await #expect(throws: NotebookError.noteExists(path: outcome.path)) {
      try await NewNote.create(in: notebook, date: date, force: false, commit: true)
    }
    #expect(try AtomicFile.read(outcome.path) == before)
  }

  @Test func refusesADayThatIsNotAPushDayUnlessForced() async throws {
    let (folder, notebook) = try await sampleNotebook()
    let friday = try #require(PushDate("2026-12-04"))
    await #expect(throws: NotebookError.notPushDay(friday, pushWeekday: .tuesday)) {
      try await NewNote.create(in: notebook, date: friday, force: false, commit: false)
    }
    #expect(!FileManager.default.fileExists(atPath: folder.appending("2026/bzr-2026-12-04.md")))
    let forced = try await NewNote.create(in: notebook, date: friday, force: true, commit: false)
    #expect(FileManager.default.fileExists(atPath: forced.path) && !forced.committed)
  }

  @Test func initMakesANotebookThatNewCanUse() async throws {
    let folder = try TemporaryDirectory()
    let root = folder.appending("pushes")
    let written = try await NotebookInit.create(at: root, templates: templates)
    #expect(written.contains("pushnote.yml") && written.contains("templates/push.md") && written.contains(".gitignore"))
    let notebook = try Notebook(root: root)
    #expect(notebook.config.pad.prefix == "mkt-")
    let outcome = try await NewNote.create(in: notebook, date: try #require(PushDate("2026-12-01")), force: false, commit: true)
    #expect(outcome.committed)
    #expect(try await Git(directory: root).run(["rev-list", "--count", "HEAD"]) == "2\n")
    await #expect(throws: NotebookError.self) { try await NotebookInit.create(at: root, templates: templates) }
  }
}
