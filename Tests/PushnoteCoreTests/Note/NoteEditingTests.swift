import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

@Suite struct NoteEditingTests {
  /// A notebook in a fresh git repository with one committed note.
  private func notebook(_ text: String) async throws -> (TemporaryDirectory, Notebook, String) {
    let folder = try TemporaryDirectory()
    let git = Git(directory: folder.path)
    try await git.run(["init", "--quiet"])
    try await git.run(["config", "user.name", "Test"])
    try await git.run(["config", "user.email", "test@example.org"])
    let notebook = Notebook(root: folder.path, config: NotebookConfig())
    let path = notebook.notePath(for: try #require(PushDate("2026-12-01")))
    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try AtomicFile.write(text, to: path)
    try await git.commit(paths: [notebook.relativePath(path)], message: "note")
    return (folder, notebook, path)
  }

  @Test func editsAreWrittenAndCommittedWithTheirMessage() async throws {
    let (folder, notebook, path) = try await notebook("# Push\n\n- [ ] Push to stage\n")
    let outcome = try await NoteEditing.edit(path: path, notebook: notebook, commit: true) { editor in
      let item = try editor.item(matching: "stage")
      return NoteEditing.Change(edits: [try #require(try editor.setState(.done, of: item))], message: "check: Push to stage")
    }
    #expect(outcome.changed && outcome.committed)
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "# Push\n\n- [x] Push to stage\n")
    let log = try await Git(directory: folder.path).run(["log", "--format=%s"])
    #expect(log == "check: Push to stage\nnote\n")
  }

  @Test func nothingToDoWritesAndCommitsNothing() async throws {
    let (folder, notebook, path) = try await notebook("# Push\n\n- [x] Push to stage\n")
    let outcome = try await NoteEditing.edit(path: path, notebook: notebook, commit: true) { _ in
      NoteEditing.Change(edits: [], message: "nothing")
    }
    #expect(!outcome.changed && !outcome.committed)
    #expect(try await Git(directory: folder.path).run(["rev-list", "--count", "HEAD"]) == "1\n")
  }

  @Test func aFileSavedMeanwhileIsNeverOverwritten() async throws {
    let (folder, notebook, path) = try await notebook("# Push\n\n- [ ] Push to stage\n")
    defer { withExtendedLifetime(folder) {} }
    let editorSave = "# Push\n\n- [ ] Push to stage\n- [ ] typed in the editor\n"
    await #expect(throws: NotebookError.changedOnDisk(path: path)) {
      try await NoteEditing.edit(path: path, notebook: notebook, commit: true) { editor in
        try AtomicFile.write(editorSave, to: path)
        let item = try editor.item(matching: "stage")
        return NoteEditing.Change(edits: [try #require(try editor.setState(.done, of: item))], message: "check")
      }
    }
    #expect(try String(contentsOfFile: path, encoding: .utf8) == editorSave)
  }
}
