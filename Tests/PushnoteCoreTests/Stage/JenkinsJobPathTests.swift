import Foundation
import PushnoteCore
import Testing

/// Job names to URL paths: folders, spaces and other characters.
@Suite struct JenkinsJobPathTests {
  @Test(arguments: [
    ("bazaar-stage-api", "/job/bazaar-stage-api"),
    ("web/deploy", "/job/web/job/deploy"),
    ("web/team a/deploy api", "/job/web/job/team%20a/job/deploy%20api"),
    ("/web//deploy/", "/job/web/job/deploy"),
    ("déploiement #1?", "/job/d%C3%A9ploiement%20%231%3F"),
    ("a+b&c=d", "/job/a%2Bb%26c%3Dd"),
    ("keep-._~", "/job/keep-._~"),
  ])
  func namesBecomeEscapedPaths(name: String, path: String) throws {
    let job = JenkinsJobPath(name)
    #expect(job.urlPath == path)
    let url = try #require(URL(string: "https://ci.example.org/jenkins" + job.urlPath))
    let decoded = url.path.split(separator: "/").enumerated().filter { $0.offset % 2 == 0 && $0.offset > 0 }.map { String($0.element) }
    #expect(decoded == job.components, "the URL's path decodes to the names")
  }

  @Test func theNameIsKeptAsWritten() {
    #expect(JenkinsJobPath("web/ deploy api ").description == "web/deploy api")
  }
}
