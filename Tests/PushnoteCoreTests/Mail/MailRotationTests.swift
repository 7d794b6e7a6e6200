import Testing

@testable import PushnoteCore

@Suite struct MailRotationTests {
  static let monday = PushDate(year: 2026, month: 11, day: 30) ?? PushDate(daysSinceEpoch: 0)

  @Test func consecutivePushWeeksGoRoundTheRotationInOrder() {
    var config = NotebookConfig()
    config.rotation = ["a", "b", "c"]
    let tuesdays = (0..<6).map { Self.monday.adding(days: 1 + 7 * $0) }
    let names = tuesdays.compactMap { MailRotation.releaseManager(for: $0, config: config) }
    #expect(names.count == 6)
    let start = names[0]
    let offset = config.rotation.firstIndex(of: start) ?? 0
    #expect(names == (0..<6).map { config.rotation[(offset + $0) % 3] })
  }

  @Test func swapsNameThePersonAndSkipsHoldTheRotation() {
    var config = NotebookConfig()
    config.rotation = ["a", "b", "c"]
    let first = Self.monday.adding(days: 1)
    let second = first.adding(days: 7)
    let third = second.adding(days: 7)
    let before = MailRotation.releaseManager(for: third, config: config)
    config.swaps = [first: "c"]
    #expect(MailRotation.releaseManager(for: first, config: config) == "c")
    config.skips = [second]
    #expect(MailRotation.releaseManager(for: second, config: config) == nil)
    let shifted = MailRotation.releaseManager(for: third, config: config)
    #expect(shifted != before)
    #expect(MailRotation.nextPushDate(after: first, config: config) == third)
  }
}
