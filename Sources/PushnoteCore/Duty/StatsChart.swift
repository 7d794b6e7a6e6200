import Foundation

/// An SVG chart of push duration per week over time: a dot a week, repeat pushes marked, the
/// quarter's median as a line, dates along the bottom and hours up the side.
///
/// Durations far above the rest (more than one and a half times the 95th percentile) are drawn at
/// the top edge as a triangle with their value, so that one runaway week does not flatten the others.
public struct StatsChart: Sendable {
  /// The figures drawn.
  public let stats: DutyStats
  /// The product, for the title.
  public let product: String

  /// The drawing's size in pixels.
  static let width = 1000.0
  static let height = 480.0
  private static let plotLeft = 80.0
  private static let plotRight = width - 30
  private static let plotTop = 112.0
  private static let plotBottom = height - 70
  private static let ordinary = "#2563eb"
  private static let repeatColor = "#ea580c"
  private static let medianColor = "#111827"
  private static let missingColor = "#9ca3af"

  /// A chart of the figures.
  public init(stats: DutyStats, product: String) {
    self.stats = stats
    self.product = product
  }

  /// The SVG document.
  public var svg: String {
    var parts: [String] = [
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(Self.width))\" height=\"\(Int(Self.height))\" "
        + "viewBox=\"0 0 \(Int(Self.width)) \(Int(Self.height))\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">",
      "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>",
      text(x: Self.plotLeft, y: 32, "\(product): push duration per week", size: 20, weight: "bold"),
      text(x: Self.plotLeft, y: 56, subtitle, size: 13, color: "#4b5563"),
    ]
    guard let first = stats.weeks.first?.date, let last = stats.weeks.last?.date else {
      parts.append(text(x: Self.width / 2, y: Self.height / 2, "No notes with a push date yet.", size: 16, anchor: "middle"))
      return (parts + ["</svg>"]).joined(separator: "\n") + "\n"
    }
    let xScale = DayScale(first: first.adding(days: -7), last: last.adding(days: 7), left: Self.plotLeft, right: Self.plotRight)
    let yAxis = DurationAxis(durations: stats.weeks.compactMap(\.durationSeconds))
    let y = { (seconds: Int) in Self.plotBottom - (Self.plotBottom - Self.plotTop) * Double(min(seconds, yAxis.top)) / Double(yAxis.top) }
    parts += yAxis.ticks.map { seconds in
      line(x1: Self.plotLeft, y1: y(seconds), x2: Self.plotRight, y2: y(seconds), color: seconds == 0 ? "#374151" : "#e5e7eb")
        + text(x: Self.plotLeft - 8, y: y(seconds) + 4, DurationAxis.label(seconds), size: 12, anchor: "end", color: "#374151")
    }
    for (day, label) in xScale.ticks() {
      let x = xScale.x(day)
      parts.append(line(x1: x, y1: Self.plotBottom, x2: x, y2: Self.plotBottom + 6, color: "#374151"))
      parts.append(text(x: x, y: Self.plotBottom + 22, label, size: 12, anchor: "middle", color: "#374151"))
    }
    parts.append(
      text(x: (Self.plotLeft + Self.plotRight) / 2, y: Self.height - 18, "push date", size: 13, anchor: "middle", color: "#374151"))
    parts.append(
      "<text x=\"22\" y=\"\(format((Self.plotTop + Self.plotBottom) / 2))\" font-size=\"13\" fill=\"#374151\" text-anchor=\"middle\" "
        + "transform=\"rotate(-90 22 \(format((Self.plotTop + Self.plotBottom) / 2)))\">push duration</text>")
    parts += medianLines(xScale: xScale, y: y)
    parts += stats.weeks.map { dot(for: $0, x: xScale.x($0.date), y: y, clippedAbove: yAxis.top) }
    parts += legend()
    parts.append("</svg>")
    return parts.joined(separator: "\n") + "\n"
  }

  private var subtitle: String {
    let totals = stats.totals
    var pieces = ["\(totals.weeks) weeks"]
    if let first = stats.weeks.first?.date, let last = stats.weeks.last?.date { pieces.append("\(first) to \(last)") }
    if let median = totals.medianDurationSeconds { pieces.append("median \(DutyStats.formatDuration(median))") }
    pieces.append("\(Int((totals.repeatPushShare * 100).rounded()))% of weeks with a repeat push")
    if totals.weeks > totals.weeksWithDuration { pieces.append("\(totals.weeks - totals.weeksWithDuration) without a duration") }
    return pieces.joined(separator: " · ")
  }

  private func medianLines(xScale: DayScale, y: (Int) -> Double) -> [String] {
    stats.quarters.compactMap { quarter in
      guard let median = quarter.medianDurationSeconds, let start = Self.quarterStart(quarter.quarter) else { return nil }
      let end = Self.quarterStart(of: start.month + 3, year: start.year)
      let x1 = max(Self.plotLeft, xScale.x(start))
      let x2 = min(Self.plotRight, xScale.x(end))
      return "<line x1=\"\(format(x1))\" y1=\"\(format(y(median)))\" x2=\"\(format(x2))\" y2=\"\(format(y(median)))\" "
        + "stroke=\"\(Self.medianColor)\" stroke-width=\"2.5\" stroke-linecap=\"round\" opacity=\"0.75\">"
        + "<title>\(escape("\(quarter.quarter): median \(DutyStats.formatDuration(median)) over \(quarter.weeks) weeks"))</title></line>"
    }
  }

  private func dot(for week: WeekStats, x: Double, y: (Int) -> Double, clippedAbove top: Int) -> String {
    let pushes = week.pushes > 1 ? ", \(week.pushes) pushes" : ""
    let manager = week.releaseManager.map { ", \($0)" } ?? ""
    guard let seconds = week.durationSeconds else {
      let tip = escape("\(week.date): no duration in the note\(pushes)\(manager)")
      return "<circle cx=\"\(format(x))\" cy=\"\(format(Self.plotBottom - 4))\" r=\"2.5\" fill=\"none\" stroke=\"\(Self.missingColor)\">"
        + "<title>\(tip)</title></circle>"
    }
    let tip = escape("\(week.date): \(DutyStats.formatDuration(seconds))\(pushes)\(manager)")
    let color = week.repeated ? Self.repeatColor : Self.ordinary
    if seconds > top {
      let tipY = Self.plotTop
      return
        "<g><path d=\"M\(format(x - 6)),\(format(tipY + 8)) L\(format(x)),\(format(tipY - 2)) L\(format(x + 6)),\(format(tipY + 8)) Z\" "
        + "fill=\"\(color)\"><title>\(tip)</title></path>"
        + text(x: x, y: tipY - 6, DutyStats.formatDuration(seconds), size: 11, anchor: "middle", color: color) + "</g>"
    }
    if week.repeated {
      return
        "<g><circle cx=\"\(format(x))\" cy=\"\(format(y(seconds)))\" r=\"5.5\" fill=\"\(color)\" stroke=\"#ffffff\" stroke-width=\"1.5\">"
        + "<title>\(tip)</title></circle>"
        + (week.pushes > 2 ? repeatLabel(week.pushes, x: x, y: y(seconds), color: color) : "") + "</g>"
    }
    return
      "<circle cx=\"\(format(x))\" cy=\"\(format(y(seconds)))\" r=\"3.5\" fill=\"\(color)\" fill-opacity=\"0.8\"><title>\(tip)</title></circle>"
  }

  /// `×3` beside a dot, on its left near the right edge.
  private func repeatLabel(_ pushes: Int, x: Double, y: Double, color: String) -> String {
    let nearEdge = x > Self.plotRight - 24
    return text(x: nearEdge ? x - 8 : x + 8, y: y - 6, "×\(pushes)", size: 11, anchor: nearEdge ? "end" : "start", color: color)
  }

  private func legend() -> [String] {
    let y = 72.0
    var x = Self.plotLeft
    var parts: [String] = []
    func entry(_ symbol: String, _ label: String, width: Double) {
      parts.append(symbol + text(x: x + 14, y: y + 4, label, size: 12, color: "#374151"))
      x += width
    }
    entry("<circle cx=\"\(format(x + 5))\" cy=\"\(format(y))\" r=\"3.5\" fill=\"\(Self.ordinary)\"/>", "one push", width: 95)
    entry(
      "<circle cx=\"\(format(x + 5))\" cy=\"\(format(y))\" r=\"5.5\" fill=\"\(Self.repeatColor)\"/>",
      "repeat push (×N: N pushes)", width: 200)
    entry(
      "<line x1=\"\(format(x - 2))\" y1=\"\(format(y))\" x2=\"\(format(x + 12))\" y2=\"\(format(y))\" stroke=\"\(Self.medianColor)\" stroke-width=\"2.5\"/>",
      "quarter median", width: 130)
    entry(
      "<circle cx=\"\(format(x + 5))\" cy=\"\(format(y))\" r=\"2.5\" fill=\"none\" stroke=\"\(Self.missingColor)\"/>",
      "no duration in the note", width: 180)
    return parts
  }

  private func text(
    x: Double, y: Double, _ content: String, size: Int, anchor: String = "start", weight: String = "normal", color: String = "#111827"
  ) -> String {
    "<text x=\"\(format(x))\" y=\"\(format(y))\" font-size=\"\(size)\" font-weight=\"\(weight)\" fill=\"\(color)\" "
      + "text-anchor=\"\(anchor)\">\(escape(content))</text>"
  }

  private func line(x1: Double, y1: Double, x2: Double, y2: Double, color: String) -> String {
    "<line x1=\"\(format(x1))\" y1=\"\(format(y1))\" x2=\"\(format(x2))\" y2=\"\(format(y2))\" stroke=\"\(color)\" stroke-width=\"1\"/>"
  }

  private func format(_ value: Double) -> String { String(format: "%.1f", value) }

  private func escape(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
  }

  /// The first day of a quarter named `2017-Q2`.
  private static func quarterStart(_ name: String) -> PushDate? {
    let parts = name.split(separator: "-")
    guard parts.count == 2, let year = Int(parts[0]), let quarter = Int(parts[1].dropFirst()) else { return nil }
    return PushDate(year: year, month: (quarter - 1) * 3 + 1, day: 1)
  }

  /// The first day of a month, carrying months past December into the next year.
  private static func quarterStart(of month: Int, year: Int) -> PushDate {
    PushDate(year: year + (month - 1) / 12, month: (month - 1) % 12 + 1, day: 1) ?? PushDate(daysSinceEpoch: 0)
  }
}
