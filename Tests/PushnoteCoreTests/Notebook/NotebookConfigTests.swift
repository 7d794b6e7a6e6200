import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

@Suite struct NotebookConfigTests {
  @Test func readsEveryContractKey() throws {
    let yaml = """
      product: Marketplace
      timezone: America/Los_Angeles
      push: {weekday: tuesday, time: "11:00"}
      tag: {weekday: friday, time: "11:00"}
      pad:
        url: https://etherpad.example.org
        prefix: mkt-
        local_only: [Private notes]
      repositories:
        - name: mozilla/zamboni
          git: https://github.com/mozilla/zamboni.git
          web: https://github.com/mozilla/zamboni
          branch: master
          migrations: ["migrations/*.sql", "**/migrations/*.py"]
      stage:
        jenkins: https://jenkins.example.org
        jobs: [{name: marketplace-stage-zamboni, repository: mozilla/zamboni}]
      rotation: [ddurst, cvan, andym]
      swaps: {"2026-12-15": cvan}
      people: {krupa: {role: qa, email: krupa@example.org}}
      mail: {from: "Release manager <rm@example.org>", to: [dev-marketplace@lists.mozilla.org]}
      """
    let config = try NotebookConfig(yaml: yaml, path: "pushnote.yml")
    #expect(config.product == "Marketplace")
    #expect(config.timeZone.identifier == "America/Los_Angeles")
    #expect(config.push.weekday == .tuesday && config.push.time.description == "11:00")
    #expect(config.tag.weekday == .friday)
    #expect(config.pad.url == "https://etherpad.example.org" && config.pad.prefix == "mkt-")
    #expect(config.pad.localOnly == ["Private notes"])
    #expect(config.repositories.map(\.name) == ["mozilla/zamboni"])
    #expect(config.repositories[0].migrations == ["migrations/*.sql", "**/migrations/*.py"])
    #expect(config.stage?.jobs.first?.name == "marketplace-stage-zamboni")
    #expect(config.stage?.jobs.first?.parameter == "DeployRef")
    #expect(config.rotation == ["ddurst", "cvan", "andym"])
    #expect(config.swaps[try #require(PushDate("2026-12-15"))] == "cvan")
    #expect(config.people["krupa"]?.role == "qa")
    #expect(config.mail.to == ["dev-marketplace@lists.mozilla.org"])
  }

  @Test func valuesThatLookLikeOtherTypesStayText() throws {
    let config = try NotebookConfig(yaml: "product: no\npad: {prefix: 0123}\n", path: "p.yml")
    #expect(config.product == "no")
    #expect(config.pad.prefix == "0123")
  }

  @Test(arguments: [
    ("produkt: X\n", 1, 1, "unknown key 'produkt'"),
    ("product: X\npad:\n  urll: https://x\n", 3, 3, "unknown key 'urll' in pad"),
    ("push: {weekday: someday}\n", 1, 17, "'someday' is not a weekday"),
    ("push: {time: \"25:00\"}\n", 1, 14, "is not a time"),
    ("timezone: Mars/Olympus\n", 1, 11, "unknown time zone"),
    ("repositories:\n  - name: not-a-pair\n", 2, 11, "is not OWNER/NAME"),
    ("repositories: {name: a/b}\n", 1, 15, "repositories must be a list"),
    ("rotation: [a, b]\nswaps: {\"2026-12-15\": zed}\n", 2, 23, "not in the rotation"),
    ("rotation: [a, b]\nswaps: {\"2026-12-16\": a}\n", 2, 9, "not a push day"),
    ("pad: {url: \"https://user:secret@pad.example\"}\n", 1, 6, "must not carry credentials"),
  ])
  func badInputIsAnErrorAtItsPosition(yaml: String, line: Int, column: Int, message: String) {
    do {
      _ = try NotebookConfig(yaml: yaml, path: "nb/pushnote.yml")
      Issue.record("no error for \(yaml)")
    } catch {
      guard case .configuration(let path, let gotLine, let gotColumn, let gotMessage) = error else {
        Issue.record("unexpected \(error)")
        return
      }
      #expect(path == "nb/pushnote.yml")
      #expect(gotLine == line && gotColumn == column, "\(gotLine):\(gotColumn) \(gotMessage)")
      #expect(gotMessage.contains(message), "\(gotMessage)")
      #expect(error.exitStatus == .configuration)
      #expect(error.description.hasPrefix("nb/pushnote.yml:\(line):\(column): error: "))
    }
  }

  @Test func syntaxErrorsCarryAPosition() {
    #expect(throws: NotebookError.self) { try NotebookConfig(yaml: "product: [unclosed\n", path: "p.yml") }
  }

  @Test func theEmbeddedNotebookAndTheInitTemplateAreValid() throws {
    let embedded = try Notebook(root: Fixtures.path("notebook"))
    #expect(embedded.config.repositories.count == 8)
    #expect(embedded.config.pad.prefix == "bzr-")
    let template = try String(contentsOfFile: Fixtures.path("templates/pushnote.yml"), encoding: .utf8)
    let config = try NotebookConfig(yaml: template, path: "templates/pushnote.yml")
    #expect(config.pad.prefix == "mkt-")
  }
}
