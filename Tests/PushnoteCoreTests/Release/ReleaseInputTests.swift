import Foundation
import Testing

@testable import PushnoteCore

@Suite struct ReleaseInputTests {
  private let git = Git(directory: FileManager.default.temporaryDirectory.path)

  @Test func commitsAreFourToFortyHexDigitsInLowerCase() throws {
    #expect(try ReleaseInput.commit("ABCDEF12") == "abcdef12")
    #expect(try ReleaseInput.commit(String(repeating: "a", count: 40)).count == 40)
    for bad in ["abc", String(repeating: "a", count: 41), "abcdefg", "--upload-pack=x", "$(touch x)", "abcd;ls", "abcd ", "ａｂｃｄ"] {
      #expect(throws: ReleaseError.invalidCommit(bad)) { try ReleaseInput.commit(bad) }
    }
  }

  @Test func tagsArePushTagsThatGitAccepts() async throws {
    #expect(try await ReleaseInput.tag("2026.12.01-2", git: git) == PushTag("2026.12.01-2"))
    for bad in ["YYYY.MM.DD", "2026.12.01-0", "2026.12.01;x", "2026-12-01", "v2026.12.01", "2026.12.01 ", "2026.13.01"] {
      await #expect(throws: ReleaseError.invalidTag(bad)) { _ = try await ReleaseInput.tag(bad, git: git) }
    }
  }

  @Test func branchesArePlainRefNames() async throws {
    #expect(try await ReleaseInput.branch("release/2026.12", git: git) == "release/2026.12")
    for bad in ["-x", "--upload-pack=x", "a..b", "a b", "refs/heads/main", "x;y", "$(x)", "a/", "main.lock", "@{-1}", ""] {
      await #expect(throws: ReleaseError.invalidRef(bad)) { _ = try await ReleaseInput.branch(bad, git: git) }
    }
  }

  @Test func repositoryNamesCanNameAFolder() throws {
    try ReleaseInput.checkPathSafe("acme/api")
    try ReleaseInput.checkPathSafe("group/sub.group/my_api-2")
    for bad in ["acme", "../x", "acme/..", "acme/.", "/acme/api", "acme//api", "-x/y", "a b/c", "acme/api/"] {
      #expect(throws: ReleaseError.invalidRepositoryName(bad)) { try ReleaseInput.checkPathSafe(bad) }
    }
  }

  @Test func repositoriesComeFromTheConfigurationOnly() throws {
    let config = try NotebookConfig(yaml: "repositories:\n  - {name: acme/api, git: /nowhere}\n", path: "pushnote.yml")
    #expect(try ReleaseInput.repository(named: "acme/api", in: config).git == "/nowhere")
    #expect(throws: ReleaseError.unknownRepository("acme/API", known: ["acme/api"])) {
      try ReleaseInput.repository(named: "acme/API", in: config)
    }
  }

  @Test func changeSummaryJSONCarriesCountAndAuthors() throws {
    let summary = ChangeSummary(
      commits: [
        .init(sha: "a1", author: "Ada", subject: "One"), .init(sha: "b2", author: "Bo", subject: "Two"),
        .init(sha: "c3", author: "Ada", subject: "Three"),
      ],
      migrations: ["migrations/1.sql"])
    let object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(summary)) as? [String: Any])
    #expect(object["count"] as? Int == 3)
    #expect(object["authors"] as? [String] == ["Ada", "Bo"])
    #expect(object["migrations"] as? [String] == ["migrations/1.sql"])
  }
}
