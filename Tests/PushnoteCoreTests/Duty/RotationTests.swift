import Foundation
import PushnoteCore
import Testing

@Suite struct RotationTests {
  private func config(_ yaml: String) throws -> NotebookConfig {
    try NotebookConfig(yaml: yaml, path: "pushnote.yml")
  }

  private func date(_ text: String) throws -> PushDate { try #require(PushDate(text)) }

  @Test func anchorIsTheFirstPushWeekdayOf1970() throws {
    #expect(Rotation.anchor(pushWeekday: .tuesday) == (try date("1970-01-06")))
    #expect(Rotation.anchor(pushWeekday: .monday) == (try date("1970-01-05")))
    #expect(Rotation.anchor(pushWeekday: .sunday) == (try date("1970-01-11")))
  }

  @Test func turnsFollowTheWeeksSinceTheAnchor() throws {
    // 2026-12-01 is push week 2969 after 1970-01-06; 2969 mod 3 = 2.
    let rotation = Rotation(config: try config("rotation: [ddurst, cvan, andym]"))
    let names = rotation.schedule(from: try date("2026-12-01"), weeks: 5).map(\.person)
    #expect(names == ["andym", "ddurst", "cvan", "andym", "ddurst"])
    #expect(rotation.releaseManager(for: try date("2026-12-08")) == "ddurst")
  }

  @Test func theScheduleIsTheSameWhereverItStarts() throws {
    let rotation = Rotation(config: try config("rotation: [a, b, c, d]\nskips: [2027-01-05]"))
    let long = rotation.schedule(from: try date("2026-11-01"), weeks: 20)
    let later = rotation.schedule(from: try date("2026-12-24"), weeks: 8)
    let overlap = long.filter { $0.date >= later[0].date && $0.date <= later[7].date }
    #expect(overlap == later)
    #expect(later[0].date == (try date("2026-12-29")))
  }

  @Test func aStartThatIsNotAPushDayBeginsAtTheNextPushDay() throws {
    let rotation = Rotation(config: try config("rotation: [a, b]"))
    let turns = rotation.schedule(from: try date("2026-12-02"), weeks: 2)
    #expect(turns.map(\.date) == [try date("2026-12-08"), try date("2026-12-15")])
  }

  @Test func aSwapReplacesOneDateOnly() throws {
    let rotation = Rotation(config: try config("rotation: [ddurst, cvan, andym]\nswaps: {\"2026-12-08\": cvan}"))
    let turns = rotation.schedule(from: try date("2026-12-01"), weeks: 3)
    #expect(turns.map(\.person) == ["andym", "cvan", "cvan"])
    #expect(turns.map(\.reason) == [.rotation, .swap, .rotation])
  }

  @Test func aSkippedWeekHasNobodyAndTheRotationWaits() throws {
    let rotation = Rotation(config: try config("rotation: [ddurst, cvan, andym]\nskips: [2026-12-15]"))
    let turns = rotation.schedule(from: try date("2026-12-01"), weeks: 5)
    #expect(turns.map(\.person) == ["andym", "ddurst", nil, "cvan", "andym"])
    #expect(turns[2].reason == .skip)
    #expect(rotation.releaseManager(for: try date("2026-12-15")) == nil)
  }

  @Test func aNonPushDayHasNoReleaseManagerAndIsRefused() throws {
    let rotation = Rotation(config: try config("rotation: [a, b]"))
    let wednesday = try date("2026-12-02")
    #expect(rotation.releaseManager(for: wednesday) == nil)
    #expect(throws: DutyError.notPushDay(wednesday, pushWeekday: .tuesday)) { try rotation.turn(for: wednesday) }
    #expect(DutyError.notPushDay(wednesday, pushWeekday: .tuesday).exitStatus == .usage)
  }

  @Test func anotherPushWeekdayShiftsTheAnchor() throws {
    let rotation = Rotation(config: try config("push: {weekday: thursday}\nrotation: [a, b]"))
    // 1970-01-08 is the anchor; 2026-12-03 is (2026-12-03 - 1970-01-08) / 7 = 2969 weeks later.
    #expect(rotation.releaseManager(for: try date("2026-12-03")) == "b")
    #expect(rotation.releaseManager(for: try date("1970-01-08")) == "a")
    #expect(rotation.releaseManager(for: try date("1970-01-01")) == "b")
  }

  @Test func anEmptyRotationIsAConfigurationError() throws {
    let rotation = Rotation(config: NotebookConfig())
    #expect(rotation.releaseManager(for: try date("2026-12-01")) == nil)
    #expect(throws: DutyError.noRotation(configPath: nil)) { try rotation.turn(for: try date("2026-12-01")) }
    let notebook = Notebook(root: "/notebook", config: NotebookConfig())
    let error = #expect(throws: DutyError.self) { try Rotation.required(for: notebook) }
    #expect(error?.exitStatus == .configuration)
    #expect(error?.description.hasPrefix("/notebook/pushnote.yml: error: no rotation") == true)
  }

  @Test(arguments: [
    ("rotation: []\n", 1, 11, "the rotation is empty"),
    ("rotation: [a, b, a]\n", 1, 18, "'a' is in the rotation twice"),
    ("rotation: [a]\nskips:\n  - 2026-12-16\n", 3, 5, "skipped date 2026-12-16 is a Wednesday, not a push day"),
    ("rotation: [a]\nswaps:\n  \"2026-12-15\": zed\n", 3, 17, "names 'zed', who is not in the rotation"),
    ("rotation: [a]\nswaps:\n  \"2026-12-16\": a\n", 3, 3, "is a Wednesday, not a push day"),
  ])
  func badRotationsNameTheirLineAndColumn(yaml: String, line: Int, column: Int, message: String) throws {
    let error = #expect(throws: NotebookError.self) { try NotebookConfig(yaml: yaml, path: "pushnote.yml") }
    guard case .configuration(_, let foundLine, let foundColumn, let text) = error else {
      Issue.record("expected a configuration error, got \(String(describing: error))")
      return
    }
    #expect((foundLine, foundColumn) == (line, column))
    #expect(text.contains(message))
    #expect(error?.exitStatus == .configuration)
  }
}
