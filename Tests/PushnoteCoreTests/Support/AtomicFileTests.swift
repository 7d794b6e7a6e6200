import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

@Suite struct AtomicFileTests {
  @Test func replacesContentKeepsModeAndLeavesNoTemporaryFiles() throws {
    let folder = try TemporaryDirectory()
    let path = folder.appending("note.md")
    try AtomicFile.write("first\n", to: path)
    #expect(chmod(path, 0o600) == 0)
    try AtomicFile.write(Array("second\n".utf8), to: path)
    #expect(try AtomicFile.read(path) == Array("second\n".utf8))
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    #expect((attributes[.posixPermissions] as? Int) == 0o600)
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["note.md"])
  }

  @Test func failuresNameThePath() {
    #expect(throws: NotebookError.self) { try AtomicFile.write("x", to: "/nonexistent-folder/x.md") }
    do {
      _ = try AtomicFile.read("/nonexistent-folder/x.md")
    } catch {
      #expect(error.description.hasPrefix("/nonexistent-folder/x.md: error:"))
    }
  }
}
