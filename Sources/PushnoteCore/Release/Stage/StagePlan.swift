import Foundation

/// What a stage deploy will do: every job of `stage.jobs` in order, the tag each deploys, whether
/// `--only` selected it, and whether the note already records it as deployed.
public struct StagePlan: Sendable, Equatable {
  /// One job of the plan.
  public struct Step: Sendable, Equatable {
    /// The job as pushnote.yml names it (`folder/job`).
    public var job: String
    /// The repository whose tag it deploys.
    public var repository: String
    /// The build parameter that carries the tag.
    public var parameter: String
    /// The tag: the note's newest for the repository.
    public var tag: String
    /// Whether `--only` selected it (true without `--only`).
    public var selected: Bool
    /// Whether the job's latest outcome in the note's timeline is a successful deploy of this tag
    /// (an older success followed by a failure is not).
    public var alreadyDeployed: Bool

    /// The job's path on the server.
    public var path: JenkinsJobPath { JenkinsJobPath(job) }
  }

  /// The Jenkins server, without a trailing slash.
  public var jenkins: URL
  /// Every configured job, in order.
  public var steps: [Step]

  /// Plans the deploy of a note.
  ///
  /// - Parameter only: projects to deploy (job names, repositories `OWNER/NAME`, or a repository's `NAME`);
  ///   empty for all.
  /// - Throws: ``StageError/notConfigured``, ``StageError/invalidJenkinsURL(_:reason:)``,
  ///   ``StageError/unknownProject(_:known:)``, ``StageError/noTag(job:repository:)``.
  public init(note: Note, config: NotebookConfig, only: [String] = []) throws(StageError) {
    guard let stage = config.stage, !stage.jobs.isEmpty else { throw .notConfigured }
    jenkins = try Self.serverURL(stage.jenkins)
    for project in only where !stage.jobs.contains(where: { Self.job($0, isNamed: project) }) {
      throw .unknownProject(project, known: stage.jobs.map(\.name))
    }
    let latest = Self.latestOutcomes(in: note)
    steps = []
    for job in stage.jobs {
      guard let tag = Self.tag(for: job.repository, in: note) else { throw .noTag(job: job.name, repository: job.repository) }
      steps.append(
        Step(
          job: job.name, repository: job.repository, parameter: job.parameter, tag: tag,
          selected: only.isEmpty || only.contains { Self.job(job, isNamed: $0) },
          alreadyDeployed: latest[job.name].map { $0.tag == tag && $0.result.succeeded } ?? false))
    }
  }

  /// The selected steps `--resume` deploys: from the first whose latest outcome is not a success
  /// on, every one after it too (the projects deploy in order, so a later one may depend on it).
  public var resumedSteps: ArraySlice<Step> {
    let selected = steps.filter(\.selected)
    return selected[(selected.firstIndex { !$0.alreadyDeployed } ?? selected.endIndex)...]
  }

  /// Whether every configured job has deployed its tag, counting `alsoDeployed` (jobs this run deployed).
  public func everyJobDeployed(alsoDeployed: Set<String> = []) -> Bool {
    steps.allSatisfy { $0.alreadyDeployed || alsoDeployed.contains($0.job) }
  }

  /// The newest tag the note names for a repository: the `to` of its compare links and the tags of its
  /// cherry-picks (on the note's date when it has one), else the note's tag.
  ///
  /// A repository given as `NAME` alone matches links of any `OWNER/NAME`. When nothing in the note
  /// names the repository, the note's plain date tag is not taken while the note names repeat tags
  /// of the push (nil then: the repository may have one too, and deploying the date tag silently
  /// would roll it back).
  public static func tag(for repository: String, in note: Note) -> String? {
    let wanted = repository.lowercased()
    func matches(_ repo: String) -> Bool {
      let repo = repo.lowercased()
      return repo == wanted || (!wanted.contains("/") && repo.split(separator: "/").last.map(String.init) == wanted)
    }
    func ofThisPush(_ tags: [PushTag]) -> [PushTag] { note.date.map { date in tags.filter { $0.date == date } } ?? tags }
    let linked = note.compare.map { ($0.repo, PushTag($0.to)) } + note.cherryPicks.map { ($0.repo, $0.tag.flatMap { PushTag($0) }) }
    if let newest = ofThisPush(linked.filter { matches($0.0) }.compactMap(\.1)).max() { return newest.name }
    guard let fallback = note.tag else { return nil }
    let repeated = ofThisPush(linked.compactMap(\.1)).contains { $0.repeatNumber > 0 }
    if repeated, PushTag(fallback)?.repeatNumber ?? 0 == 0 { return nil }
    return fallback
  }

  /// Each job's latest outcome the timeline records (`stage JOB TAG RESULT in …`), in the order written.
  static func latestOutcomes(in note: Note) -> [String: StageRecord] {
    var latest: [String: StageRecord] = [:]
    for record in note.timeline.compactMap({ StageRecord(event: $0.event) }) { latest[record.job] = record }
    return latest
  }

  /// Whether `project` names the job, its repository (`OWNER/NAME`) or the repository's `NAME`.
  private static func job(_ job: NotebookConfig.StageConfig.Job, isNamed project: String) -> Bool {
    let wanted = project.lowercased()
    let repository = job.repository.lowercased()
    return job.name.lowercased() == wanted || repository == wanted || repository.split(separator: "/").last.map(String.init) == wanted
  }

  /// The server's URL, without a trailing slash.
  ///
  /// Absolute https (plain http to loopback only, as the credentials travel in it), no credentials,
  /// no query. Errors name it masked.
  private static func serverURL(_ text: String) throws(StageError) -> URL {
    let trimmed = text.hasSuffix("/") ? String(text.dropLast()) : text
    let shown = ServerURL.masked(text)
    guard let components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased(),
      scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty, let url = components.url
    else { throw .invalidJenkinsURL(shown, reason: "is not an absolute http(s) URL") }
    guard components.user == nil, components.password == nil else {
      throw .invalidJenkinsURL(shown, reason: "must not carry credentials; set PUSHNOTE_JENKINS_USER and PUSHNOTE_JENKINS_TOKEN")
    }
    guard components.query == nil, components.fragment == nil else {
      throw .invalidJenkinsURL(shown, reason: "must not have a query or fragment")
    }
    guard scheme == "https" || ServerURL.isLoopback(host) else {
      throw .invalidJenkinsURL(
        shown, reason: "uses plain http to a host that is not loopback, which would send the credentials in clear; use https")
    }
    return url
  }
}
