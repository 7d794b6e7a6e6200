import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

@Suite struct StatsChartTests {
  /// Two and a half years of weeks: durations that wander, a repeat push every fifth week, a runaway
  /// week and weeks without a duration.
  static func stats() throws -> DutyStats {
    var weeks: [WeekStats] = []
    let first = try #require(PushDate("2016-01-05"))
    for index in 0..<130 {
      let minutes = index == 77 ? 1_400 : 50 + (index * 37) % 90
      let json = """
        {"date": "\(first.adding(days: 7 * index).iso)", "file": "w\(index).md", "pushes": \(index % 5 == 0 ? 1 + index % 3 : 1),
         "cherry_picks": 0, "checklist_done": 3, "checklist_total": 4\(index % 11 == 3 ? "" : ", \"duration_seconds\": \(minutes * 60)")}
        """
      weeks.append(try JSONDecoder().decode(WeekStats.self, from: Data(json.utf8)))
    }
    return DutyStats(weeks: weeks, warnings: [])
  }

  @Test func drawsAWeekEachWithAxesAndLegend() throws {
    let stats = try Self.stats()
    let svg = StatsChart(stats: stats, product: "Bazaar & Co").svg
    #expect(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""))
    #expect(svg.contains("Bazaar &amp; Co: push duration per week"))
    // One <title> per week (dot, triangle or missing mark), one per quarter median.
    let titles = svg.components(separatedBy: "<title>").count - 1
    #expect(titles == stats.weeks.count + stats.quarters.count { $0.medianDurationSeconds != nil })
    for label in ["2016", "2017", "2018", "push date", "push duration", "repeat push (×N: N pushes)", "quarter median"] {
      #expect(svg.contains(">\(label)</text>"), "missing \(label)")
    }
    #expect(svg.contains(">23 h 20 min</text>"), "the runaway week is drawn at the top with its value")
    #expect(svg.contains("2017-06-27: 23 h 20 min"))
    #expect(svg.contains(">2 h</text>") && svg.contains(">30 min</text>"))
  }

  @Test func rendersToAPNGWithRsvg() async throws {
    let folder = try TemporaryDirectory()
    let svgPath = folder.appending("chart.svg")
    let pngPath = folder.appending("chart.png")
    try AtomicFile.write(StatsChart(stats: try Self.stats(), product: "Bazaar").svg, to: svgPath)
    let result = try await ProcessRunner.run("rsvg-convert", ["-o", pngPath, svgPath])
    _ = await try? ProcessRunner.run("cp", [pngPath, "/tmp/duty-chart.png"])
    #expect(result.status == 0, "rsvg-convert: \(result.stderr)")
    let png = try AtomicFile.read(pngPath)
    #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
    // IHDR: width and height, big-endian, at bytes 16 and 20.
    let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }
    let height = png[20..<24].reduce(0) { $0 << 8 | Int($1) }
    #expect((width, height) == (1000, 480))
    #expect(png.count > 10_000, "a chart with 130 weeks is more than a blank page")
  }

  @Test func anEmptyNotebookStillGivesAChart() throws {
    let svg = StatsChart(stats: DutyStats(weeks: [], warnings: []), product: "Bazaar").svg
    #expect(svg.contains("No notes with a push date yet."))
    #expect(svg.hasSuffix("</svg>\n"))
  }
}
