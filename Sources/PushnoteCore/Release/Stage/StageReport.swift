/// What a stage deploy did (or, with `--dry-run`, would do): what `pushnote stage --json` prints.
public struct StageReport: Sendable, Equatable, Codable {
  /// The note, relative to the notebook.
  public var note: String
  /// The Jenkins server.
  public var jenkins: String
  /// Whether nothing was triggered nor written.
  public var dryRun: Bool
  /// The selected jobs, in order.
  public var jobs: [Job]
  /// Whether the note's "Push to stage" item was ticked by this run.
  public var checklistItemTicked = false
  /// How many commits the run made in the notebook.
  public var commits = 0

  /// One job's part in the run.
  public struct Job: Sendable, Equatable, Codable {
    /// The job as pushnote.yml names it.
    public var name: String
    /// The repository whose tag it deploys.
    public var repository: String
    /// The tag.
    public var tag: String
    /// The job's trigger: `POST URL` with its parameter.
    public var trigger: String
    /// What happened to it.
    public var status: Status
    /// Jenkins' result, once it ran.
    public var result: StageJobResult?
    /// The build's URL, once it started.
    public var buildURL: String?
    /// How long the build took, in seconds.
    public var durationSeconds: Int?
    /// The last lines of the console of a failed build.
    public var consoleTail: [String]?

    enum CodingKeys: String, CodingKey {
      case name, repository, tag, trigger, status, result
      case buildURL = "build_url"
      case durationSeconds = "duration_seconds"
      case consoleTail = "console_tail"
    }

    /// Writes every key, unknown values as `null`.
    public func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(name, forKey: .name)
      try container.encode(repository, forKey: .repository)
      try container.encode(tag, forKey: .tag)
      try container.encode(trigger, forKey: .trigger)
      try container.encode(status, forKey: .status)
      try container.encode(result, forKey: .result)
      try container.encode(buildURL, forKey: .buildURL)
      try container.encode(durationSeconds, forKey: .durationSeconds)
      try container.encode(consoleTail, forKey: .consoleTail)
    }
  }

  /// What happened to a job.
  public enum Status: String, Sendable, Codable {
    /// `--dry-run`: it would be triggered.
    case planned
    /// `--resume`: the note already records this tag as deployed by it.
    case skipped
    /// It ran and succeeded.
    case deployed
    /// It ran and did not succeed (or its queue item was cancelled).
    case failed
    /// An earlier job failed, so it was not triggered.
    case notRun = "not_run"
  }

  enum CodingKeys: String, CodingKey {
    case note, jenkins
    case dryRun = "dry_run"
    case jobs
    case checklistItemTicked = "checklist_item_ticked"
    case commits, succeeded
  }

  /// Creates a report.
  public init(note: String, jenkins: String, dryRun: Bool, jobs: [Job]) {
    self.note = note
    self.jenkins = jenkins
    self.dryRun = dryRun
    self.jobs = jobs
  }

  /// Whether no job failed.
  public var succeeded: Bool { !jobs.contains { $0.status == .failed } }

  /// 0 when no job failed, 1 when one did.
  public var exitStatus: ExitStatus { succeeded ? .ok : .conflicts }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    note = try container.decode(String.self, forKey: .note)
    jenkins = try container.decode(String.self, forKey: .jenkins)
    dryRun = try container.decode(Bool.self, forKey: .dryRun)
    jobs = try container.decode([Job].self, forKey: .jobs)
    checklistItemTicked = try container.decode(Bool.self, forKey: .checklistItemTicked)
    commits = try container.decode(Int.self, forKey: .commits)
  }

  /// Writes every key, with `succeeded` for scripts.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(note, forKey: .note)
    try container.encode(jenkins, forKey: .jenkins)
    try container.encode(dryRun, forKey: .dryRun)
    try container.encode(jobs, forKey: .jobs)
    try container.encode(checklistItemTicked, forKey: .checklistItemTicked)
    try container.encode(commits, forKey: .commits)
    try container.encode(succeeded, forKey: .succeeded)
  }
}
