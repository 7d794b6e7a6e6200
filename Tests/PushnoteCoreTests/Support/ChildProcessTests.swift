import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

/// git children get the environment they need and none of pushnote's secrets.
@Suite struct ChildProcessTests {
  @Test func pushnoteVariablesAreLeftOutAndOverridesWin() {
    let environment = ChildProcess.environment(
      ["GIT_TERMINAL_PROMPT": "0", "HOME": "/elsewhere"],
      from: ["PUSHNOTE_PAD_APIKEY": "k", "PUSHNOTE_JENKINS_TOKEN": "t", "PATH": "/bin", "HOME": "/home/rm", "GIT_DIR": "x"])
    #expect(environment == ["PATH": "/bin", "HOME": "/elsewhere", "GIT_DIR": "x", "GIT_TERMINAL_PROMPT": "0"])
  }

  @Test func gitSeesNoPushnoteSecret() async throws {
    let folder = try TemporaryDirectory(prefix: "pushnote-child")
    let variable = "PUSHNOTE_TEST_SECRET_\(UUID().uuidString.replacingOccurrences(of: "-", with: "_"))"
    setenv(variable, "s3cret-for-git", 1)
    defer { unsetenv(variable) }
    // A shell alias prints the environment git passes to what it runs.
    let environment = try await Git(directory: folder.path).run(["-c", "alias.showenv=!env", "showenv"], environment: ["GIT_EXTRA": "1"])
    #expect(!environment.contains("s3cret-for-git"))
    #expect(!environment.contains("PUSHNOTE_"))
    #expect(environment.contains("GIT_TERMINAL_PROMPT=0") && environment.contains("GIT_EXTRA=1") && environment.contains("PATH="))
  }

  @Test func aProgramIsTheFirstExecutableFileOnThePath() throws {
    let folder = try TemporaryDirectory(prefix: "pushnote-child-path")
    let (plain, folderNamed, runnable) = (folder.appending("plain"), folder.appending("named"), folder.appending("runnable"))
    for directory in [plain, folderNamed, runnable] {
      try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }
    try AtomicFile.write("not a program\n", to: plain + "/tool")
    try FileManager.default.createDirectory(atPath: folderNamed + "/tool", withIntermediateDirectories: true)
    try AtomicFile.write("#!/bin/sh\n", to: runnable + "/tool")
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: runnable + "/tool")
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folderNamed + "/tool")

    // A file that is not executable, and a folder of that name, are passed over.
    #expect(ChildProcess.executable(named: "tool", searchPath: "\(plain):\(folderNamed):\(runnable)/") == runnable + "/tool")
    #expect(ChildProcess.executable(named: "missing", searchPath: "\(plain):\(runnable)") == nil)
    #expect(ChildProcess.executable(named: "/opt/x/tool", searchPath: nil) == "/opt/x/tool")
    // Where the child's own working directory would decide, the name is left to Subprocess.
    for path in [nil, "", "bin:\(runnable)", "\(plain)::\(runnable)", ":\(runnable)"] {
      #expect(ChildProcess.executable(named: "tool", searchPath: path) == nil, "\(path ?? "unset")")
    }
    #expect(ChildProcess.executable(named: "tool", searchPath: "\(runnable):bin") == runnable + "/tool")
  }
}
