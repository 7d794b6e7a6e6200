import Foundation

/// A VTIMEZONE component (RFC 5545 §3.6.5) made from the system's time zone data, so that a calendar
/// program without the IANA database still places every event at the right instant.
///
/// Each offset change the zone makes from a year before the range to a year after it becomes an
/// observance: STANDARD or DAYLIGHT, with TZOFFSETFROM, TZOFFSETTO, and its DTSTART and RDATEs in the
/// wall-clock time before the change. Changes with the same offsets and kind share one component.
/// A zone without changes in that window gets one STANDARD component with its fixed offset.
public struct VTimeZone: Sendable, Equatable {
  /// One change of offset.
  public struct Transition: Sendable, Equatable {
    /// The instant it takes effect.
    public var instant: Date
    /// The offset before, in seconds east of UTC.
    public var offsetFrom: Int
    /// The offset after.
    public var offsetTo: Int
    /// Whether the time after is daylight-saving time.
    public var isDaylight: Bool
    /// The abbreviation after (`PDT`), when the system has a useful one.
    public var name: String?
  }

  /// The zone's IANA name, the TZID.
  public let identifier: String
  /// The changes, in order; empty for a zone with a fixed offset.
  public let transitions: [Transition]
  /// The offset when there are no changes.
  public let fixedOffset: Int

  /// The zone's changes around a range of instants.
  public init(zone: TimeZone, covering range: ClosedRange<Date>) {
    identifier = zone.identifier
    let margin: TimeInterval = 366 * 86_400
    let end = range.upperBound.addingTimeInterval(margin)
    var found: [Transition] = []
    var cursor = range.lowerBound.addingTimeInterval(-margin)
    while let next = zone.nextDaylightSavingTimeTransition(after: cursor), next <= end, next > cursor {
      let before = zone.secondsFromGMT(for: next.addingTimeInterval(-1))
      let after = zone.secondsFromGMT(for: next)
      if before != after {
        found.append(
          Transition(
            instant: next, offsetFrom: before, offsetTo: after, isDaylight: zone.isDaylightSavingTime(for: next),
            name: VTimeZone.abbreviation(zone, at: next)))
      }
      cursor = next
    }
    transitions = found
    fixedOffset = zone.secondsFromGMT(for: range.lowerBound)
  }

  /// The component's content lines, `BEGIN:VTIMEZONE` through `END:VTIMEZONE`.
  public var lines: [String] {
    var lines = ["BEGIN:VTIMEZONE", "TZID:" + identifier]
    guard !transitions.isEmpty else {
      lines += [
        "BEGIN:STANDARD", "DTSTART:19700101T000000", "TZOFFSETFROM:" + ICalendarText.utcOffset(fixedOffset),
        "TZOFFSETTO:" + ICalendarText.utcOffset(fixedOffset), "END:STANDARD", "END:VTIMEZONE",
      ]
      return lines
    }
    // Group the changes by what they change to, keeping the order of first appearance.
    var groups: [[Transition]] = []
    for transition in transitions {
      if let index = groups.firstIndex(where: { VTimeZone.sameObservance($0[0], transition) }) {
        groups[index].append(transition)
      } else {
        groups.append([transition])
      }
    }
    for group in groups {
      let first = group[0]
      let kind = first.isDaylight ? "DAYLIGHT" : "STANDARD"
      lines += ["BEGIN:" + kind, "DTSTART:" + ICalendarText.localDateTime(first.instant, offsetSeconds: first.offsetFrom)]
      lines += group.dropFirst().map { "RDATE:" + ICalendarText.localDateTime($0.instant, offsetSeconds: $0.offsetFrom) }
      lines += ["TZOFFSETFROM:" + ICalendarText.utcOffset(first.offsetFrom), "TZOFFSETTO:" + ICalendarText.utcOffset(first.offsetTo)]
      if let name = first.name { lines.append("TZNAME:" + ICalendarText.escape(name)) }
      lines.append("END:" + kind)
    }
    lines.append("END:VTIMEZONE")
    return lines
  }

  private static func sameObservance(_ lhs: Transition, _ rhs: Transition) -> Bool {
    (lhs.offsetFrom, lhs.offsetTo, lhs.isDaylight, lhs.name) == (rhs.offsetFrom, rhs.offsetTo, rhs.isDaylight, rhs.name)
  }

  /// `PDT`, `CET`; nil for the `GMT-7` style some systems answer with when they know no name.
  private static func abbreviation(_ zone: TimeZone, at instant: Date) -> String? {
    guard let name = zone.abbreviation(for: instant), !name.hasPrefix("GMT"), !name.hasPrefix("UTC") || name == "UTC",
      name.allSatisfy({ $0.isLetter })
    else { return nil }
    return name
  }
}
