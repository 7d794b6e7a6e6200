import Foundation

/// The timing every benchmark shares: medians of repeated wall-clock runs.
enum Timing {
  /// The median of some values (0 for none).
  static func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
  }

  /// The median wall-clock seconds of `runs` runs of `body` (at least one).
  static func medianSeconds(_ runs: Int, _ body: () throws -> Void) throws -> Double {
    var times: [Double] = []
    for _ in 0..<max(1, runs) {
      let start = ContinuousClock.now
      try body()
      times.append((ContinuousClock.now - start).seconds)
    }
    return median(times)
  }

  /// Seconds as `0.123 0.456 ...`, for printing every run.
  static func format(_ values: [Double]) -> String { values.map { String(format: "%.3f", $0) }.joined(separator: " ") }
}
