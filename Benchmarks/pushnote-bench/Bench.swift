import ArgumentParser

/// Benchmarks that report pushnote's speed as ratios to a reference measured in the same run.
@main
struct Bench: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pushnote-bench",
    abstract: "Measure pushnote against a reference tool on the same input, in one run.",
    subcommands: [
      ParseBenchmark.self,
      StatsBenchmark.self,
      MailBenchmark.self,
      TagBenchmark.self,
      StageBenchmark.self,
      SyncBenchmark.self,
      ChatBenchmark.self,
    ]
  )
}
