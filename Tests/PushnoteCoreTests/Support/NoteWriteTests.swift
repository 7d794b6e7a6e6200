import Foundation
import PushnoteTestSupport
import Testing

@testable import PushnoteCore

#if canImport(Glibc)
import Glibc
#endif

/// The one write path of every command that changes a note: an editor's save up to the moment
/// before the rename is never overwritten, and killed writes leave nothing behind for long.
@Suite struct NoteWriteTests {
  /// Counts calls across the write hook's threads.
  final class Calls: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    /// Counts one call; returns how many came before it.
    func next() -> Int {
      lock.withLock {
        defer { count += 1 }
        return count
      }
    }
  }

  static let note = "# Push\n\n## Checklist\n\n- [ ] Push to stage\n\n## Timeline\n\n- 10:00 start\n"

  func notebook() async throws -> (TemporaryDirectory, Notebook, String) {
    let folder = try TemporaryDirectory(prefix: "pushnote-write")
    let git = Git(directory: folder.path)
    try await git.run(["init", "--quiet"])
    try await git.run(["config", "user.name", "Test"])
    try await git.run(["config", "user.email", "test@example.org"])
    let notebook = Notebook(root: folder.path, config: NotebookConfig())
    let path = notebook.notePath(for: try #require(PushDate("2026-12-01")))
    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try AtomicFile.write(Self.note, to: path)
    try await git.commit(paths: [notebook.relativePath(path)], message: "note")
    return (folder, notebook, path)
  }

  static func tick(_ editor: NoteEditor) throws -> NoteEditing.Change {
    let item = try editor.item(matching: "stage")
    return NoteEditing.Change(edits: [try #require(try editor.setState(.done, of: item))], message: "check: Push to stage")
  }

  @Test func aSaveWhileTheTemporaryFileIsWrittenIsKeptAndTheEditMadeOnIt() async throws {
    let (folder, notebook, path) = try await notebook()
    defer { withExtendedLifetime(folder) {} }
    let calls = Calls()
    let saved = Self.note + "- 10:05 typed in the editor\n"
    let outcome = try await AtomicFile.$beforeRename.withValue({ target in
      // The first write is slow: the editor saves before its rename.
      if target == path && calls.next() == 0 { try? saved.write(toFile: path, atomically: true, encoding: .utf8) }
    }) {
      try await NoteEditing.edit(path: path, notebook: notebook, commit: true, makeChange: Self.tick)
    }
    #expect(outcome.changed && outcome.committed)
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(text == saved.replacingOccurrences(of: "- [ ] Push to stage", with: "- [x] Push to stage"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent) == ["mkt-2026-12-01.md"])
  }

  @Test func anEditorThatKeepsSavingStopsTheEditWithNothingLost() async throws {
    let (folder, notebook, path) = try await notebook()
    defer { withExtendedLifetime(folder) {} }
    let calls = Calls()
    await #expect(throws: NotebookError.changedOnDisk(path: path)) {
      try await AtomicFile.$beforeRename.withValue({ _ in
        let save = Self.note + "- 10:0\(calls.next()) typed\n"
        try? save.write(toFile: path, atomically: true, encoding: .utf8)
      }) {
        try await NoteEditing.edit(path: path, notebook: notebook, commit: true, makeChange: Self.tick)
      }
    }
    #expect(try String(contentsOfFile: path, encoding: .utf8) == Self.note + "- 10:02 typed\n")
    #expect(NotebookError.changedOnDisk(path: path).exitStatus == .dataError)
  }

  @Test func aSaveDuringSyncsWriteIsNeverOverwritten() async throws {
    let harness = try await SyncHarness()
    try await harness.establish()
    try harness.editFile("- [ ] tag zamboni", "- [x] tag zamboni LOCAL")
    await harness.editPad("- [ ] verify stage", "- [x] verify stage PAD")
    let path = harness.notePath
    let editor = harness.file().replacingOccurrences(of: "- Release manager: ddurst", with: "- Release manager: ddurst EDITOR")
    let error: SyncError?
    do {
      _ = try await AtomicFile.$beforeRename.withValue({ target in
        if target == path { try? editor.write(toFile: path, atomically: true, encoding: .utf8) }
      }) {
        try await harness.sync()
      }
      error = nil
    } catch let caught {
      error = caught as? SyncError
    }
    #expect(error == .changedDuringSync(path: "2026/mkt-2026-12-01.md"))
    #expect(error?.exitStatus == .temporaryFailure)
    #expect(harness.file() == editor)
    #expect(try await harness.sync().outcome == .synced)
    for token in ["LOCAL", "PAD", "EDITOR"] { #expect(harness.file().components(separatedBy: token).count == 2, "\(token)") }
    #expect(await harness.padText() == harness.file())
  }

  @Test func everyWriteRemovesTheTemporariesOfDeadProcesses() async throws {
    let (folder, notebook, path) = try await notebook()
    defer { withExtendedLifetime(folder) {} }
    let directory = (path as NSString).deletingLastPathComponent
    let dead = (directory as NSString).appendingPathComponent(".mkt-2026-12-01.md.pushnote-999999-7.tmp")
    let alive = (directory as NSString).appendingPathComponent(".mkt-2026-12-01.md.pushnote-1-8.tmp")
    #expect(FileManager.default.createFile(atPath: dead, contents: Data(Self.note.utf8)))
    #expect(FileManager.default.createFile(atPath: alive, contents: Data(Self.note.utf8)))
    _ = try await NoteEditing.edit(path: path, notebook: notebook, commit: false, makeChange: Self.tick)
    #expect(!FileManager.default.fileExists(atPath: dead))
    #expect(FileManager.default.fileExists(atPath: alive))  // pid 1 is alive
  }

  @Test func aNewFileIsNeverPutOverOneMadeMeanwhile() throws {
    let folder = try TemporaryDirectory(prefix: "pushnote-write")
    let path = folder.appending("new.md")
    try AtomicFile.write("mine\n", to: path, expecting: .absent)
    #expect(throws: NotebookError.noteExists(path: path)) { try AtomicFile.write("again\n", to: path, expecting: .absent) }
    #expect(throws: NotebookError.noteExists(path: folder.appending("raced.md"))) {
      try AtomicFile.$beforeRename.withValue({ target in try? "theirs\n".write(toFile: target, atomically: false, encoding: .utf8) }) {
        try AtomicFile.write("mine\n", to: folder.appending("raced.md"), expecting: .absent)
      }
    }
    #expect(try String(contentsOfFile: folder.appending("raced.md"), encoding: .utf8) == "theirs\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["new.md", "raced.md"])
  }
}
