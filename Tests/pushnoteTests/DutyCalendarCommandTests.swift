import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

@Suite struct DutyCalendarCommandTests {
  /// A notebook with the rotation of `Tests/Fixtures/duty/pushnote.yml`.
  private func notebook() throws -> TemporaryDirectory {
    let folder = try TemporaryDirectory()
    try AtomicFile.write(try Fixtures.text("duty/pushnote.yml"), to: folder.appending("pushnote.yml"))
    return folder
  }

  @Test func writesOnePersonsWeeksAsInTheGoldenFile() async throws {
    let folder = try notebook()
    let output = folder.appending("duty.ics")
    let result = try await ProcessRunner.run(
      Fixtures.builtExecutable("pushnote"),
      ["calendar", "--notebook", folder.path, "--from", "2026-10-27", "--weeks", "9", "--person", "cvan", "-o", output],
      environment: ["SOURCE_DATE_EPOCH": "1796151600"])
    #expect(result.status == 0, "\(result.stderr)")
    let written = try AtomicFile.read(output)
    #expect(written == Array(try Fixtures.text("duty/calendar-cvan.ics").utf8))
  }

  @Test func anUnknownPersonExits64() async throws {
    let folder = try notebook()
    let result = try await ProcessRunner.run(
      Fixtures.builtExecutable("pushnote"), ["calendar", "--notebook", folder.path, "--person", "zed"])
    #expect(result.status == 64)
    #expect(result.stderr.contains("'zed' is not in the rotation or its swaps (known: ddurst, cvan, andym)"))
    #expect(result.stdout.isEmpty)
  }
}
