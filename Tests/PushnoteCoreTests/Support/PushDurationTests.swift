import PushnoteCore
import Testing

@Suite struct PushDurationTests {
  @Test(arguments: [
    (0, "0m"), (29, "0m"), (30, "1m"), (45 * 60, "45m"), (59 * 60 + 29, "59m"), (59 * 60 + 30, "1h 00m"),
    (73 * 60, "1h 13m"), (125 * 60, "2h 05m"), (-60, "0m"),
  ])
  func toTheNearestMinute(seconds: Int, expected: String) {
    #expect(PushDuration.text(seconds: seconds) == expected)
  }
}
