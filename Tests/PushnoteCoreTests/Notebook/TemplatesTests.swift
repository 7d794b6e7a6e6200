import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

/// Where templates come from: the notebook's own, then PUSHNOTE_TEMPLATES, then the ones built in.
@Suite struct TemplatesTests {
  @Test func theBuiltInTemplatesAreTheFilesOfTemplatesFolder() throws {
    let folder = Fixtures.path("templates")
    let names = try FileManager.default.subpathsOfDirectory(atPath: folder).filter { name in
      var isFolder: ObjCBool = false
      return FileManager.default.fileExists(atPath: folder + "/" + name, isDirectory: &isFolder) && !isFolder.boolValue
    }.sorted()
    #expect(Templates.builtIn.keys.sorted() == names, "run scripts/generate-templates.sh")
    for name in names {
      #expect(
        Templates.builtIn[name] == (try String(contentsOfFile: folder + "/" + name, encoding: .utf8)),
        "\(name): run scripts/generate-templates.sh")
    }
  }

  @Test func theNotebookWinsOverTheEnvironmentWhichWinsOverTheBuiltInOnes() throws {
    let folder = try TemporaryDirectory()
    let own = folder.appending("book/templates")
    let configured = folder.appending("configured")
    for path in [own, configured] { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
    try AtomicFile.write("own push\n", to: own + "/push.md")
    try AtomicFile.write("configured push\n", to: configured + "/push.md")
    try AtomicFile.write("configured mail\n", to: configured + "/mail.txt")
    let templates = Templates(
      notebook: Notebook(root: folder.appending("book"), config: NotebookConfig()), environment: ["PUSHNOTE_TEMPLATES": configured])
    #expect(try templates.text(of: "push.md").text == "own push\n")
    #expect(try templates.text(of: "mail.txt").text == "configured mail\n")
    #expect(try templates.text(of: "handover.txt").text == Templates.builtIn["handover.txt"])
    #expect(try templates.text(of: "handover.txt").path == "built-in templates/handover.txt")
    let outside = Templates.defaults(environment: [:])
    #expect(try outside.text(of: "push.md").text == Templates.builtIn["push.md"])
    #expect(try Templates.defaults(environment: ["PUSHNOTE_TEMPLATES": configured]).text(of: "push.md").text == "configured push\n")
  }

  @Test func initFromTheBuiltInTemplatesOnly() async throws {
    let folder = try TemporaryDirectory()
    let written = try await NotebookInit.create(at: folder.appending("pushes"), templates: Templates.defaults(environment: [:]))
    #expect(written == ["pushnote.yml", "templates/push.md", "templates/mail.txt", "templates/handover.txt", ".gitignore"])
    #expect(try String(contentsOfFile: folder.appending("pushes/templates/push.md"), encoding: .utf8) == Templates.builtIn["push.md"])
  }

  @Test func aFailedInitLeavesNothingBehind() async throws {
    let folder = try TemporaryDirectory()
    let missing = Templates(searchPath: [folder.appending("nowhere")])
    await #expect(throws: NotebookError.self) { try await NotebookInit.create(at: folder.appending("pushes"), templates: missing) }
    #expect(!FileManager.default.fileExists(atPath: folder.appending("pushes")))

    // A folder that exists keeps what it had, and gets nothing new, when git cannot commit.
    let existing = folder.appending("existing")
    try FileManager.default.createDirectory(atPath: existing, withIntermediateDirectories: true)
    try AtomicFile.write("mine\n", to: existing + "/notes.txt")
    try AtomicFile.write("not a git folder\n", to: existing + "/.git")
    await #expect(throws: (any Error).self) { try await NotebookInit.create(at: existing, templates: Templates.defaults(environment: [:])) }
    #expect(try FileManager.default.contentsOfDirectory(atPath: existing).sorted() == [".git", "notes.txt"])
  }
}
