import Foundation

/// Who is release manager on which push date: the rotation of `pushnote.yml` with its swaps and skips.
///
/// The rule, stable over time so that a schedule printed today still holds next year:
///
/// - Push weeks are counted from a fixed anchor, the first push weekday on or after Monday 1970-01-05
///   (``anchor(pushWeekday:)``). Week `w` is the `w`-th push date after it.
/// - A skipped date (`skips:`) is a week without a push: nobody is on duty and the rotation does not
///   advance, so the person who would have pushed pushes the week after. Only skips on or after the
///   anchor and before the date count.
/// - The person on duty on a push date is `rotation[(w - skipsBefore) mod count]`.
/// - A swap (`swaps:`) names who stands in on one date. It overrides that date only: the turn still
///   counts, so the weeks around it are unchanged.
///
/// Changing the rotation's list or adding a past skip moves later turns; adding a future skip or any
/// swap moves nothing before it.
public struct Rotation: Sendable, Equatable {
  /// Release managers in turn.
  public let people: [String]
  /// Stand-ins by date.
  public let swaps: [PushDate: String]
  /// Push dates without a push, sorted.
  public let skips: [PushDate]
  /// The weekday pushes happen on.
  public let pushWeekday: Weekday

  /// One push date of the schedule and who is on duty.
  public struct Turn: Sendable, Equatable, Codable {
    /// Why the person is (or nobody is) on duty that date.
    public enum Reason: String, Sendable, Codable {
      /// Their turn in the rotation.
      case rotation
      /// A swap in `pushnote.yml` names them.
      case swap
      /// The date is skipped: no push, nobody on duty.
      case skip
    }

    /// The push date.
    public var date: PushDate
    /// The release manager; nil on a skipped date.
    public var person: String?
    /// Why.
    public var reason: Reason

    /// Creates a turn.
    public init(date: PushDate, person: String?, reason: Reason) {
      self.date = date
      self.person = person
      self.reason = reason
    }
  }

  /// The rotation a configuration describes.
  ///
  /// Skips on other weekdays than the push day are ignored (``NotebookConfig`` refuses them when it
  /// reads `pushnote.yml`).
  public init(config: NotebookConfig) {
    people = config.rotation
    swaps = config.swaps
    pushWeekday = config.push.weekday
    skips = config.skips.filter { $0.weekday == config.push.weekday }.sorted()
  }

  /// The rotation of a notebook, refusing a notebook without one.
  ///
  /// - Throws: ``DutyError/noRotation(configPath:)`` when `rotation:` is missing or empty.
  public static func required(for notebook: Notebook) throws(DutyError) -> Rotation {
    let rotation = Rotation(config: notebook.config)
    guard !rotation.people.isEmpty else {
      throw .noRotation(configPath: (notebook.root as NSString).appendingPathComponent(Notebook.configFileName))
    }
    return rotation
  }

  /// The fixed date weeks are counted from: the first `pushWeekday` on or after Monday 1970-01-05.
  public static func anchor(pushWeekday: Weekday) -> PushDate {
    PushDate(daysSinceEpoch: 4).next(pushWeekday)
  }

  /// The release manager of a push date: the swap if there is one, else the rotation's turn.
  ///
  /// - Returns: nil when the date is not a push day, is skipped, or the rotation is empty.
  public func releaseManager(for date: PushDate) -> String? {
    guard date.weekday == pushWeekday else { return nil }
    return turn(onPushDay: date).person
  }

  /// The turn of a push date, with why that person is on duty.
  ///
  /// - Throws: ``DutyError/notPushDay(_:pushWeekday:)`` for another weekday,
  ///   ``DutyError/noRotation(configPath:)`` (without a path) when the rotation is empty.
  public func turn(for date: PushDate) throws(DutyError) -> Turn {
    guard date.weekday == pushWeekday else { throw .notPushDay(date, pushWeekday: pushWeekday) }
    guard !people.isEmpty else { throw .noRotation(configPath: nil) }
    return turn(onPushDay: date)
  }

  /// The turns of `weeks` push dates from the first push day on or after `start`, skipped dates included.
  public func schedule(from start: PushDate, weeks: Int) -> [Turn] {
    let first = start.next(pushWeekday)
    return (0..<max(0, weeks)).map { turn(onPushDay: first.adding(days: 7 * $0)) }
  }

  /// The push dates from the first on or after `start` for which `person` is on duty, among `weeks` weeks.
  public func duties(of person: String, from start: PushDate, weeks: Int) -> [PushDate] {
    schedule(from: start, weeks: weeks).filter { $0.person == person }.map(\.date)
  }

  private func turn(onPushDay date: PushDate) -> Turn {
    if skips.contains(date) { return Turn(date: date, person: nil, reason: .skip) }
    if let standIn = swaps[date] { return Turn(date: date, person: standIn, reason: .swap) }
    guard !people.isEmpty else { return Turn(date: date, person: nil, reason: .rotation) }
    let anchor = Rotation.anchor(pushWeekday: pushWeekday)
    let week = (date.daysSinceEpoch - anchor.daysSinceEpoch) / 7  // negative before the anchor
    let skipped = skips.count { $0 >= anchor && $0 < date }
    let index = ((week - skipped) % people.count + people.count) % people.count
    return Turn(date: date, person: people[index], reason: .rotation)
  }
}
