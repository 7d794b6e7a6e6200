import Foundation

/// `pushnote stage`: deploys the note's tags to stage through Jenkins, one job after the other, and
/// records what happened in the note.
///
/// Each job is triggered with its tag, waited for in the queue and while it builds; the next job
/// starts only when it succeeded. A failed job stops the run with what succeeded recorded. Jenkins
/// being unreachable or refusing the credentials throws, with nothing recorded as deployed.
public struct StageDeploy: Sendable {
  /// How to run.
  public struct Options: Sendable {
    /// Say what would be triggered; no request, no change.
    public var dryRun = false
    /// Continue from the first job whose latest outcome in the note is not a success of its tag,
    /// and deploy every job after it; the jobs before it are skipped.
    public var resume = false
    /// Deploy only these projects (job names or repositories); empty for all.
    public var only: [String] = []
    /// Commit each change of the note.
    public var commit = true
    /// How many console lines to keep of a failed build.
    public var consoleLines = 30
    /// Poll interval, timeouts and retries.
    public var timing = JenkinsClient.Timing()
    /// The clock of the timeline's times.
    public var now: @Sendable () -> Date = { Date() }

    /// The defaults: deploy every job, commit, poll every 2 seconds.
    public init() {}
  }

  /// The notebook.
  public let notebook: Notebook
  /// The note's path.
  public let notePath: String
  /// The Jenkins credentials; nil for anonymous access.
  public let credentials: JenkinsCredentials?
  /// How to run.
  public let options: Options

  /// A deploy of a note.
  public init(notebook: Notebook, notePath: String, credentials: JenkinsCredentials?, options: Options) {
    self.notebook = notebook
    self.notePath = notePath
    self.credentials = credentials
    self.options = options
  }

  /// Runs the deploy, calling `progress` as jobs move; returns what happened (exit 1 when a job failed).
  ///
  /// - Throws: ``StageError`` (unreachable 75, credentials 77, configuration 78, …), and the note's
  ///   ``MarkdownError``, ``NotebookError`` or ``GitError``.
  public func run(progress: @escaping @Sendable (StageEvent) -> Void = { _ in }) async throws -> StageReport {
    let parsed = try ParsedNote.read(path: notePath, config: notebook.config)
    let plan = try StagePlan(note: parsed.note, config: notebook.config, only: options.only)
    let steps = plan.steps.filter(\.selected)
    let resumed = Set(plan.resumedSteps.map(\.job))
    var report = StageReport(
      note: notebook.relativePath(notePath), jenkins: plan.jenkins.absoluteString, dryRun: options.dryRun,
      jobs: steps.map { step in
        let skipped = options.resume && !resumed.contains(step.job)
        return StageReport.Job(
          name: step.job, repository: step.repository, tag: step.tag, trigger: trigger(of: step, on: plan.jenkins),
          status: skipped ? .skipped : (options.dryRun ? .planned : .notRun))
      })
    if options.dryRun { return report }
    let recorder = StageNoteRecorder(notebook: notebook, path: notePath, commit: options.commit, now: options.now)
    report.jobs = try await deploy(steps, plan: plan, jobs: report.jobs, recorder: recorder, progress: progress)
    report.commits = await recorder.commits
    report.checklistItemTicked = await recorder.ticked
    return report
  }

