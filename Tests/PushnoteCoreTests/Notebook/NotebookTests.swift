import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

@Suite struct NotebookTests {
  @Test func locatesTheNotebookAsDesignSays() throws {
    let folder = try TemporaryDirectory()
    let nested = folder.appending("a/b")
    try FileManager.default.createDirectory(atPath: nested, withIntermediateDirectories: true)
    try "product: X\n".write(toFile: folder.appending("pushnote.yml"), atomically: true, encoding: .utf8)
    #expect(try Notebook.locate(explicit: "nb", environment: [:], workingDirectory: "/tmp") == "/tmp/nb")
    #expect(try Notebook.locate(explicit: nil, environment: ["PUSHNOTE_NOTEBOOK": "/x"], workingDirectory: nested) == "/x")
    #expect(
      try Notebook.locate(explicit: nil, environment: [:], workingDirectory: nested)
        == URL(fileURLWithPath: folder.path).standardizedFileURL.path)
    let empty = try TemporaryDirectory()
    #expect(throws: NotebookError.notebookNotFound(searchedFrom: empty.path)) {
      try Notebook.locate(explicit: nil, environment: [:], workingDirectory: empty.path)
    }
  }

  @Test func namesFollowThePushDate() throws {
    let notebook = Notebook(root: "/nb", config: NotebookConfig())
    let date = try #require(PushDate("2026-12-01"))
    #expect(notebook.tag(for: date).name == "2026.12.01")
    #expect(notebook.padID(for: date) == "mkt-2026-12-01")
    #expect(notebook.notePath(for: date) == "/nb/2026/mkt-2026-12-01.md")
    #expect(notebook.tagDate(for: date).iso == "2026-11-27")
    #expect(notebook.relativePath("/nb/2026/mkt-2026-12-01.md") == "2026/mkt-2026-12-01.md")
    #expect(throws: NotebookError.notPushDay(try #require(PushDate("2026-12-02")), pushWeekday: .tuesday)) {
      try notebook.requirePushDay(try #require(PushDate("2026-12-02")), force: false)
    }
    #expect(throws: Never.self) { try notebook.requirePushDay(try #require(PushDate("2026-12-02")), force: true) }
  }

  @Test func comingPushDateIsInTheTeamZone() throws {
    let notebook = Notebook(root: "/nb", config: NotebookConfig())
    // Tuesday 2026-12-01 07:30 UTC is still Monday evening in Los Angeles.
    let mondayEvening = Date(timeIntervalSince1970: 1_796_110_200)
    #expect(notebook.comingPushDate(now: mondayEvening).iso == "2026-12-01")
    // Wednesday after the push: the next week's Tuesday.
    #expect(notebook.comingPushDate(now: mondayEvening.addingTimeInterval(2 * 86_400)).iso == "2026-12-08")
  }

  @Test(arguments: [
    ("2026/mkt-2026-12-01.md", "2026-12-01"), ("2026-12-01.md", "2026-12-01"), ("2017/06/15.md", "2017-06-15"),
    ("notes/readme.md", nil), ("2026/13/40.md", nil),
  ])
  func datesFromPaths(path: String, expected: String?) {
    #expect(Notebook.date(fromPath: path)?.iso == expected)
  }

  /// Which files are notes: `*.md` at any depth, hidden folders and links to files included; not
  /// the reserved folders at the top, README files, folders named like notes, or what a link to a
  /// folder leads to.
  @Test func noteFilesWalkTheFoldersButNotLinksToFolders() throws {
    let folder = try TemporaryDirectory()
    let outside = try TemporaryDirectory()
    let notes = ["2026/mkt-2026-11-24.md", ".hidden/2026-12-08.md", "a/b/c/2027-01-05.md", "2026/README.md", "top.md"]
    let ignored = ["templates/push.md", ".pushnote/base/mkt-2026-11-24.md", ".git/x.md", "2026/readme.MD", "2026/notes.txt"]
    for relative in notes + ignored {
      let path = folder.appending(relative)
      try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      try "# note\n".write(toFile: path, atomically: true, encoding: .utf8)
    }
    try FileManager.default.createDirectory(atPath: folder.appending("2026/folder.md"), withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: folder.appending("sub/templates"), withIntermediateDirectories: true)
    try "# nested templates are notes\n".write(toFile: folder.appending("sub/templates/2026-12-15.md"), atomically: true, encoding: .utf8)
    try "# outside\n".write(toFile: outside.appending("2026-12-22.md"), atomically: true, encoding: .utf8)
    try FileManager.default.createSymbolicLink(atPath: folder.appending("linked"), withDestinationPath: outside.path)
    try FileManager.default.createSymbolicLink(
      atPath: folder.appending("2026/mkt-2026-12-29.md"), withDestinationPath: folder.appending("2026/mkt-2026-11-24.md"))

    let notebook = Notebook(root: folder.path, config: NotebookConfig())
    let found = notebook.noteFiles()
    #expect(
      found.map(\.relativePath) == [
        "top.md", "2026/mkt-2026-11-24.md", ".hidden/2026-12-08.md", "sub/templates/2026-12-15.md", "2026/mkt-2026-12-29.md",
        "a/b/c/2027-01-05.md",
      ])
    #expect(found.allSatisfy { $0.path == folder.path + "/" + $0.relativePath && notebook.relativePath($0.path) == $0.relativePath })
  }

  @Test func findsNotesAndResolvesArguments() throws {
    let folder = try TemporaryDirectory()
    for relative in ["2026/mkt-2026-11-24.md", "2026/mkt-2026-12-01.md", "templates/push.md", "2017/06/15.md"] {
      let path = folder.appending(relative)
      try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      try "# note\n".write(toFile: path, atomically: true, encoding: .utf8)
    }
    let notebook = Notebook(root: folder.path, config: NotebookConfig())
    #expect(notebook.noteFiles().map { $0.date?.iso ?? "-" } == ["2017-06-15", "2026-11-24", "2026-12-01"])
    let december = notebook.notePath(for: try #require(PushDate("2026-12-01")))
    #expect(try notebook.resolveNote("2026-12-01") == december)
    #expect(try notebook.resolveNote("mkt-2026-12-01") == december)
    #expect(try notebook.resolveNote("2026/mkt-2026-12-01.md", workingDirectory: "/") == december)
    #expect(throws: NotebookError.noteNotFound(argument: "2026-12-08")) { try notebook.resolveNote("2026-12-08") }
    // This week's note: the coming push day's, else the latest before it.
    let saturday = Date(timeIntervalSince1970: 1_795_896_000)  // 2026-11-28 20:00 UTC
    #expect(try notebook.resolveNote(nil, now: saturday) == december)
    let later = saturday.addingTimeInterval(30 * 86_400)
    #expect(try notebook.resolveNote(nil, now: later) == december)
  }
}
