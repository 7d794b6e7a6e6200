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
}
