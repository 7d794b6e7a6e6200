/// Maps days to x: a linear scale over a date range, with date ticks a person can read.
struct DayScale {
  let first: PushDate
  let last: PushDate
  let left: Double
  let right: Double

  /// The x of a day.
  func x(_ day: PushDate) -> Double {
    let span = Double(max(1, last.daysSinceEpoch - first.daysSinceEpoch))
    return left + (right - left) * Double(day.daysSinceEpoch - first.daysSinceEpoch) / span
  }

  /// Ticks on 1 January of each year for long ranges, else on the first of every month or few months.
  func ticks() -> [(PushDate, String)] {
    let months = (last.year - first.year) * 12 + last.month - first.month
    // Whole years (one label a year up to twelve years, then every second or third), quarters, or months.
    let step = months > 30 ? 12 * (months / 12 / 12 + 1) : months > 14 ? 3 : 1
    let names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    var result: [(PushDate, String)] = []
    var year = first.year
    var month = step >= 12 ? 1 : first.month
    while let day = PushDate(year: year, month: month, day: 1), day <= last {
      if day >= first { result.append((day, step >= 12 ? String(year) : "\(names[month - 1]) \(year)")) }
      month += step
      while month > 12 {
        month -= 12
        year += 1
      }
    }
    return result
  }
}
