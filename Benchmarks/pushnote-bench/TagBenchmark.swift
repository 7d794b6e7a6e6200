import ArgumentParser
import Foundation
import PushnoteCore
import PushnoteTestSupport

/// `pushnote-bench tag`: tagging every repository in parallel, against tagging them one after another.
///
/// Each remote is a bare repository on the local filesystem with a few hundred commits. Every round
/// tags all of them once with concurrency 1 and once in parallel, each time from a fresh notebook
/// (so both start with empty managed clones) and with a tag of its own; the rounds alternate which
/// goes first. The figure is the median parallel time as a ratio to the median sequential time.
struct TagBenchmark: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tag", abstract: "Tag N repositories in parallel vs one after another.")

  @Option(help: "How many repositories.") var repositories = 8
  @Option(help: "Commits in each remote.") var commits = 300
  @Option(help: "Repositories tagged at once in the parallel runs.") var concurrency = 8
  @Option(help: "Rounds (each one sequential and one parallel run).") var rounds = 3

  func run() async throws {
    let folder = try TemporaryDirectory(prefix: "pushnote-bench-tag")
    var yaml = "timezone: UTC\nrepositories:\n"
    for index in 1...repositories {
      let remote = folder.appending("remotes/repo\(index).git")
      try await GitRemotes.create(at: remote, commits: commits)
      yaml += "  - {name: bench/repo\(index), git: \"\(remote)\", branch: main, migrations: [\"**/migrations/*.py\"]}\n"
    }
    let config = try NotebookConfig(yaml: yaml, path: "pushnote.yml")
    var sequential: [Double] = []
    var parallel: [Double] = []
    guard var day = PushDate("2026-01-06") else { throw ValidationError("bad start date") }
    for round in 0..<rounds {
      for runsParallel in round.isMultiple(of: 2) ? [false, true] : [true, false] {
        let root = folder.appending("notebook-\(round)-\(runsParallel)")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        var tagger = Tagger(notebook: Notebook(root: root, config: config), tag: PushTag(date: day))
        tagger.concurrency = runsParallel ? concurrency : 1
        tagger.identity = ["GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.org"]
        let start = ContinuousClock.now
        let outcomes = try await tagger.run()
        let seconds = (ContinuousClock.now - start).seconds
        guard outcomes.allSatisfy({ $0.action == .created }) else {
          throw ValidationError("tagging failed: \(outcomes.compactMap(\.error).map(\.description))")
        }
        if runsParallel { parallel.append(seconds) } else { sequential.append(seconds) }
        day = day.adding(days: 7)
      }
    }
    let sequentialMedian = Timing.median(sequential)
    let parallelMedian = Timing.median(parallel)
    print("tag: \(repositories) repositories x \(commits) commits, \(rounds) rounds, concurrency \(concurrency)")
    print(String(format: "  one after another (reference): median %.3f s  runs %@", sequentialMedian, Timing.format(sequential)))
    print(String(format: "  in parallel:                   median %.3f s  runs %@", parallelMedian, Timing.format(parallel)))
    print(
      String(
        format: "  ratio parallel / sequential: %.2f (%.2fx faster)", parallelMedian / sequentialMedian, sequentialMedian / parallelMedian))
  }

}
