import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

@Suite struct DutyStatsCommandTests {
  @Test func writesJSONCSVAndAChartAndWarnsOnStandardError() async throws {
    let folder = try TemporaryDirectory()
    let svg = folder.appending("chart.svg")
    let csv = folder.appending("weeks.csv")
    let result = try await ProcessRunner.run(
      Fixtures.builtExecutable("pushnote"),
      ["stats", "--notebook", Fixtures.fixture("amo"), "--since", "2017-04-01", "--json", "--svg", svg, "--csv", csv])
    #expect(result.status == 0, "\(result.stderr)")
    let stats = try JSONDecoder().decode(DutyStats.self, from: Data(result.stdout.utf8))
    #expect(stats.weeks.count == 23)
    #expect(stats.weeks.first?.date.iso == "2017-04-13")
    #expect(stats.warnings.contains { $0.file == "2018/09/06.md" && $0.line == 32 })
    #expect(try String(contentsOfFile: csv, encoding: .utf8).components(separatedBy: "\r\n").count == 23 + 2)
    #expect(try String(contentsOfFile: svg, encoding: .utf8).contains("23 weeks · 2017-04-13 to 2024-03-14"))
  }

  @Test func printsATableAndLintWarnings() async throws {
    let result = try await ProcessRunner.run(Fixtures.builtExecutable("pushnote"), ["stats", "--notebook", Fixtures.fixture("amo")])
    #expect(result.status == 0)
    #expect(result.stdout.contains("\n2017-07-20  mat "))
    #expect(result.stdout.contains("24 weeks (3 with a duration): median duration 39 min"))
    #expect(result.stderr.contains("2018/09/06.md:32:1: warning: no time read in timeline entry 'start'\n"))
  }

  @Test func aBadSinceDateIsAUsageError() async throws {
    let result = try await ProcessRunner.run(
      Fixtures.builtExecutable("pushnote"), ["stats", "--notebook", Fixtures.fixture("amo"), "--since", "2017-13-01"])
    #expect(result.status == 64)
    #expect(result.stderr.contains("'2017-13-01' is not a date"))
  }
}