  /// Deploys the jobs not skipped, in order, recording each step; stops at the first that fails.
  private func deploy(
    _ steps: [StagePlan.Step], plan: StagePlan, jobs: [StageReport.Job], recorder: StageNoteRecorder,
    progress: @Sendable (StageEvent) -> Void
  ) async throws -> [StageReport.Job] {
    var jobs = jobs
    guard jobs.contains(where: { $0.status == .notRun }) else {
      for job in jobs { progress(.skipped(job: job.name, tag: job.tag)) }
      if plan.everyJobDeployed() {
        try await recorder.record(timeline: [], tickStageItem: true, message: "stage: every job deployed, push to stage ticked")
      }
      return jobs
    }
    let client = JenkinsClient(base: plan.jenkins, credentials: credentials, timing: options.timing)
    try await client.connect()
    let tags = Set(steps.map(\.tag)).sorted().joined(separator: ", ")
    try await recorder.record(timeline: [StageRecord.startedEvent], message: "stage: deploy of \(tags) started")
    var deployedNow: Set<String> = []
    for (index, step) in steps.enumerated() {
      if jobs[index].status == .skipped {
        progress(.skipped(job: step.job, tag: step.tag))
        continue
      }
      do {
        jobs[index] = try await deploy(step, job: jobs[index], client: client, progress: progress)
      } catch {
        await recorder.recordInterruption(at: step.job)
        throw error
      }
      let job = jobs[index]
      progress(.finished(job))
      let record = StageRecord(job: step.job, tag: step.tag, result: job.result ?? .failure, durationSeconds: job.durationSeconds ?? 0)
      guard job.status == .deployed else {
        let problem = StageNoteRecorder.problemLines(record, buildURL: job.buildURL, console: job.consoleTail ?? [])
        try await recorder.record(timeline: [record.event, StageRecord.stoppedEvent], problem: problem, message: record.event)
        return jobs
      }
      deployedNow.insert(step.job)
      try await recorder.record(timeline: [record.event], closing: step.job, message: record.event)
    }
    try await recorder.record(
      timeline: [StageRecord.finishedEvent], tickStageItem: plan.everyJobDeployed(alsoDeployed: deployedNow),
      message: "stage: deploy of \(tags) finished")
    return jobs
  }

  /// Triggers one job and waits for its result; a failed build comes back with its console's tail.
  private func deploy(
    _ step: StagePlan.Step, job: StageReport.Job, client: JenkinsClient, progress: @Sendable (StageEvent) -> Void
  ) async throws(StageError) -> StageReport.Job {
    var job = job
    progress(.triggering(job: step.job, tag: step.tag))
    let clock = ContinuousClock()
    let started = clock.now
    let item = try await client.trigger(step.path, parameters: [(step.parameter, step.tag)])
    guard let build = try await waitInQueue(item, step: step, client: client, since: started, progress: progress) else {
      job.status = .failed
      job.result = .cancelled
      job.durationSeconds = Int((clock.now - started).seconds.rounded())
      return job
    }
    job.buildURL = build.url.absoluteString
    let buildStarted = clock.now
    var state = try await client.buildState(build.url)
    while state.building {
      progress(.building(job: step.job, number: build.number, elapsed: clock.now - started))
      try await wait(since: buildStarted, limit: options.timing.buildTimeout, job: step.job, phase: "building")
      state = try await client.buildState(build.url)
    }
    let result = state.result ?? .failure
    job.result = result
    job.status = result.succeeded ? .deployed : .failed
    let measured = (clock.now - started).seconds
    job.durationSeconds = Int((state.durationMilliseconds.map { Double($0) / 1000 } ?? measured).rounded())
    if !result.succeeded {
      job.consoleTail = try await client.consoleTail(build.url, lines: options.consoleLines)
    }
    return job
  }

  /// Polls a queue item until its build starts; nil when it was cancelled.
  private func waitInQueue(
    _ item: URL, step: StagePlan.Step, client: JenkinsClient, since started: ContinuousClock.Instant,
    progress: @Sendable (StageEvent) -> Void
  ) async throws(StageError) -> (url: URL, number: Int?)? {
    while true {
      switch try await client.queueState(item) {
      case .cancelled: return nil
      case .started(let url, let number): return (url, number)
      case .waiting(let why):
        progress(.queued(job: step.job, why: why, elapsed: ContinuousClock().now - started))
        try await wait(since: started, limit: options.timing.queueTimeout, job: step.job, phase: "in the queue")
      }
    }
  }

  /// Sleeps one poll interval, unless `limit` since `start` has passed.
  private func wait(since start: ContinuousClock.Instant, limit: Duration, job: String, phase: String) async throws(StageError) {
    guard ContinuousClock().now - start < limit else { throw .timedOut(job: job, phase: phase, seconds: Int(limit.seconds.rounded())) }
    do {
      try await Task.sleep(for: options.timing.pollInterval)
    } catch {
      throw .timedOut(job: job, phase: phase, seconds: Int((ContinuousClock().now - start).seconds.rounded()))
    }
  }

  /// `POST URL/job/NAME/buildWithParameters DeployRef=TAG`: what triggering a job sends.
  private func trigger(of step: StagePlan.Step, on jenkins: URL) -> String {
    "POST \(jenkins.absoluteString)\(step.path.urlPath)/buildWithParameters \(step.parameter)=\(step.tag)"
  }
}
