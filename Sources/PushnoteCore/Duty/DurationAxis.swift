/// The duration axis: from zero to a round top above nearly every week, with round ticks.
struct DurationAxis {
  /// The top of the axis, in seconds.
  let top: Int
  /// Where the ticks are, in seconds, from 0.
  let ticks: [Int]

  init(durations: [Int]) {
    let sorted = durations.sorted()
    let highest = sorted.last ?? 3600
    let p95 = sorted.isEmpty ? highest : sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.95))]
    let ceiling = max(1800, highest > p95 * 3 / 2 ? p95 * 3 / 2 : highest)
    let steps = [900, 1800, 3600, 7200, 10_800, 14_400, 21_600, 43_200, 86_400, 172_800]
    let step = steps.first { ceiling / $0 <= 6 } ?? 172_800
    let top = (ceiling + step - 1) / step * step
    self.top = top
    ticks = Array(stride(from: 0, through: top, by: step))
  }

  /// An axis label: `0`, `30 min`, `1 h`, `1 h 30`.
  static func label(_ seconds: Int) -> String {
    let minutes = seconds / 60
    if minutes == 0 { return "0" }
    if minutes < 60 { return "\(minutes) min" }
    return minutes % 60 == 0 ? "\(minutes / 60) h" : "\(minutes / 60) h \(minutes % 60)"
  }
}
