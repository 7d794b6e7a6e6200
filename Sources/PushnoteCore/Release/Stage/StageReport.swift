/// What a stage deploy did (or, with `--dry-run`, would do): what `pushnote stage --json` prints.
///
/// Decodable from the keys it writes, so that a printed report can be read back.
public struct StageReport: Sendable, Equatable, Decodable, JSONObject {
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
  public struct Job: Sendable, Equatable, Decodable, JSONObject {
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

    /// The keys it is read back with.
    enum CodingKeys: String, CodingKey {
      case name, repository, tag, trigger, status, result
      case buildURL = "build_url"
      case durationSeconds = "duration_seconds"
      case consoleTail = "console_tail"
    }

    /// Every key, unknown values as `null`.
    public func writeFields(to fields: inout JSONFields) {
      fields.field("build_url", buildURL)
      fields.field("console_tail", consoleTail)
      fields.field("duration_seconds", durationSeconds)
      fields.field("name", name)
      fields.field("repository", repository)
      fields.field("result", result?.rawValue)
      fields.field("status", status.rawValue)
      fields.field("tag", tag)
      fields.field("trigger", trigger)
    }
  }

  /// What happened to a job.
  public enum Status: String, Sendable, Decodable {
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

  /// The keys it is read back with.
  enum CodingKeys: String, CodingKey {
    case note, jenkins
    case dryRun = "dry_run"
    case jobs
    case checklistItemTicked = "checklist_item_ticked"
    case commits
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

  /// Every key, with `succeeded` for scripts.
  public func writeFields(to fields: inout JSONFields) {
    fields.field("checklist_item_ticked", checklistItemTicked)
    fields.field("commits", commits)
    fields.field("dry_run", dryRun)
    fields.field("jenkins", jenkins)
    fields.field("jobs", jobs)
    fields.field("note", note)
    fields.field("succeeded", succeeded)
  }
}
