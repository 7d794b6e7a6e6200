import Foundation
import PushnoteTestSupport
import Testing

/// What a command's start leaves out when the command does not need it.
@Suite struct StartUpTests {
  /// libssl and libcrypto are loaded on the first TLS handshake: `show`, `stats` or a sync over
  /// plain http never map them. (glibc's loader names each library it loads under `LD_DEBUG=libs`.)
  @Test func aCommandWithoutTLSLoadsNoOpenSSL() async throws {
    let folder = try TemporaryDirectory(prefix: "pushnote-start-up")
    let note = folder.appending("mkt-2026-12-01.md")
    try "# Marketplace push 2026-12-01\n\n## Monday\n\n- [x] tag zamboni\n".write(toFile: note, atomically: true, encoding: .utf8)
    let result = try await ProcessRunner.run(Fixtures.builtExecutable("pushnote"), ["show", note], environment: ["LD_DEBUG": "libs"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("libcmark"), "the loader said nothing: \(result.stderr.prefix(300))")
    #expect(!result.stderr.contains("libssl") && !result.stderr.contains("libcrypto"))
  }
}
