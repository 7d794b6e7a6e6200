import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

/// Where the Jenkins credentials come from, and which files are refused.
@Suite struct JenkinsCredentialsTests {
  private let notebook: TemporaryDirectory
  private let home: TemporaryDirectory

  init() throws {
    notebook = try TemporaryDirectory(prefix: "pushnote-notebook")
    home = try TemporaryDirectory(prefix: "pushnote-home")
  }

  private func file(_ text: String, mode: Int = 0o600, at path: String? = nil) throws -> String {
    let path = path ?? home.appending("credentials")
    try AtomicFile.write(text, to: path)
    try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    return path
  }

  private func load(_ environment: [String: String]) throws(StageError) -> JenkinsCredentials? {
    try JenkinsCredentials.load(environment: ["HOME": home.path].merging(environment) { $1 }, notebookRoot: notebook.path)
  }

  @Test func theEnvironmentComesFirst() throws {
    let path = try file("PUSHNOTE_JENKINS_USER=file-user\nPUSHNOTE_JENKINS_TOKEN=file-token\n")
    let found = try load(["PUSHNOTE_JENKINS_USER": "env-user", "PUSHNOTE_JENKINS_TOKEN": "env-token", "PUSHNOTE_CREDENTIALS": path])
    #expect(found == JenkinsCredentials(user: "env-user", token: "env-token", source: .environment))
  }

  @Test func nothingAnywhereMeansAnonymous() throws {
    #expect(try load([:]) == nil)
    #expect(try load(["PUSHNOTE_JENKINS_USER": "", "PUSHNOTE_JENKINS_TOKEN": ""]) == nil)
  }

  @Test func halfAPairIsAnError() {
    #expect(throws: StageError.incompleteCredentials(missing: "PUSHNOTE_JENKINS_TOKEN (in the environment)")) {
      try load(["PUSHNOTE_JENKINS_USER": "rm"])
    }
  }

  @Test func aPrivateFileIsRead() throws {
    let config = home.appending("xdg")
    try FileManager.default.createDirectory(atPath: config + "/pushnote", withIntermediateDirectories: true)
    let path = try file(
      "# pushnote secrets\n\nPUSHNOTE_PAD_APIKEY=other\nexport PUSHNOTE_JENKINS_USER = 'rm bot'\nPUSHNOTE_JENKINS_TOKEN=\"t=ok\"\n",
      at: config + "/pushnote/credentials")
    let found = try load(["XDG_CONFIG_HOME": config])
    #expect(found == JenkinsCredentials(user: "rm bot", token: "t=ok", source: .file(path)))
    #expect(found?.description == "user rm bot (from \(path))")
  }

  @Test func theDefaultFileIsUnderTheHomeConfig() throws {
    try FileManager.default.createDirectory(atPath: home.appending(".config/pushnote"), withIntermediateDirectories: true)
    let path = try file("PUSHNOTE_JENKINS_USER=u\nPUSHNOTE_JENKINS_TOKEN=t\n", at: home.appending(".config/pushnote/credentials"))
    #expect(try load([:])?.source == .file(path))
  }

  @Test func unsafeFilesAreRefusedWithoutShowingTheirContent() throws {
    let readable = try file("PUSHNOTE_JENKINS_USER=u\nPUSHNOTE_JENKINS_TOKEN=hunter2\n", mode: 0o640)
    let refused = #expect(throws: StageError.self) { try load(["PUSHNOTE_CREDENTIALS": readable]) }
    #expect(refused?.exitStatus == .configuration && refused?.description.contains("chmod 600") == true)

    let inside = try file("PUSHNOTE_JENKINS_USER=u\nPUSHNOTE_JENKINS_TOKEN=hunter2\n", at: notebook.appending("credentials"))
    let tracked = #expect(throws: StageError.self) { try load(["PUSHNOTE_CREDENTIALS": inside]) }
    #expect(tracked?.description.contains("inside the notebook") == true)

    let malformed = try file("PUSHNOTE_JENKINS_USER u\nhunter2\n")
    let broken = #expect(throws: StageError.self) { try load(["PUSHNOTE_CREDENTIALS": malformed]) }
    #expect(broken == .credentialsFile(path: malformed, problem: "line 1 is not KEY=value"))

    let missing = #expect(throws: StageError.self) { try load(["PUSHNOTE_CREDENTIALS": home.appending("nope")]) }
    #expect(missing?.exitStatus == .configuration)
    for error in [refused, tracked, broken, missing] { #expect(error?.description.contains("hunter2") == false) }
  }

  @Test func theTokenIsNeverDescribed() {
    let credentials = JenkinsCredentials(user: "rm", token: "s3cr3t-token")
    #expect(!credentials.description.contains("s3cr3t"))
    #expect(!String(reflecting: credentials).contains("s3cr3t"))
    var dumped = ""
    dump(credentials, to: &dumped)
    #expect(dumped.contains("rm") && !dumped.contains("s3cr3t"))
  }
}
