/// Next week's release manager, as the hand-over and the announcement name them.
///
/// This is the mail's own small reading of `rotation`, `swaps` and `skips` until the duty area's
/// `Rotation` type is on main: a swap names the person outright; a skipped date has nobody; otherwise
/// the rotation advances one person a push week, counted from the first push weekday of 1970, and
/// does not advance over skipped dates.
enum MailRotation {
  /// Who pushes on `date`; nil when the date is skipped or there is no rotation.
  static func releaseManager(for date: PushDate, config: NotebookConfig) -> String? {
    if let swapped = config.swaps[date] { return swapped }
    guard !config.rotation.isEmpty, !config.skips.contains(date) else { return nil }
    let firstPushDay = PushDate(daysSinceEpoch: 0).next(config.push.weekday)
    let weeks = (date.daysSinceEpoch - firstPushDay.daysSinceEpoch) / 7
    let skipped = config.skips.filter { $0 < date && $0 >= firstPushDay && $0.weekday == config.push.weekday }.count
    let count = config.rotation.count
    return config.rotation[((weeks - skipped) % count + count) % count]
  }

  /// The push date after `date` on which somebody pushes: a week later, then week by week over skips
  /// (at most a year ahead).
  static func nextPushDate(after date: PushDate, config: NotebookConfig) -> PushDate {
    var next = date.adding(days: 7)
    for _ in 0..<52 where config.skips.contains(next) { next = next.adding(days: 7) }
    return next
  }
}
