import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

@Suite struct DutyRotationCommandTests {
  private func notebook(_ yaml: String) throws -> TemporaryDirectory {
    let folder = try TemporaryDirectory()
    try AtomicFile.write(yaml, to: folder.appending("pushnote.yml"))
    return folder
  }

  private func pushnote(_ arguments: [String]) async throws -> ProcessRunner.Result {
    try await ProcessRunner.run(Fixtures.builtExecutable("pushnote"), arguments)
  }

  @Test func printsTheScheduleAsJSON() async throws {
    let folder = try notebook("rotation: [ddurst, cvan, andym]\nswaps: {\"2026-12-08\": cvan}\nskips: [2026-12-15]\n")
    let result = try await pushnote(["rotation", "--notebook", folder.path, "--from", "2026-12-01", "--weeks", "4", "--json"])
    #expect(result.status == 0, "\(result.stderr)")
    let turns = try JSONDecoder().decode([Rotation.Turn].self, from: Data(result.stdout.utf8))
    #expect(turns.map(\.date.iso) == ["2026-12-01", "2026-12-08", "2026-12-15", "2026-12-22"])
    #expect(turns.map(\.person) == ["andym", "cvan", nil, "cvan"])
    #expect(turns.map(\.reason) == [.rotation, .swap, .skip, .rotation])
  }

  @Test func printsOneLinePerWeek() async throws {
    let folder = try notebook("rotation: [ddurst, cvan, andym]\nskips: [2026-12-08]\n")
    let result = try await pushnote(["rotation", "--notebook", folder.path, "--from", "2026-12-01", "--weeks", "3"])
    #expect(result.status == 0)
    #expect(result.stdout == "2026-12-01  andym\n2026-12-08  no push (skipped)\n2026-12-15  ddurst\n")
  }

  @Test func aNotebookWithoutRotationExits78() async throws {
    let folder = try notebook("product: AMO\n")
    let result = try await pushnote(["rotation", "--notebook", folder.path])
    #expect(result.status == 78)
    #expect(result.stderr.contains("pushnote.yml: error: no rotation"))
  }

  @Test func aSwapOfAStrangerExits78WithItsPosition() async throws {
    let folder = try notebook("rotation: [a, b]\nswaps:\n  \"2026-12-15\": zed\n")
    let result = try await pushnote(["rotation", "--notebook", folder.path])
    #expect(result.status == 78)
    #expect(result.stderr.contains("pushnote.yml:3:17: error: swap on 2026-12-15 names 'zed'"))
  }
}
